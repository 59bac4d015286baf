// workspaceStateChanged over Server-Sent Events: the real gateway over HTTP on the emulator, both on one fake clock,
// with the test firing the polling loop's ticks, so each stream's events are known exactly.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { CreateWorkspacesCommand } from "@aws-sdk/client-workspaces";
import type { ClockedGateway } from "../gateway/fixture.ts";
import { globalId, startClockedGateway } from "../gateway/fixture.ts";
import type {
  WorkspacePropertiesInput,
  WorkspaceStateChangedSubscription,
  WorkspaceStateChangedSubscriptionVariables,
} from "../generated/graphql.ts";
import {
  CreateWorkspacesDocument,
  ModifyWorkspacePropertiesDocument,
  MutatedWorkspaceDocument,
  WorkspaceStateChangedDocument,
} from "../generated/graphql.ts";
import { BUNDLES, dataOf, ENG, narrow, SeededPool, UNKNOWN_WORKSPACE, uniqueUser, WORKSPACE_ID } from "../mutations/helpers.ts";
import { SseSubscription } from "../support/sse.ts";
import { ManualTicks, TIMEOUT_MS } from "./helpers.ts";

const PENDING_MS = 10 * 60_000;
const VISIBILITY_LAG_MS = 60_000;

type Subscription = SseSubscription<WorkspaceStateChangedSubscription>;

/** An event in short: `id STATE [resource:state ...]`, or `id NOT_FOUND`. */
function summary(data: WorkspaceStateChangedSubscription): string {
  const event = data.workspaceStateChanged;
  if (event.__typename === "WorkspaceNotFoundError") return `${event.workspaceId} ${event.code}`;
  const modifications = event.modificationStates.map((m) => ` ${m.resource}:${m.state}`).join("");
  return `${event.workspaceId} ${event.state}${modifications}`;
}

describe("workspaceStateChanged over SSE", { timeout: TIMEOUT_MS }, () => {
  let gateway: ClockedGateway;
  let pool: SeededPool;
  const ticks = new ManualTicks();
  const open: Subscription[] = [];
  const subscribe = async (workspaceIds: string[], method: "POST" | "GET" = "POST") => {
    const subscription = await SseSubscription.open<WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables>(
      gateway.url,
      WorkspaceStateChangedDocument,
      { workspaceIds },
      method,
    );
    open.push(subscription);
    return subscription;
  };
  const next = async (subscription: Subscription) => summary(await subscription.nextData());
  const describeCalls = () => gateway.emulator.stats().requests.DescribeWorkspaces ?? 0;
  const modify = async (workspaceId: string, workspaceProperties: WorkspacePropertiesInput) => {
    const result = dataOf(
      await gateway.execute(ModifyWorkspacePropertiesDocument, {
        input: { modifications: [{ workspaceId, workspaceProperties }] },
      }),
    ).modifyWorkspaceProperties;
    narrow(narrow(result, "ModifyWorkspacePropertiesPayload").results[0], "ModifyWorkspacePropertiesSuccess");
  };

  before(async () => {
    gateway = await startClockedGateway(
      { workspaces: 100, pendingMs: PENDING_MS, visibilityLagMs: VISIBILITY_LAG_MS },
      { schedule: ticks.schedule },
    );
    pool = await SeededPool.load(gateway.client);
  });
  after(() => gateway.close());
  beforeEach(() => {
    for (const subscription of open.splice(0)) subscription.close();
  });

  it("streams a WorkSpace created through the gateway: PENDING at once, although AWS does not show it yet, then AVAILABLE", async () => {
    const created = dataOf(
      await gateway.execute(CreateWorkspacesDocument, {
        input: { workspaces: [{ directoryId: ENG, userName: uniqueUser("sse"), bundleId: BUNDLES.standard }] },
      }),
    ).createWorkspaces;
    const { workspaceId } = narrow(narrow(created, "CreateWorkspacesPayload").results[0], "Workspace");
    assert.match(workspaceId, WORKSPACE_ID);
    assert.equal(dataOf(await gateway.execute(MutatedWorkspaceDocument, { workspaceId })).workspace, null, "AWS does not show it yet");

    const subscription = await subscribe([workspaceId]);
    const first = (await subscription.nextData()).workspaceStateChanged;
    assert.deepEqual(narrow(first, "Workspace"), {
      __typename: "Workspace",
      id: globalId("Workspace", workspaceId),
      workspaceId,
      state: "PENDING",
      modificationStates: [],
      // As AWS's create answer has it: no properties yet.
      workspaceProperties: null,
    });
    await ticks.fire();
    gateway.clock.now += VISIBILITY_LAG_MS;
    await ticks.fire();
    assert.equal(dataOf(await gateway.execute(MutatedWorkspaceDocument, { workspaceId })).workspace?.state, "PENDING", "AWS shows it now");
    assert.deepEqual(
      narrow((await subscription.nextData()).workspaceStateChanged, "Workspace").workspaceProperties,
      { runningMode: "ALWAYS_ON", computeTypeName: "STANDARD", rootVolumeSizeGib: 80, userVolumeSizeGib: 50 },
      "still PENDING, with the properties AWS now shows",
    );
    await ticks.fire();
    gateway.clock.now += PENDING_MS;
    await ticks.fire();
    assert.equal(await next(subscription), `${workspaceId} AVAILABLE`, "the next event after PENDING");
  });

  it("ends a WorkSpace created elsewhere, which AWS does not show yet, as not found", async () => {
    const output = await gateway.client.send(
      new CreateWorkspacesCommand({
        Workspaces: [{ DirectoryId: ENG, UserName: uniqueUser("elsewhere"), BundleId: BUNDLES.standard }],
      }),
    );
    const workspaceId = output.PendingRequests![0]!.WorkspaceId!;
    const subscription = await subscribe([workspaceId]);
    assert.equal(await next(subscription), `${workspaceId} NOT_FOUND`);
    assert.equal(await subscription.next(), "complete");
  });

  it("streams a modification: UPDATE_INITIATED, UPDATE_IN_PROGRESS, then done with the new compute type", async () => {
    const workspace = pool.take({ compute: "POWER" });
    const id = workspace.WorkspaceId!;
    const subscription = await subscribe([id]);
    assert.equal(await next(subscription), `${id} ${workspace.State}`);
    await modify(id, { computeTypeName: "POWERPRO" });
    await ticks.fire();
    assert.equal(await next(subscription), `${id} UPDATING COMPUTE_TYPE:UPDATE_INITIATED`);
    await ticks.fire();
    gateway.clock.now += PENDING_MS / 2;
    await ticks.fire();
    assert.equal(await next(subscription), `${id} UPDATING COMPUTE_TYPE:UPDATE_IN_PROGRESS`);
    gateway.clock.now += PENDING_MS / 2;
    await ticks.fire();
    const done = narrow((await subscription.nextData()).workspaceStateChanged, "Workspace");
    assert.equal(done.state, workspace.State);
    assert.deepEqual(done.modificationStates, []);
    assert.equal(done.workspaceProperties?.computeTypeName, "POWERPRO");
  });

  it("ends an unknown ID's stream with WorkspaceNotFoundError, goes on with the others, and completes when none is left", async () => {
    const workspace = pool.take({ runningMode: "ALWAYS_ON" });
    const id = workspace.WorkspaceId!;
    const subscription = await subscribe([UNKNOWN_WORKSPACE, id]);
    const first = [await subscription.nextData(), await subscription.nextData()];
    const notFound = first.map((data) => data.workspaceStateChanged).find((event) => event.__typename === "WorkspaceNotFoundError");
    assert.deepEqual(notFound, {
      __typename: "WorkspaceNotFoundError",
      code: "NOT_FOUND",
      message: `AWS has no WorkSpace ${UNKNOWN_WORKSPACE}.`,
      workspaceId: UNKNOWN_WORKSPACE,
    });
    assert.deepEqual(first.map(summary).sort(), [`${UNKNOWN_WORKSPACE} NOT_FOUND`, `${id} ${workspace.State}`].sort());

    await modify(id, { runningMode: "AUTO_STOP" });
    await ticks.fire();
    const changed = narrow((await subscription.nextData()).workspaceStateChanged, "Workspace");
    assert.equal(changed.workspaceProperties?.runningMode, "AUTO_STOP");

    const unknownOnly = await subscribe([UNKNOWN_WORKSPACE]);
    assert.equal(await next(unknownOnly), `${UNKNOWN_WORKSPACE} NOT_FOUND`);
    assert.equal(await unknownOnly.next(), "complete");
  });

  it("gives a subscriber on IDs already watched their last state at once, with no AWS call", async () => {
    const [a, b, c] = [pool.take(), pool.take(), pool.take()];
    const first = await subscribe([a.WorkspaceId!, b.WorkspaceId!]);
    await first.nextData();
    await first.nextData();
    gateway.emulator.resetStats();
    const second = await subscribe([b.WorkspaceId!, a.WorkspaceId!, b.WorkspaceId!]);
    assert.deepEqual(
      [await next(second), await next(second)].sort(),
      [`${a.WorkspaceId} ${a.State}`, `${b.WorkspaceId} ${b.State}`].sort(),
    );
    assert.equal(describeCalls(), 0);
    const third = await subscribe([a.WorkspaceId!, c.WorkspaceId!]);
    assert.deepEqual([await next(third), await next(third)].sort(), [`${a.WorkspaceId} ${a.State}`, `${c.WorkspaceId} ${c.State}`].sort());
    assert.equal(describeCalls(), 1, "one call, for the one new ID");
  });

  it("subscribes by GET with the query in the URL, as a browser's EventSource does", async () => {
    const workspace = pool.take();
    const subscription = await subscribe([workspace.WorkspaceId!], "GET");
    assert.equal(await next(subscription), `${workspace.WorkspaceId} ${workspace.State}`);
  });

  it("refuses no IDs, more than 100, or a malformed one, with VALIDATION and no AWS call", async () => {
    gateway.emulator.resetStats();
    const cases: [string[], string, string, string][] = [
      [[], "workspaceIds", "listSize", "workspaceIds: must hold 1 to 100 items"],
      [Array.from({ length: 101 }, () => UNKNOWN_WORKSPACE), "workspaceIds", "listSize", "workspaceIds: must hold 1 to 100 items"],
      [[UNKNOWN_WORKSPACE, "ws-UPPER0000"], "workspaceIds[1]", "pattern", "workspaceIds[1]: must match ^ws-[0-9a-z]{8,63}$"],
    ];
    for (const [workspaceIds, field, rule, message] of cases) {
      const subscription = await subscribe(workspaceIds);
      const result = await subscription.next();
      assert.notEqual(result, "complete");
      assert.deepEqual(
        (result as Exclude<typeof result, "complete">).errors?.map((e) => ({ message: e.message, ...e.extensions })),
        [{ message, field, rule, code: "VALIDATION", retryable: false }],
      );
      assert.equal(await subscription.next(), "complete");
    }
    assert.equal(describeCalls(), 0);
  });
});
