// One poll loop for the cluster: 200 SSE subscribers spread over three gateways on the same 30 WorkSpaces cost 2
// DescribeWorkspaces per tick (one gateway holds the lease and polls for all), every subscriber gets each change, and
// when the lease holder is killed mid-subscription another gateway takes the lease and the others' subscribers keep
// receiving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { sdkClientFor } from "../gateway/fixture.ts";
import type { WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables } from "../generated/graphql.ts";
import { WorkspaceStateChangedDocument } from "../generated/graphql.ts";
import { SeededPool, sleep } from "../mutations/helpers.ts";
import { eventually } from "../subscriptions/helpers.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";
import { SseSubscription } from "../support/sse.ts";
import type { ClusterGateway } from "./fixture.ts";
import { startClusterGateways } from "./fixture.ts";

const SUBSCRIBERS = 200;
const WORKSPACES = 30;
const POLL_MS = 1_000;

type Subscription = SseSubscription<WorkspaceStateChangedSubscription>;

const subscribe = (url: string, workspaceIds: string[]) =>
  SseSubscription.open<WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables>(url, WorkspaceStateChangedDocument, {
    workspaceIds,
  });

/** The next event's WorkSpace and running mode. */
async function nextChange(subscription: Subscription): Promise<string> {
  const event = (await subscription.nextData()).workspaceStateChanged;
  assert.equal(event.__typename, "Workspace");
  return event.__typename === "Workspace" ? `${event.workspaceId} ${event.workspaceProperties?.runningMode}` : "";
}

describe("200 subscribers over three gateways", { timeout: 180_000 }, () => {
  let redis: RedisServer;
  let emulator: RunningEmulator;
  let gateways: ClusterGateway[];

  before(async () => {
    redis = await startRedisServer();
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 100, coolDownScale: 0 });
    // One caller (the tests' address) holds every subscription: no quota or cap in the way.
    gateways = await startClusterGateways(3, emulator.url, redis.url, {
      WATCH_POLL_MS: String(POLL_MS),
      CALLER_RATE_LIMIT: "0",
      WATCH_MAX_SUBSCRIPTIONS: String(SUBSCRIBERS),
    });
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator.close();
    await redis.close();
  });

  const holders = async (among: ClusterGateway[]) => {
    const held = await Promise.all(among.map((g) => g.metric("workspaces_watch_lease_held")));
    return among.filter((_, i) => held[i] === 1);
  };

  it("cost 2 DescribeWorkspaces per tick, and keep receiving when the lease holder is killed", async (t) => {
    const client = sdkClientFor(emulator);
    const pool = await SeededPool.load(client);
    const changed = pool.take({ runningMode: "ALWAYS_ON" }).WorkspaceId!;
    const ids = [...Array.from({ length: WORKSPACES - 1 }, () => pool.take().WorkspaceId!), changed];
    // Subscriber i on gateway i % 3, watching the last 10 to 30 of the 30: each gateway watches its own set, and the
    // cluster their union, the 30.
    const placed = Array.from({ length: SUBSCRIBERS }, (_, i) => ({ gateway: i % 3, ids: ids.slice(i % 21) }));
    const subscriptions = await Promise.all(placed.map(({ gateway, ids: watched }) => subscribe(gateways[gateway]!.url, watched)));
    await Promise.all(
      subscriptions.map(async (s, i) => {
        for (let n = 0; n < placed[i]!.ids.length; n++) await s.nextData();
      }),
    );
    await eventually(async () => (await holders(gateways)).length === 1, "one gateway holds the lease");

    emulator.resetStats();
    const started = performance.now();
    await sleep(5 * POLL_MS);
    const calls = emulator.stats().requests.DescribeWorkspaces ?? 0;
    const ticks = Math.ceil((performance.now() - started) / POLL_MS) + 1;
    t.diagnostic(`${calls} DescribeWorkspaces over ${ticks - 1} intervals`);
    // Each gateway polling its own would cost 6 a tick (30, 29 and 28 IDs).
    assert.ok(calls >= 2 && calls <= 2 * ticks, `${calls} DescribeWorkspaces in ${ticks} ticks at most`);

    const [holder] = await holders(gateways);
    const survivors = gateways.filter((g) => g !== holder);
    await client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: changed, WorkspaceProperties: { RunningMode: "AUTO_STOP" } }));
    const watching = subscriptions.filter((_, i) => placed[i]!.ids.includes(changed));
    assert.deepEqual(new Set(await Promise.all(watching.map(nextChange))), new Set([`${changed} AUTO_STOP`]), "every subscriber saw it");

    await holder!.kill();
    const kept = subscriptions.filter((_, i) => gateways[placed[i]!.gateway] !== holder);
    await client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: changed, WorkspaceProperties: { RunningMode: "ALWAYS_ON" } }));
    const killedAt = performance.now();
    assert.deepEqual(
      new Set(await Promise.all(kept.map(nextChange))),
      new Set([`${changed} ALWAYS_ON`]),
      "the survivors' subscribers saw it",
    );
    const handedOverMs = performance.now() - killedAt;
    t.diagnostic(`the survivors' subscribers had the change ${handedOverMs.toFixed(0)} ms after the holder was killed`);
    // Taken over within two intervals, then polled at the next tick.
    assert.ok(handedOverMs < 4 * POLL_MS + 2_000, `the change reached them ${handedOverMs.toFixed(0)} ms after the kill`);
    assert.equal((await holders(survivors)).length, 1, "a survivor holds the lease");
    for (const subscription of subscriptions) subscription.close();
    gateways = survivors;
  });
});
