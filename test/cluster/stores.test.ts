// The shared pieces on their own, against a real redis-server, as two gateways would use them (two connections): the
// permit source keeps both to the rate in any second, and the idempotency store keeps its bounds in bytes (oldest
// first, and only the storing caller's), answers IN_PROGRESS after its wait, hands an orphaned claim over as one whose
// run may have acted, stores a revisited result, and refuses without Redis, sending nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { FailureError } from "../../src/aws/failure.ts";
import { codeOf } from "../../src/error-codes.ts";
import { createLogger } from "../../src/logger.ts";
import { ClusterIdempotencyStore } from "../../src/shared/idempotency/redis.ts";
import { ClusterPermits } from "../../src/shared/permits/redis.ts";
import { SharedRedis } from "../../src/shared/redis.ts";
import { freePort } from "../support/ports.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";

const logger = createLogger("silent");
const keepAll = () => true;
const INPUT = [{ UserName: "alice" }];
const BIG = { perCaller: { count: 1_000, bytes: 2 ** 30 }, total: { count: 10_000, bytes: 2 ** 30 } };

async function link(url: string, prefix: string): Promise<SharedRedis> {
  // What these tests check is not time: a command on a busy machine (a core kept busy, three test files) took over 1 s.
  const shared = new SharedRedis(url, prefix, logger, 10_000);
  await shared.started(5_000);
  return shared;
}

describe("the shared pieces on a real Redis", { timeout: 60_000 }, () => {
  let redis: RedisServer;
  const links: SharedRedis[] = [];
  const linked = async (prefix: string) => {
    const shared = await link(redis.url, prefix);
    links.push(shared);
    return shared;
  };

  before(async () => {
    redis = await startRedisServer();
  });
  after(async () => {
    for (const shared of links) shared.close();
    await redis.close();
  });

  it("grants two gateways together no more than the rate in any second", async () => {
    const gateways = [await linked("permits:"), await linked("permits:")].map((shared) => new ClusterPermits(shared));
    // Each grant as the span it happened in: from the ask's sending to its answer, as seen here.
    const grants: { sent: number; answered: number }[] = [];
    const started = Date.now();
    await Promise.all(
      gateways.map(async (permits) => {
        while (Date.now() - started < 3_000) {
          const sent = Date.now();
          const { granted, retryInMs } = await permits.take("default", 20, 5);
          const answered = Date.now();
          for (let i = 0; i < granted; i++) grants.push({ sent, answered });
          await new Promise((resolve) => setTimeout(resolve, Math.max(1, retryInMs)));
        }
      }),
    );
    // The grants certainly within one second: sent at or after its start and answered before its end. (Answers are
    // late by what a busy machine delays them, so their arrival times alone could bunch grants a second apart.)
    const busiest = Math.max(...grants.map(({ sent: at }) => grants.filter((g) => g.sent >= at && g.answered < at + 1_000).length));
    assert.ok(busiest <= 20, `${busiest} grants within a second`);
    assert.ok(grants.length >= 40, `only ${grants.length} grants in 3 s`);
  });

  it("keeps a caller within its bytes, the oldest results going first", async () => {
    const store = new ClusterIdempotencyStore<string>(await linked("bytes:"), {
      perCaller: { count: 100, bytes: 250 },
      total: { count: 100, bytes: 10_000 },
      waitMs: 1_000,
    });
    const result = (key: string) => `${key}:${"x".repeat(98)}`;
    for (const key of ["1", "2", "3", "4"]) await store.run("alice", key, INPUT, async () => result(key), keepAll);
    assert.ok(store.bytes <= 250, `${store.bytes} bytes kept`);
    const again = (key: string) => store.run("alice", key, INPUT, async () => "ran again", keepAll);
    assert.deepEqual(await again("4"), { kind: "result", result: result("4"), replayed: true });
    assert.deepEqual(await again("1"), { kind: "result", result: "ran again", replayed: false }, "the oldest went first");
  });

  it("keeps a caller's results whatever others store: over the total, the storing caller's own oldest go", async () => {
    const store = new ClusterIdempotencyStore<string>(await linked("total:"), {
      perCaller: { count: 100, bytes: 10_000 },
      total: { count: 100, bytes: 350 },
      waitMs: 1_000,
    });
    const result = (key: string) => `${key}:${"x".repeat(98)}`;
    await store.run("alice", "a", INPUT, async () => result("a"), keepAll);
    for (const key of ["1", "2", "3", "4"]) await store.run("mallory", key, INPUT, async () => result(key), keepAll);
    assert.ok(store.bytes <= 350, `${store.bytes} bytes kept`);
    const again = (owner: string, key: string) => store.run(owner, key, INPUT, async () => "ran again", keepAll);
    assert.deepEqual(await again("alice", "a"), { kind: "result", result: result("a"), replayed: true });
    assert.deepEqual(await again("mallory", "4"), { kind: "result", result: result("4"), replayed: true });
    assert.deepEqual(await again("mallory", "1"), { kind: "result", result: "ran again", replayed: false }, "mallory's own oldest went");
  });

  it("tells the run that takes over an orphaned claim (its gateway gone) that the lost run may have acted", async () => {
    const holder = await link(redis.url, "orphan:");
    const first = new ClusterIdempotencyStore<string>(holder, { ...BIG, waitMs: 1_000, leaseMs: 300 });
    let started = () => {};
    const holding = new Promise<void>((resolve) => (started = resolve));
    void first.run(
      "alice",
      "k",
      INPUT,
      () => {
        started();
        return new Promise<string>(() => {});
      },
      keepAll,
    );
    await holding;
    // Its gateway stops: nothing renews the claim, and no result is ever stored.
    holder.close();
    const second = new ClusterIdempotencyStore<string>(await linked("orphan:"), { ...BIG, waitMs: 10_000, leaseMs: 300 });
    const runs: boolean[] = [];
    const run = await second.run(
      "alice",
      "k",
      INPUT,
      async (lost) => {
        runs.push(lost);
        return "found";
      },
      keepAll,
    );
    assert.deepEqual(run, { kind: "result", result: "found", replayed: false });
    assert.deepEqual(runs, [true]);
  });

  it("answers a repeat IN_PROGRESS while the first run goes on past the wait, then replays it", async () => {
    const [first, second] = [await linked("wait:"), await linked("wait:")].map(
      (shared) => new ClusterIdempotencyStore<string>(shared, { ...BIG, waitMs: 300 }),
    ) as [ClusterIdempotencyStore<string>, ClusterIdempotencyStore<string>];
    let finish = (_: string) => {};
    // The first run holds the key once its work has started.
    let started = () => {};
    const holding = new Promise<void>((resolve) => (started = resolve));
    const running = first.run(
      "alice",
      "slow",
      INPUT,
      () => {
        started();
        return new Promise<string>((resolve) => (finish = resolve));
      },
      keepAll,
    );
    await holding;
    await assert.rejects(
      second.run("alice", "slow", INPUT, async () => "twice", keepAll),
      (error: unknown) => error instanceof FailureError && codeOf(error.failure) === "IN_PROGRESS",
    );
    finish("once");
    assert.deepEqual(await running, { kind: "result", result: "once", replayed: false });
    assert.deepEqual(await second.run("alice", "slow", INPUT, async () => "twice", keepAll), {
      kind: "result",
      result: "once",
      replayed: true,
    });
  });

  it("stores what a revisit found, and replays that afterwards", async () => {
    const store = new ClusterIdempotencyStore<string>(await linked("revisit:"), { ...BIG, waitMs: 1_000 });
    await store.run("alice", "k", INPUT, async () => "unknown", keepAll);
    const revisit = (previous: string) => (previous === "unknown" ? Promise.resolve("created") : undefined);
    assert.deepEqual(await store.run("alice", "k", INPUT, async () => "again", keepAll, revisit), {
      kind: "result",
      result: "created",
      replayed: true,
    });
    assert.deepEqual(await store.run("alice", "k", INPUT, async () => "again", keepAll, revisit), {
      kind: "result",
      result: "created",
      replayed: true,
    });
  });

  it("refuses a keyed run without Redis, retryably, and sends nothing", async () => {
    const nowhere = new SharedRedis(`redis://127.0.0.1:${await freePort()}`, "down:", logger);
    links.push(nowhere);
    const store = new ClusterIdempotencyStore<string>(nowhere, { ...BIG, waitMs: 1_000 });
    let produced = false;
    await assert.rejects(
      store.run(
        "alice",
        "k",
        INPUT,
        async () => {
          produced = true;
          return "sent";
        },
        keepAll,
      ),
      (error: unknown) => error instanceof FailureError && codeOf(error.failure) === "UPSTREAM_UNAVAILABLE",
    );
    assert.equal(produced, false);
  });
});
