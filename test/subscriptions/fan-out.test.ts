// Many SSE subscribers, one polling loop: 200 subscribers on 30 WorkSpaces cost 2 DescribeWorkspaces per tick, and
// once they have all disconnected nothing is polled any more, on a fired tick or on the real timer.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import type { ClockedGateway, TestGateway } from "../gateway/fixture.ts";
import { startClockedGateway, startTestGateway } from "../gateway/fixture.ts";
import type { WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables } from "../generated/graphql.ts";
import { ModifyWorkspacePropertiesDocument, WorkspaceStateChangedDocument } from "../generated/graphql.ts";
import { dataOf, SeededPool, sleep } from "../mutations/helpers.ts";
import { SseSubscription } from "../support/sse.ts";
import { eventually, ManualTicks, TIMEOUT_MS } from "./helpers.ts";

const SUBSCRIBERS = 200;
const WORKSPACES = 30;

type Subscription = SseSubscription<WorkspaceStateChangedSubscription>;

const subscribe = (url: string, workspaceIds: string[]) =>
  SseSubscription.open<WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables>(url, WorkspaceStateChangedDocument, {
    workspaceIds,
  });

/** The workspace ID and state of each of the next `count` events. */
async function states(subscription: Subscription, count: number): Promise<string[]> {
  const events: string[] = [];
  for (let i = 0; i < count; i++) {
    const event = (await subscription.nextData()).workspaceStateChanged;
    assert.equal(event.__typename, "Workspace");
    if (event.__typename === "Workspace") events.push(`${event.workspaceId} ${event.state}`);
  }
  return events;
}

const summaries = (workspaces: Workspace[]) => workspaces.map((w) => `${w.WorkspaceId} ${w.State}`);

describe("200 SSE subscribers on 30 WorkSpaces", { timeout: TIMEOUT_MS }, () => {
  let gateway: ClockedGateway;
  const ticks = new ManualTicks();

  before(async () => {
    gateway = await startClockedGateway({ workspaces: 100 }, { schedule: ticks.schedule });
  });
  after(() => gateway.close());

  it("cost 2 DescribeWorkspaces per tick, each change reaches every subscriber, and polling stops when they leave", async () => {
    const pool = await SeededPool.load(gateway.client);
    const alwaysOn = pool.take({ runningMode: "ALWAYS_ON" });
    const workspaces = [...Array.from({ length: WORKSPACES - 1 }, () => pool.take()), alwaysOn];
    // Each watches 10 to 30 of the 30 (the last 10 always), so only their union is the same.
    const watched = Array.from({ length: SUBSCRIBERS }, (_, i) => workspaces.slice(i % 21));
    const subscriptions = await Promise.all(
      watched.map((w) =>
        subscribe(
          gateway.url,
          w.map((x) => x.WorkspaceId!),
        ),
      ),
    );
    const first = await Promise.all(subscriptions.map((s, i) => states(s, watched[i]!.length)));
    for (const [i, events] of first.entries()) assert.deepEqual(events.sort(), summaries(watched[i]!).sort());

    gateway.emulator.resetStats();
    for (let tick = 1; tick <= 3; tick++) {
      await ticks.fire();
      assert.equal(gateway.emulator.stats().requests.DescribeWorkspaces, 2 * tick);
    }

    const changed = workspaces[WORKSPACES - 1]!.WorkspaceId!;
    dataOf(
      await gateway.execute(ModifyWorkspacePropertiesDocument, {
        input: { modifications: [{ workspaceId: changed, workspaceProperties: { runningMode: "AUTO_STOP" } }] },
      }),
    );
    gateway.emulator.resetStats();
    await ticks.fire();
    assert.equal(gateway.emulator.stats().requests.DescribeWorkspaces, 2);
    for (const subscription of subscriptions) {
      const event = (await subscription.nextData()).workspaceStateChanged;
      assert.ok(event.__typename === "Workspace" && event.workspaceId === changed);
      assert.equal(event.workspaceProperties?.runningMode, "AUTO_STOP");
    }

    for (const subscription of subscriptions) subscription.close();
    await eventually(() => gateway.watch.status.subscriptions === 0, "every disconnect seen");
    assert.deepEqual(gateway.watch.status, { subscriptions: 0, workspaces: 0, polling: false });
    assert.ok(!ticks.scheduled, "no tick is left scheduled");
  });
});

describe("the polling loop on its real timer", { timeout: TIMEOUT_MS }, () => {
  const POLL_MS = 40;
  let gateway: TestGateway;

  before(async () => {
    gateway = await startTestGateway({ workspaces: 60 }, { watchPollMs: POLL_MS });
  });
  after(() => gateway.close());

  it("polls every WATCH_POLL_MS while anyone watches, and not at all once the last subscriber has gone", async () => {
    const pool = await SeededPool.load(gateway.client);
    const workspaces = Array.from({ length: WORKSPACES }, () => pool.take());
    const ids = workspaces.map((w) => w.WorkspaceId!);
    const subscriptions = await Promise.all(Array.from({ length: 20 }, () => subscribe(gateway.url, ids)));
    await Promise.all(subscriptions.map((s) => states(s, WORKSPACES)));
    await gateway.resetAwsCalls();
    await eventually(() => gateway.watch.status.polling, "polling");
    await eventually(async () => ((await gateway.awsCalls()).DescribeWorkspaces ?? 0) >= 6, "3 ticks");

    for (const subscription of subscriptions) subscription.close();
    await eventually(() => !gateway.watch.status.polling, "polling stopped");
    assert.deepEqual(gateway.watch.status, { subscriptions: 0, workspaces: 0, polling: false });
    await gateway.resetAwsCalls();
    await sleep(10 * POLL_MS);
    assert.deepEqual(await gateway.awsCalls(), {}, "no call over 10 intervals");
  });
});
