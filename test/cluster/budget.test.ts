// One AWS budget and one quota per caller for the cluster: three gateways flooded at once send AWS no more calls in any
// second of its clock than AWS_RATE_LIMIT (alone, each would send nearly all of it), and a caller whose quota one
// gateway spent is refused by the others.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { EmulatorStats, RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { globalId } from "../gateway/fixture.ts";
import type { ChildServer } from "../support/processes.ts";
import { startEmulatorProcess } from "../support/processes.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";
import type { ClusterGateway } from "./fixture.ts";
import { startClusterGateways } from "./fixture.ts";

const RATE = 20;
const CALLERS = ["alpha", "bravo", "charlie"].map((name) => `${name}-key-0123456789abcdef`);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }";
/** Well-formed IDs AWS does not have, 25 to a DescribeWorkspaces call. */
const idsOf = (count: number, salt: string) =>
  Array.from({ length: count }, (_, i) => globalId("Workspace", `ws-${salt}${String(i).padStart(8, "0")}`));

describe("three gateways flooding one account and region", { timeout: 120_000 }, () => {
  let redis: RedisServer;
  // A process of its own, as AWS is elsewhere: the flood's clients in this one must not delay its count of arrivals.
  let emulator: ChildServer;
  let gateways: ClusterGateway[];

  before(async () => {
    redis = await startRedisServer();
    emulator = await startEmulatorProcess(20, 20);
    gateways = await startClusterGateways(3, emulator.url, redis.url, {
      AWS_RATE_LIMIT: String(RATE),
      GATEWAY_API_KEYS: CALLERS.map((key) => `${key}:read`).join(","),
      CALLER_RATE_LIMIT: "0",
    });
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator.close();
    await redis.close();
  });

  it("keep to one AWS_RATE_LIMIT between them, over the flood and in each second", async (t) => {
    await fetch(`${emulator.url}/_emulator/reset-stats`, { method: "POST" });
    const started = performance.now();
    let flooding = true;
    let answered = 0;
    // Every caller on every gateway, two requests of 10 calls each in flight: far more than the budget.
    const flooders = gateways.flatMap((gateway, g) =>
      CALLERS.flatMap((key, c) =>
        [0, 1].map(async (n) => {
          while (flooding) {
            const { status } = await gateway.post({ query: NODES, variables: { ids: idsOf(250, `${g}${c}${n}`) } }, bearer(key));
            assert.equal(status, 200);
            answered += 1;
          }
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    flooding = false;
    await Promise.all(flooders);
    const seconds = (performance.now() - started) / 1000;
    const { busiestSecond, requests } = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as EmulatorStats;
    const busiest = Math.max(...Object.values(busiestSecond));
    t.diagnostic(`busiest second ${busiest}, ${requests.DescribeWorkspaces} DescribeWorkspaces for ${answered} requests`);
    assert.ok(answered > 0);
    // Over the flood, the one budget's rate (and the burst a second may start with); three budgets would send thrice it.
    const calls = requests.DescribeWorkspaces ?? 0;
    assert.ok(calls <= RATE * (seconds + 1), `${calls} DescribeWorkspaces in ${seconds.toFixed(1)} s, over ${RATE} a second`);
    // In each second of the emulator's clock too, give or take the calls that a busy machine's scheduling delays move
    // from one second into the next (permits go on Redis's clock, 1.1 s apart for the budget, before each call's way).
    assert.ok(busiest <= RATE * 1.25, `${busiest} calls in one second of the emulator's clock, over the budget of ${RATE}`);
    // The flood did fill the budget: the cap held under load, not for want of it.
    assert.ok(busiest >= RATE / 2, `only ${busiest} calls in the busiest second (${requests.DescribeWorkspaces} in all)`);
  });
});

describe("a caller's quota across gateways", { timeout: 120_000 }, () => {
  let redis: RedisServer;
  let emulator: RunningEmulator;
  let gateways: ClusterGateway[];

  before(async () => {
    redis = await startRedisServer();
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 20 });
    // A call a second once the burst of 100 is spent: ten seconds before a request of 10 calls fits again.
    gateways = await startClusterGateways(2, emulator.url, redis.url, {
      GATEWAY_API_KEYS: CALLERS.map((key) => `${key}:read`).join(","),
      CALLER_RATE_LIMIT: "1",
      CALLER_BURST: "100",
    });
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator.close();
    await redis.close();
  });

  it("is spent for every gateway once one gateway spent it; another caller's is not", async () => {
    const [one, two] = gateways as [ClusterGateway, ClusterGateway];
    const spend = await one.post({ query: NODES, variables: { ids: idsOf(2_500, "q") } }, bearer(CALLERS[0]!));
    assert.equal(spend.status, 200);
    const refused = await two.post({ query: NODES, variables: { ids: idsOf(250, "q") } }, bearer(CALLERS[0]!));
    assert.equal(refused.status, 429);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, "RATE_LIMITED");
    const other = await two.post({ query: NODES, variables: { ids: idsOf(250, "q") } }, bearer(CALLERS[1]!));
    assert.equal(other.status, 200);
  });
});
