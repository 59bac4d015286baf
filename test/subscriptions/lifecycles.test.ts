// workspaceStateChanged follows every lifecycle a console starts through the gateway: each WorkSpace action's state while
// it runs and where it settles, a terminated WorkSpace until it is gone, and a protocol change's PROTOCOL
// modification. The gateway and the emulator share one fake clock and the test fires the polling loop's ticks.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { ClockedGateway } from "../gateway/fixture.ts";
import { startClockedGateway } from "../gateway/fixture.ts";
import type { WorkspaceLifecycleSubscription, WorkspaceLifecycleSubscriptionVariables } from "../generated/graphql.ts";
import {
  ModifyWorkspacePropertiesDocument,
  RebootWorkspacesDocument,
  RebuildWorkspacesDocument,
  RestoreWorkspaceDocument,
  StartWorkspacesDocument,
  StopWorkspacesDocument,
  TerminateWorkspacesDocument,
  WorkspaceLifecycleDocument,
} from "../generated/graphql.ts";
import { dataOf, SeededPool } from "../mutations/helpers.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { SseSubscription } from "../support/sse.ts";
import { ManualTicks, TIMEOUT_MS } from "./helpers.ts";

const PENDING_MS = 10 * 60_000;

type Subscription = SseSubscription<WorkspaceLifecycleSubscription>;

/** An event in short: `STATE [resource:state ...] protocol`, or `NOT_FOUND`. */
function summary(data: WorkspaceLifecycleSubscription): string {
  const event = data.workspaceStateChanged;
  if (event.__typename === "WorkspaceNotFoundError") return event.code;
  const modifications = event.modificationStates.map((m) => ` ${m.resource}:${m.state}`).join("");
  return `${event.state}${modifications} ${event.workspaceProperties?.protocols?.join() ?? "-"}`;
}

/** The one item of a mutation's answer was accepted (WorkspaceActionSuccess or ModifyWorkspacePropertiesSuccess). */
function assertAccepted(response: GraphQLResponse<Record<string, unknown>>): void {
  const [payload] = Object.values(dataOf(response)) as { results?: { __typename: string }[] }[];
  const typenames = payload?.results?.map((r) => r.__typename) ?? [];
  assert.ok(typenames.length === 1 && typenames[0]!.endsWith("Success"), JSON.stringify(payload));
}

describe("workspaceStateChanged follows the lifecycles", { timeout: TIMEOUT_MS }, () => {
  let gateway: ClockedGateway;
  let pool: SeededPool;
  const ticks = new ManualTicks();
  const open: Subscription[] = [];

  before(async () => {
    gateway = await startClockedGateway({ workspaces: 100, pendingMs: PENDING_MS, visibilityLagMs: 0 }, { schedule: ticks.schedule });
    pool = await SeededPool.load(gateway.client);
  });
  after(() => gateway.close());
  beforeEach(() => {
    for (const subscription of open.splice(0)) subscription.close();
  });

  /** Subscribes to the WorkSpace, starts the change, then moves the clock by `steps` and polls after each. */
  async function follow(workspaceId: string, start: () => Promise<GraphQLResponse<Record<string, unknown>>>, steps: number[]) {
    const subscription = await SseSubscription.open<WorkspaceLifecycleSubscription, WorkspaceLifecycleSubscriptionVariables>(
      gateway.url,
      WorkspaceLifecycleDocument,
      { workspaceIds: [workspaceId] },
    );
    open.push(subscription);
    const seen = [summary(await subscription.nextData())];
    assertAccepted(await start());
    await ticks.fire();
    seen.push(summary(await subscription.nextData()));
    for (const ms of steps) {
      gateway.clock.now += ms;
      await ticks.fire();
      seen.push(summary(await subscription.nextData()));
    }
    return { seen, subscription };
  }

  const cases = [
    {
      name: "stop",
      take: { state: "AVAILABLE", runningMode: "AUTO_STOP" },
      start: (id: string) => gateway.execute(StopWorkspacesDocument, { input: { workspaceIds: [id] }, read: false }),
      states: ["AVAILABLE", "STOPPING", "STOPPED"],
    },
    {
      name: "start",
      take: { state: "STOPPED", runningMode: "AUTO_STOP" },
      start: (id: string) => gateway.execute(StartWorkspacesDocument, { input: { workspaceIds: [id] }, read: false }),
      states: ["STOPPED", "STARTING", "AVAILABLE"],
    },
    {
      name: "reboot",
      take: { state: "UNHEALTHY" },
      start: (id: string) => gateway.execute(RebootWorkspacesDocument, { input: { workspaceIds: [id] }, read: false }),
      states: ["UNHEALTHY", "REBOOTING", "AVAILABLE"],
    },
    {
      name: "rebuild",
      take: { state: "ERROR" },
      start: (id: string) => gateway.execute(RebuildWorkspacesDocument, { input: { workspaceIds: [id] }, read: false }),
      states: ["ERROR", "REBUILDING", "AVAILABLE"],
    },
    {
      name: "restore",
      take: { state: "STOPPED" },
      start: (id: string) => gateway.execute(RestoreWorkspaceDocument, { input: { workspaceId: id }, read: false }),
      states: ["STOPPED", "RESTORING", "AVAILABLE"],
    },
  ];

  for (const { name, take, start, states } of cases) {
    it(`${name}: ${states.join(", then ")}`, async () => {
      const target = pool.take(take);
      const { seen } = await follow(target.WorkspaceId!, () => start(target.WorkspaceId!), [PENDING_MS]);
      assert.deepEqual(
        seen.map((s) => s.split(" ")[0]),
        states,
      );
    });
  }

  it("terminate: TERMINATING, then TERMINATED, then not found, and the stream completes", async () => {
    const target = pool.take({ state: "IMPAIRED" });
    const { seen, subscription } = await follow(
      target.WorkspaceId!,
      () => gateway.execute(TerminateWorkspacesDocument, { input: { workspaceIds: [target.WorkspaceId!], confirm: true }, read: false }),
      [PENDING_MS, PENDING_MS],
    );
    assert.deepEqual(
      seen.map((s) => s.split(" ")[0]),
      ["IMPAIRED", "TERMINATING", "TERMINATED", "NOT_FOUND"],
    );
    assert.equal(await subscription.next(), "complete");
  });

  it("a protocol change: UPDATING through PROTOCOL's UPDATE_INITIATED and UPDATE_IN_PROGRESS, then AVAILABLE on the new protocol", async () => {
    const target = pool.take({ state: "AVAILABLE", compute: "STANDARD", protocol: "PCOIP" });
    const { seen } = await follow(
      target.WorkspaceId!,
      () =>
        gateway.execute(ModifyWorkspacePropertiesDocument, {
          input: { modifications: [{ workspaceId: target.WorkspaceId!, workspaceProperties: { protocols: ["WSP"] } }] },
        }),
      [PENDING_MS / 2, PENDING_MS / 2],
    );
    assert.deepEqual(seen, [
      "AVAILABLE PCOIP",
      "UPDATING PROTOCOL:UPDATE_INITIATED PCOIP",
      "UPDATING PROTOCOL:UPDATE_IN_PROGRESS PCOIP",
      "AVAILABLE WSP",
    ]);
  });
});
