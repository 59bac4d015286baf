// What subscriptions cost AWS and what their callers are charged: one tick's lookups under the events (directory,
// connection status) are batched across every subscriber, as a request's are; each event is charged them past the
// events subscribing paid for, and a caller whose share is spent gets the events without their lookups; subscribing
// and closing again and again costs AWS no more than the caller was charged; and the gateway holds MAX_SUBSCRIPTIONS.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import { ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse, print } from "graphql";
import { parseApiKeys } from "../../src/auth/api-keys.ts";
import { Fleet, Partition } from "../../src/aws/fleet.ts";
import { Upstream } from "../../src/aws/upstream.ts";
import { loadConfig } from "../../src/config.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { createGatewayHandler } from "../../src/server.ts";
import { createBundleCache } from "../../src/shared/bundle-cache/memory.ts";
import { IdempotencyStore } from "../../src/shared/idempotency/memory.ts";
import { CallerQuotas } from "../../src/shared/quotas/memory.ts";
import { WorkspaceWatch } from "../../src/watch/workspace-watch.ts";
import { HOME, sdkClientFor } from "../gateway/fixture.ts";
import { SeededPool } from "../mutations/helpers.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { SseSubscription } from "../support/sse.ts";
import { eventually, ManualTicks, TIMEOUT_MS } from "./helpers.ts";

const KEYS = ["charges-key-alice-0001", "charges-key-bob-00002", "charges-key-carol-003"] as const;
const [ALICE, BOB, CAROL] = KEYS;
const callerOf = (key: string) => parseApiKeys(`${key}:read`)[0]!.principal.id;

type Event = {
  workspaceStateChanged: {
    __typename: string;
    workspaceId?: string;
    directory?: { directoryId: string } | null;
    connectionStatus?: { connectionState: string | null } | null;
  };
};
const WITH_LOOKUPS = parse(`subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) {
  __typename ... on Workspace { workspaceId directory { directoryId } connectionStatus { connectionState } } } }`) as TypedDocumentNode<
  Event,
  { ids: string[] }
>;

const LOOKUPS = ["DescribeWorkspaceDirectories", "DescribeWorkspacesConnectionStatus"];

interface Setup {
  url: string;
  emulator: RunningEmulator;
  watch: WorkspaceWatch;
  ticks: ManualTicks;
  quotas: CallerQuotas;
  pool: SeededPool;
  calls(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * The gateway's handler on an emulator, as startGateway assembles it, with the watch's ticks fired by hand and callers'
 * quotas on a clock that stands still (no refill: what is charged stays charged).
 */
async function setUp(quota: { rate: number; burst: number }, maxSubscriptions = 1_000): Promise<Setup> {
  const emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 60, visibilityLagMs: 0 });
  const upstream = new Upstream({ endpoint: emulator.url, region: HOME.region, credentials: { accessKeyId: "e", secretAccessKey: "e" } });
  const fleet = new Fleet([new Partition(HOME.accountId, HOME.region, upstream, createBundleCache(60_000))]);
  const ticks = new ManualTicks();
  const watch = new WorkspaceWatch(fleet, { intervalMs: 5_000, schedule: ticks.schedule, maxSubscriptions });
  const quotas = new CallerQuotas(quota.rate, quota.burst, () => 0);
  const settings = { ...loadConfig({ GATEWAY_API_KEYS: KEYS.map((key) => `${key}:read`).join(",") }), logLevel: "silent" as const };
  const yoga = createGatewayHandler(
    { fleet, cursorSecret: "test-secret", idempotency: new IdempotencyStore(), watch, clock: Date.now },
    settings,
    undefined,
    undefined,
    quotas,
  );
  const server = createServer((request, response) => yoga(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const client = sdkClientFor(emulator);
  const pool = await SeededPool.load(client);
  client.destroy();
  emulator.resetStats();
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    emulator,
    watch,
    ticks,
    quotas,
    pool,
    calls: () => emulator.stats().requests,
    async close() {
      watch.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      fleet.destroy();
      await emulator.close();
    },
  };
}

const subscribe = (setup: Setup, ids: string[], key: string = ALICE) =>
  SseSubscription.open(setup.url, WITH_LOOKUPS, { ids }, "POST", { authorization: `Bearer ${key}` });

/** The next `count` events, as `workspaceId` with whether its lookups came. */
async function events(subscription: SseSubscription<Event>, count: number): Promise<GraphQLResponse<Event>[]> {
  const received: GraphQLResponse<Event>[] = [];
  for (let i = 0; i < count; i++) {
    const next = await subscription.next();
    assert.notEqual(next, "complete");
    received.push(next as GraphQLResponse<Event>);
  }
  return received;
}

/** Flips each WorkSpace's running mode through AWS directly, so the next tick finds it changed. */
async function change(setup: Setup, workspaces: Workspace[]): Promise<void> {
  const client = sdkClientFor(setup.emulator);
  for (const workspace of workspaces) {
    const mode = workspace.WorkspaceProperties?.RunningMode === "ALWAYS_ON" ? "AUTO_STOP" : "ALWAYS_ON";
    await client.send(
      new ModifyWorkspacePropertiesCommand({ WorkspaceId: workspace.WorkspaceId!, WorkspaceProperties: { RunningMode: mode } }),
    );
    workspace.WorkspaceProperties = { ...workspace.WorkspaceProperties, RunningMode: mode };
  }
  client.destroy();
}

const lookupCalls = (calls: Record<string, number>) => Object.fromEntries(LOOKUPS.map((operation) => [operation, calls[operation] ?? 0]));

describe("subscriptions' lookups, batched across subscribers", { timeout: TIMEOUT_MS }, () => {
  let setup: Setup;
  before(async () => {
    setup = await setUp({ rate: 0, burst: 0 });
  });
  after(() => setup.close());

  it("make one call per lookup for a subscriber's 25 first events, and one per lookup for a tick's changes to all of them", async () => {
    const watched = Array.from({ length: 25 }, () => setup.pool.take());
    const ids = watched.map((w) => w.WorkspaceId!);
    const subscriptions: SseSubscription<Event>[] = [];
    for (let i = 0; i < 10; i++) {
      setup.emulator.resetStats();
      const subscription = await subscribe(setup, ids);
      subscriptions.push(subscription);
      const first = await events(subscription, 25);
      assert.ok(first.every((e) => !e.errors && e.data!.workspaceStateChanged.directory && e.data!.workspaceStateChanged.connectionStatus));
      // The 25 events' lookups run together, 25 IDs a call; the 52 calls of one event at a time are gone.
      const lookups = lookupCalls(setup.calls());
      assert.ok(
        LOOKUPS.every((operation) => lookups[operation]! <= 1),
        `subscriber ${i}: ${JSON.stringify(lookups)}`,
      );
    }
    const changed = watched.slice(0, 5);
    await change(setup, changed);
    setup.emulator.resetStats();
    await setup.ticks.fire();
    for (const subscription of subscriptions) {
      const received = await events(subscription, changed.length);
      assert.deepEqual(received.map((e) => e.data!.workspaceStateChanged.workspaceId).sort(), changed.map((w) => w.WorkspaceId).sort());
    }
    // Ten subscribers' five events each: one call per lookup for the tick, as one request for the five would make.
    assert.deepEqual(lookupCalls(setup.calls()), { DescribeWorkspaceDirectories: 1, DescribeWorkspacesConnectionStatus: 1 });
    assert.equal(setup.calls().DescribeWorkspaces, 1);
    for (const subscription of subscriptions) subscription.close();
  });
});

describe("subscriptions' charges", { timeout: TIMEOUT_MS }, () => {
  let setup: Setup;
  before(async () => {
    // Subscribing to 5 WorkSpaces with two lookups each costs 2 (one call to fetch them, 5 × 2/25 for their events).
    setup = await setUp({ rate: 1, burst: 3 });
  });
  after(() => setup.close());

  it("charges each event past the first ones its lookups; once the share is spent, its lookups fail RATE_LIMITED, uncalled", async () => {
    const caller = callerOf(ALICE);
    const watched = Array.from({ length: 5 }, () => setup.pool.take());
    const subscription = await subscribe(
      setup,
      watched.map((w) => w.WorkspaceId!),
    );
    const first = await events(subscription, 5);
    assert.ok(
      first.every((e) => !e.errors),
      "the first events were paid for when subscribing",
    );

    await change(setup, watched.slice(0, 1));
    await setup.ticks.fire();
    const [charged] = await events(subscription, 1);
    assert.equal(charged!.errors, undefined);
    assert.ok(charged!.data!.workspaceStateChanged.directory);
    // 3 - 2 for subscribing - 2/25 for this event's two lookups: less than one call left.
    assert.deepEqual(setup.quotas.check(caller), { granted: false, retryAfter: 1 });
    assert.deepEqual(setup.quotas.take(caller, 0.9), { granted: true });

    await change(setup, watched.slice(1, 2));
    setup.emulator.resetStats();
    await setup.ticks.fire();
    const [refused] = await events(subscription, 1);
    assert.equal(refused!.data!.workspaceStateChanged.workspaceId, watched[1]!.WorkspaceId);
    assert.deepEqual(refused!.data!.workspaceStateChanged.directory, null);
    assert.deepEqual(refused!.errors?.map((e) => [e.path?.join("."), e.extensions?.code, e.extensions?.retryAfter]).sort(), [
      ["workspaceStateChanged.connectionStatus", "RATE_LIMITED", 1],
      ["workspaceStateChanged.directory", "RATE_LIMITED", 1],
    ]);
    assert.deepEqual(lookupCalls(setup.calls()), { DescribeWorkspaceDirectories: 0, DescribeWorkspacesConnectionStatus: 0 });
    subscription.close();
  });
});

describe("subscribe and close, again and again", { timeout: TIMEOUT_MS }, () => {
  let setup: Setup;
  const burst = 20;
  before(async () => {
    setup = await setUp({ rate: 1, burst });
  });
  after(() => setup.close());

  it("costs AWS no more calls than the caller was charged, and is refused once its share is spent", async () => {
    const ids = Array.from({ length: 25 }, () => setup.pool.take().WorkspaceId!);
    let subscribed = 0;
    for (;;) {
      // Refused, the subscription is answered 429 rather than as a stream.
      const subscription = await subscribe(setup, ids).catch(() => undefined);
      if (!subscription) {
        const refused = await fetch(setup.url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${ALICE}` },
          body: JSON.stringify({ query: print(WITH_LOOKUPS), variables: { ids } }),
        });
        assert.equal(refused.status, 429);
        break;
      }
      await events(subscription, 25);
      subscription.close();
      await eventually(() => setup.watch.status.subscriptions === 0, "the subscription closed");
      subscribed += 1;
      assert.ok(subscribed < 100, "never refused");
    }
    // Each costs 3 (a call for the 25 WorkSpaces, 25 × 2/25 for their lookups): 6 within 20.
    assert.equal(subscribed, 6);
    const calls = Object.values(setup.calls()).reduce((sum, n) => sum + n, 0);
    assert.ok(calls <= subscribed * 3, `${calls} AWS calls for ${subscribed} subscriptions charged 3 each`);
  });
});

describe("MAX_SUBSCRIPTIONS", { timeout: TIMEOUT_MS }, () => {
  let setup: Setup;
  before(async () => {
    setup = await setUp({ rate: 0, burst: 0 }, 2);
  });
  after(() => setup.close());

  it("refuses a subscription past the gateway's total, whoever asks, with OVERLOADED, and takes one once another ends", async () => {
    const ids = [setup.pool.take().WorkspaceId!];
    const alice = await subscribe(setup, ids, ALICE);
    await events(alice, 1);
    const bob = await subscribe(setup, ids, BOB);
    await events(bob, 1);
    const carol = await subscribe(setup, ids, CAROL);
    const [refused] = await events(carol, 1);
    assert.deepEqual(
      refused!.errors?.map((e) => [e.extensions?.code, e.extensions?.retryable]),
      [["OVERLOADED", true]],
    );
    carol.close();
    alice.close();
    await eventually(() => setup.watch.status.subscriptions === 1, "alice's subscription closed");
    const again = await subscribe(setup, ids, CAROL);
    assert.equal((await events(again, 1))[0]!.errors, undefined);
    again.close();
    bob.close();
  });
});
