// The watch behind subscriptions, on its own: the real SDK client against the emulator on a fake clock, with the
// test firing the ticks, so every event, every AWS call and every tick scheduled is counted exactly.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { CreateWorkspacesCommand, ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import { camelCase } from "../../src/aws/camel-case.ts";
import { Fleet, Partition, qualifiedId, splitQualifiedId } from "../../src/aws/fleet.ts";
import { Upstream } from "../../src/aws/upstream.ts";
import type { WatchEvent } from "../../src/shared/watch-lease/watch-lease.ts";
import { CREATED_GRACE_MS, WorkspaceWatch } from "../../src/watch/workspace-watch.ts";
import type { Harness } from "../emulator/fixture.ts";
import { CLIENT_CONFIG, startHarness } from "../emulator/fixture.ts";
import { BUNDLES, ENG, SeededPool, UNKNOWN_WORKSPACE, uniqueUser } from "../mutations/helpers.ts";
import { eventually, ManualTicks, TIMEOUT_MS } from "./helpers.ts";

const PENDING_MS = 10 * 60_000;
const VISIBILITY_LAG_MS = 60_000;
const INTERVAL_MS = 5_000;
/** The emulator's default partition, which the harness's keys reach. */
const HOME = { accountId: "123456789012", region: "us-east-1" };
/** IDs as the watch takes them: qualified by their partition. */
const q = (ids: string[]) => ids.map((id) => qualifiedId(HOME, id));

/** What a listener received, as `id STATE [resource:state ...]` or `id gone`. */
function collect() {
  const events: string[] = [];
  const listener = (event: WatchEvent) => {
    const { workspace } = event;
    const workspaceId = splitQualifiedId(event.workspaceId)!.id;
    if (!workspace) {
      events.push(`${workspaceId} gone`);
      return;
    }
    const modifications = (workspace.modificationStates ?? []).map((m) => ` ${m.resource}:${m.state}`).join("");
    events.push(`${workspaceId} ${workspace.state}${modifications}`);
  };
  return { events, listener };
}

describe("WorkspaceWatch", { timeout: TIMEOUT_MS }, () => {
  let harness: Harness;
  let fleet: Fleet;
  let pool: SeededPool;
  let ticks: ManualTicks;
  let watch: WorkspaceWatch;
  const describeCalls = () => harness.emulator.stats().requests.DescribeWorkspaces ?? 0;
  /** New IDs are fetched at once, not by a tick: this waits for what that fetch sends. */
  const received = (events: string[], count: number) => eventually(() => events.length >= count, `${count} events`);

  before(async () => {
    harness = await startHarness({ workspaces: 100, pendingMs: PENDING_MS, visibilityLagMs: VISIBILITY_LAG_MS }, { maxAttempts: 1 });
    pool = await SeededPool.load(harness.client);
    const upstream = new Upstream({ ...CLIENT_CONFIG, endpoint: harness.emulator.url }, { maxAttempts: 1, rateLimit: 0 });
    fleet = new Fleet([new Partition(HOME.accountId, HOME.region, upstream, null)]);
  });
  after(async () => {
    fleet.destroy();
    await harness.close();
  });
  beforeEach(() => {
    ticks = new ManualTicks();
    watch = new WorkspaceWatch(fleet, { intervalMs: INTERVAL_MS, clock: () => harness.clock.now, schedule: ticks.schedule });
    harness.emulator.settings.throttleRate = 0;
    harness.emulator.resetStats();
  });

  it("sends each ID's state first, then only changes to its state, modification states or properties", async () => {
    const workspace = pool.take({ compute: "POWER", runningMode: "ALWAYS_ON" });
    const id = workspace.WorkspaceId!;
    const { events, listener } = collect();
    const unwatch = watch.watch(q([id, id]), listener);
    await received(events, 1);
    assert.deepEqual(events, [`${id} ${workspace.State}`]);
    assert.deepEqual(ticks.delays, [INTERVAL_MS]);

    await ticks.fire();
    assert.deepEqual(events, [`${id} ${workspace.State}`], "nothing changed, so nothing is sent");

    await harness.client.send(
      new ModifyWorkspacePropertiesCommand({ WorkspaceId: id, WorkspaceProperties: { ComputeTypeName: "POWERPRO" } }),
    );
    await ticks.fire();
    harness.advance(PENDING_MS / 2);
    await ticks.fire();
    await ticks.fire();
    harness.advance(PENDING_MS / 2);
    await ticks.fire();
    assert.deepEqual(events, [
      `${id} ${workspace.State}`,
      `${id} UPDATING COMPUTE_TYPE:UPDATE_INITIATED`,
      `${id} UPDATING COMPUTE_TYPE:UPDATE_IN_PROGRESS`,
      `${id} ${workspace.State}`,
    ]);

    await harness.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: id, WorkspaceProperties: { RunningMode: "AUTO_STOP" } }));
    await ticks.fire();
    assert.equal(events.length, 5, "a running mode change is a change of properties");
    unwatch();
  });

  it("takes a WorkSpace created through the gateway as PENDING until AWS shows it, for a grace period at most", async () => {
    const create = async () => {
      const output = await harness.client.send(
        new CreateWorkspacesCommand({
          Workspaces: [{ DirectoryId: ENG, UserName: uniqueUser("watch"), BundleId: BUNDLES.standard }],
        }),
      );
      return { ...camelCase(output.PendingRequests![0]!), partition: HOME };
    };
    const shown = await create();
    watch.recordCreated(shown);
    harness.emulator.settings.visibilityLagMs = 24 * 60 * 60_000;
    const hidden = await create();
    harness.emulator.settings.visibilityLagMs = VISIBILITY_LAG_MS;
    watch.recordCreated(hidden);
    const ids = [shown.workspaceId!, hidden.workspaceId!];
    const { events, listener } = collect();
    const unwatch = watch.watch(q(ids), listener);
    assert.deepEqual(
      events,
      ids.map((id) => `${id} PENDING`),
      "known at once, from the create result",
    );
    await ticks.fire();
    assert.equal(events.length, 2, "AWS does not show them yet, and that is no news");

    harness.advance(VISIBILITY_LAG_MS);
    await ticks.fire();
    // AWS shows it: still PENDING, now with the properties its create answer did not carry.
    assert.deepEqual(events.slice(2), [`${ids[0]} PENDING`]);
    harness.advance(CREATED_GRACE_MS - VISIBILITY_LAG_MS - 1);
    await ticks.fire();
    assert.equal(events.length, 3, "the other is still within the grace period");
    harness.advance(1);
    await ticks.fire();
    assert.deepEqual(events.slice(3), [`${ids[1]} gone`]);
    harness.advance(PENDING_MS);
    await ticks.fire();
    assert.deepEqual(events.slice(4), [`${ids[0]} AVAILABLE`]);
    assert.equal(watch.status.workspaces, 1);
    unwatch();
  });

  it("ends an ID AWS does not have, once, and goes on with the others", async () => {
    const id = pool.take({ compute: "POWER" }).WorkspaceId!;
    const { events, listener } = collect();
    const unwatch = watch.watch(q([UNKNOWN_WORKSPACE, id]), listener);
    await received(events, 2);
    assert.deepEqual(events, [`${UNKNOWN_WORKSPACE} gone`, `${id} AVAILABLE`]);
    await harness.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: id, WorkspaceProperties: { UserVolumeSizeGib: 200 } }));
    await ticks.fire();
    assert.equal(events.length, 3);
    assert.match(events[2]!, new RegExp(`^${id} UPDATING USER_VOLUME:UPDATE_INITIATED$`));
    harness.emulator.resetStats();
    await ticks.fire();
    assert.equal(describeCalls(), 1);
    assert.deepEqual(watch.status, { subscriptions: 1, workspaces: 1, polling: true });
    unwatch();
  });

  it("ends no stream and sends nothing when a tick fails; the next tick catches up", async () => {
    const workspace = pool.take({ compute: "POWER" });
    const id = workspace.WorkspaceId!;
    const { events, listener } = collect();
    const unwatch = watch.watch(q([id]), listener);
    await received(events, 1);
    await harness.client.send(
      new ModifyWorkspacePropertiesCommand({ WorkspaceId: id, WorkspaceProperties: { ComputeTypeName: "PERFORMANCE" } }),
    );
    harness.emulator.settings.throttleRate = 1;
    harness.emulator.resetStats();
    await ticks.fire();
    assert.equal(describeCalls(), 1, "the tick asked, and was throttled");
    assert.deepEqual(events, [`${id} ${workspace.State}`]);
    assert.ok(ticks.scheduled, "the loop goes on");
    harness.emulator.settings.throttleRate = 0;
    await ticks.fire();
    assert.deepEqual(events, [`${id} ${workspace.State}`, `${id} UPDATING COMPUTE_TYPE:UPDATE_INITIATED`]);
    unwatch();
  });

  it("asks AWS once per 25 distinct IDs per tick, however many listen; a listener on known IDs costs no call", async () => {
    const workspaces = Array.from({ length: 30 }, () => pool.take());
    const ids = workspaces.map((w) => w.WorkspaceId!);
    const listeners = Array.from({ length: 200 }, (_, i) => {
      const { events, listener } = collect();
      // Each watches 10 to 30 of the 30, so only their union is the same.
      const watched = workspaces.slice(i % 21);
      return {
        events,
        watched,
        unwatch: watch.watch(q(watched.map((w) => w.WorkspaceId!)), listener),
      };
    });
    await Promise.all(listeners.map(({ events, watched }) => received(events, watched.length)));
    assert.equal(describeCalls(), 2, "IDs that arrived together are fetched together");
    for (const { events, watched } of listeners)
      assert.deepEqual(
        events,
        watched.map((w) => `${w.WorkspaceId} ${w.State}`),
      );

    harness.emulator.resetStats();
    for (let tick = 1; tick <= 3; tick++) {
      await ticks.fire();
      assert.equal(describeCalls(), 2 * tick);
    }

    const late = collect();
    const unwatchLate = watch.watch(q(ids.slice(0, 5)), late.listener);
    assert.equal(late.events.length, 5, "the last state, at once");
    await ticks.fire();
    assert.equal(describeCalls(), 8, "and no call for it: the next tick, which waits for any other fetch, is all");

    for (const { unwatch } of listeners) unwatch();
    assert.ok(ticks.scheduled, "IDs are still watched by the late listener");
    unwatchLate();
    assert.deepEqual(watch.status, { subscriptions: 0, workspaces: 0, polling: false });
    assert.ok(!ticks.scheduled, "the scheduled tick is cancelled with the last listener");
  });

  it("stops a tick in flight from scheduling another once nobody watches, and stops all on close", async () => {
    const id = pool.take().WorkspaceId!;
    const { events, listener } = collect();
    const unwatch = watch.watch(q([id]), listener);
    await received(events, 1);
    const tick = ticks.fire();
    unwatch();
    await tick;
    assert.ok(!ticks.scheduled);

    watch.watch(q([id]), listener);
    assert.ok(ticks.scheduled);
    watch.close();
    assert.ok(!ticks.scheduled);
    assert.deepEqual(watch.status, { subscriptions: 1, workspaces: 0, polling: false });
  });

  it("streams each ID's latest event: a reader that falls behind gets current states, not a backlog", async () => {
    const workspace = pool.take({ compute: "POWER" });
    const id = workspace.WorkspaceId!;
    const stream = watch.stream(q([UNKNOWN_WORKSPACE, id, id]), "test");
    assert.equal(watch.status.subscriptions, 0, "nothing is watched before the first read");
    const first = [(await stream.next()).value, (await stream.next()).value] as WatchEvent[];
    assert.deepEqual(
      first.map((e) => [splitQualifiedId(e.workspaceId)!.id, e.workspace?.state ?? null]),
      [
        [UNKNOWN_WORKSPACE, null],
        [id, workspace.State],
      ],
    );

    await harness.client.send(
      new ModifyWorkspacePropertiesCommand({ WorkspaceId: id, WorkspaceProperties: { ComputeTypeName: "POWERPRO" } }),
    );
    await ticks.fire();
    harness.advance(PENDING_MS / 2);
    await ticks.fire();
    const latest = (await stream.next()).value as WatchEvent;
    assert.deepEqual(latest.workspace?.modificationStates, [{ resource: "COMPUTE_TYPE", state: "UPDATE_IN_PROGRESS" }]);

    const pending = stream.next();
    await stream.return!();
    assert.deepEqual(await pending, { done: true, value: undefined }, "a read waiting for news ends with the stream");
    assert.deepEqual(watch.status, { subscriptions: 0, workspaces: 0, polling: false });
  });

  it("ends a stream once every ID in it has ended", async () => {
    const stream = watch.stream(q([UNKNOWN_WORKSPACE]), "test");
    assert.deepEqual(await stream.next(), { done: false, value: { workspaceId: q([UNKNOWN_WORKSPACE])[0], workspace: null } });
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
    assert.equal(watch.status.subscriptions, 0);
    assert.equal(describeCalls(), 1);
  });

  it("fetches nothing for IDs whose listener left before the fetch", async () => {
    const left = collect();
    watch.watch(q([pool.take().WorkspaceId!]), left.listener)();
    // Fetches run one after another: once this one's state arrives, the one queued before has run.
    const next = collect();
    const unwatch = watch.watch(q([pool.take().WorkspaceId!]), next.listener);
    await received(next.events, 1);
    assert.equal(describeCalls(), 1);
    assert.deepEqual(left.events, []);
    unwatch();
  });
});

describe("WorkspaceWatch against an upstream that never answers", { timeout: TIMEOUT_MS }, () => {
  it("gives each call at most one interval, so one hung call does not stop the polling for good", async () => {
    let requests = 0;
    const silent = createServer(() => {
      requests += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const upstream = new Upstream({ ...CLIENT_CONFIG, endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` });
    const fleet = new Fleet([new Partition(HOME.accountId, HOME.region, upstream, null)]);
    const watch = new WorkspaceWatch(fleet, { intervalMs: 1_000 });
    const stop = watch.watch(q(["ws-aaaaaaaa1"]), () => {});
    try {
      await eventually(() => requests >= 3, "a call per interval despite the hung ones");
    } finally {
      stop();
      watch.close();
      fleet.destroy();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
