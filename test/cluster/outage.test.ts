// Redis stopped and started again while two gateways serve reads, keyed creates and subscriptions: reads go on, /ready
// says degraded but stays 200, the outage is logged and counted, keyed creates are refused with a retryable code rather
// than risk a duplicate, subscriptions go on from each gateway's own poll loop; once Redis is back, everything is shared
// again without a restart, and no create was lost or sent twice.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DescribeWorkspacesCommand, ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { sdkClientFor } from "../gateway/fixture.ts";
import type { WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables } from "../generated/graphql.ts";
import { WorkspaceStateChangedDocument } from "../generated/graphql.ts";
import { BUNDLES, CORP, SeededPool, sleep, uniqueUser } from "../mutations/helpers.ts";
import { eventually } from "../subscriptions/helpers.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";
import { SseSubscription } from "../support/sse.ts";
import type { ClusterGateway, CreateAnswer } from "./fixture.ts";
import { CREATE, startClusterGateways } from "./fixture.ts";

const KEYS_PER_WRITER = 10;
const DASHBOARD = "{ workspaces(first: 25) { edges { node { workspaceId state bundle { name } } } } }";

const readiness = async (gateway: ClusterGateway) => {
  const response = await fetch(`${gateway.origin}/ready`);
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
};

describe("Redis stopped and started again mid-run", { timeout: 180_000 }, () => {
  let redis: RedisServer;
  let emulator: RunningEmulator;
  let gateways: ClusterGateway[];

  before(async () => {
    redis = await startRedisServer();
    // Creates answer slowly, so some are in flight when Redis stops.
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 60, latencyMs: 150, coolDownScale: 0 });
    gateways = await startClusterGateways(2, emulator.url, redis.url, { WATCH_POLL_MS: "1000", CALLER_RATE_LIMIT: "0" });
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator.close();
    await redis.close();
  });

  it("serves reads, refuses keyed creates until it is back, loses no create and sends none twice", async (t) => {
    const client = sdkClientFor(emulator);
    const watched = (await SeededPool.load(client)).take({ runningMode: "ALWAYS_ON" }).WorkspaceId!;
    const subscriptions = await Promise.all(
      gateways.map((g) =>
        SseSubscription.open<WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables>(
          g.url,
          WorkspaceStateChangedDocument,
          {
            workspaceIds: [watched],
          },
        ),
      ),
    );
    for (const subscription of subscriptions) await subscription.nextData();
    const everySubscriberSees = async (runningMode: "AUTO_STOP" | "ALWAYS_ON") => {
      await client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: watched, WorkspaceProperties: { RunningMode: runningMode } }));
      for (const subscription of subscriptions) {
        const event = (await subscription.nextData()).workspaceStateChanged;
        assert.ok(event.__typename === "Workspace" && event.workspaceProperties?.runningMode === runningMode, JSON.stringify(event));
      }
    };

    emulator.resetStats();
    let running = true;
    const readFailures: string[] = [];
    let reads = 0;
    const reader = (async () => {
      for (let i = 0; running; i++) {
        const { status, body } = await gateways[i % 2]!.post({ query: DASHBOARD });
        reads += 1;
        if (status !== 200 || body.errors) readFailures.push(`${status} ${JSON.stringify(body.errors)}`);
      }
    })();

    /** By key: the input sent, and the WorkSpace it created. */
    const created = new Map<string, { input: unknown; workspaceId: string }>();
    const refusals: string[] = [];
    const writer = async (w: number) => {
      for (let k = 0; k < KEYS_PER_WRITER; k++) {
        const input = {
          idempotencyKey: `outage-${w}-${k}`,
          workspaces: [{ directoryId: CORP, userName: uniqueUser(`outage${w}`), bundleId: BUNDLES.value }],
        };
        // A client's retries of one create, with its key, to whichever gateway the load balancer picks.
        for (let attempt = 0; ; attempt++) {
          const { body } = await gateways[(w + attempt) % 2]!.post<CreateAnswer>({ query: CREATE, variables: { input } });
          const answer = body.data?.createWorkspaces;
          if (answer?.__typename === "CreateWorkspacesPayload") {
            const [result] = answer.results!;
            assert.equal(result!.__typename, "Workspace", `${input.idempotencyKey}: ${JSON.stringify(result)}`);
            created.set(input.idempotencyKey, { input, workspaceId: result!.workspaceId! });
            break;
          }
          const error = body.errors?.[0]?.extensions;
          assert.equal(error?.retryable, true, JSON.stringify(body));
          refusals.push(String(error?.code));
          await sleep(100);
        }
      }
    };
    const writers = Promise.all([0, 1].map(writer));

    await eventually(() => created.size >= 4, "creates before the outage", 30_000);
    await redis.stop();
    for (const gateway of gateways) {
      await eventually(async () => (await readiness(gateway)).body.status === "degraded", "/ready degraded", 10_000);
      const ready = await readiness(gateway);
      assert.equal(ready.status, 200, "still in service");
      assert.match(ready.body.reason!, /Redis is unreachable/);
      assert.equal(await gateway.metric("workspaces_redis_up"), 0);
    }
    await eventually(() => refusals.includes("UPSTREAM_UNAVAILABLE"), "a keyed create refused while Redis is down", 10_000);
    const duringOutage = created.size;
    await everySubscriberSees("AUTO_STOP");

    await redis.start();
    for (const gateway of gateways) {
      await eventually(async () => (await readiness(gateway)).body.status === "ready", "/ready ready again", 15_000);
      assert.equal(await gateway.metric("workspaces_redis_up"), 1);
      assert.ok(
        gateway.logs.some((line) => String(line.msg).startsWith("Redis unreachable")),
        "the outage was logged",
      );
      assert.ok((await gateway.metric("workspaces_redis_failures_total", { use: "idempotency" })) > 0, "and counted");
    }
    await writers;
    running = false;
    await reader;
    t.diagnostic(`${duringOutage} keys created when Redis stopped, ${refusals.length} retryable refusals, ${reads} reads`);
    assert.ok(created.size === 2 * KEYS_PER_WRITER && duringOutage < created.size);
    assert.deepEqual(readFailures, [], `${readFailures.length} of ${reads} reads failed`);

    // Each create reached AWS once, and each key replays its WorkSpace on either gateway: nothing lost, nothing twice.
    assert.equal(emulator.stats().requests.CreateWorkspaces, created.size, "one CreateWorkspaces per key");
    let i = 0;
    for (const [key, { input, workspaceId }] of created) {
      const { body } = await gateways[i++ % 2]!.post<CreateAnswer>({ query: CREATE, variables: { input } });
      const answer = body.data?.createWorkspaces;
      assert.equal(answer?.replayed, true, `${key}: ${JSON.stringify(body)}`);
      assert.equal(answer?.results?.[0]?.workspaceId, workspaceId);
    }
    assert.equal(emulator.stats().requests.CreateWorkspaces, created.size, "replays cost no create");
    const ids = [...created.values()].map((c) => c.workspaceId);
    await eventually(
      async () => (await client.send(new DescribeWorkspacesCommand({ WorkspaceIds: ids }))).Workspaces?.length === ids.length,
      "AWS shows every WorkSpace created",
    );
    await everySubscriberSees("ALWAYS_ON");
    assert.equal(
      (await Promise.all(gateways.map((g) => g.metric("workspaces_watch_lease_held")))).reduce((a, b) => a + b),
      1,
      "one poll loop again",
    );
    for (const subscription of subscriptions) subscription.close();
  });
});
