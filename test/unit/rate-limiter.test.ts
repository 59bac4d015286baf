// The process-wide token bucket in front of AWS, on a fake clock moved together with node:test's mocked setTimeout.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { describe, it } from "node:test";
import { RateLimiter } from "../../src/aws/rate-limiter.ts";

/** Lets promise callbacks run (setImmediate is not mocked). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A clock the limiter reads and setTimeout's mock, moved together. */
function fakeTime(t: TestContext) {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const clock = { now: 1_000_000 };
  return {
    clock: () => clock.now,
    get now() {
      return clock.now;
    },
    /** Moves the clock only, as when a timer is late. */
    moveClock(ms: number) {
      clock.now += ms;
    },
    /** Fires the timers due within `ms`, the clock staying where it is. */
    async fireTimers(ms: number) {
      t.mock.timers.tick(ms);
      await flush();
    },
    async advance(ms: number) {
      clock.now += ms;
      t.mock.timers.tick(ms);
      await flush();
    },
  };
}

/** Starts a take and records when (in fake time) and in which order it settled. */
function track(limiter: RateLimiter, time: { now: number }, log: string[], name: string, signal?: AbortSignal) {
  const state: { settled: boolean; at?: number; error?: unknown } = { settled: false };
  const promise = limiter.take(signal).then(
    () => {
      state.settled = true;
      state.at = time.now;
      log.push(name);
    },
    (error: unknown) => {
      state.settled = true;
      state.at = time.now;
      state.error = error;
      log.push(`${name}:rejected`);
    },
  );
  return Object.assign(state, { promise });
}

const queueOf = (limiter: RateLimiter) => limiter["queue"];

describe("RateLimiter", () => {
  it("lets a burst through at once, then spaces calls at the rate", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(10, 3, time.clock);
    const log: string[] = [];
    const takes = ["a", "b", "c", "d", "e"].map((name) => track(limiter, time, log, name));
    await flush();
    assert.deepEqual(log, ["a", "b", "c"], "the burst goes at once");
    await time.advance(99);
    assert.deepEqual(log, ["a", "b", "c"], "one token takes 100 ms at 10 per second");
    await time.advance(1);
    assert.deepEqual(log, ["a", "b", "c", "d"]);
    await time.advance(99);
    assert.equal(takes[4]!.settled, false);
    await time.advance(1);
    assert.deepEqual(log, ["a", "b", "c", "d", "e"]);
    assert.deepEqual(
      takes.map((take) => take.at! - takes[0]!.at!),
      [0, 0, 0, 100, 200],
    );
    assert.equal(queueOf(limiter).length, 0);
  });

  it("refills up to the burst only, however long the quiet spell", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(10, 2, time.clock);
    const log: string[] = [];
    track(limiter, time, log, "a");
    track(limiter, time, log, "b");
    await flush();
    await time.advance(60_000);
    for (const name of ["c", "d", "e"]) track(limiter, time, log, name);
    await flush();
    assert.deepEqual(log, ["a", "b", "c", "d"], "two tokens after a minute, not 600");
    await time.advance(100);
    assert.deepEqual(log, ["a", "b", "c", "d", "e"]);
  });

  it("serves waiters in the order they came, one interval apart", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(20, 1, time.clock);
    const log: string[] = [];
    const names = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const takes = names.map((name) => track(limiter, time, log, name));
    await flush();
    for (let i = 0; i < 12; i++) await time.advance(50);
    assert.deepEqual(log, names);
    assert.deepEqual(
      takes.map((take) => take.at! - takes[0]!.at!),
      names.map((_, i) => i * 50),
    );
  });

  it("queues a newcomer behind waiters even when a token is available", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(10, 1, time.clock);
    const log: string[] = [];
    track(limiter, time, log, "a");
    track(limiter, time, log, "b");
    await flush();
    // The clock reaches b's token before its timer fires: c must not jump the queue.
    time.moveClock(100);
    track(limiter, time, log, "c");
    await flush();
    assert.deepEqual(log, ["a"]);
    await time.fireTimers(100);
    assert.deepEqual(log, ["a", "b"]);
    await time.advance(100);
    assert.deepEqual(log, ["a", "b", "c"]);
  });

  it("rejects a waiter whose signal aborts with the signal's reason, and drops it from the queue", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(10, 1, time.clock);
    const log: string[] = [];
    const controller = new AbortController();
    const a = track(limiter, time, log, "a");
    const b = track(limiter, time, log, "b");
    const c = track(limiter, time, log, "c", controller.signal);
    const d = track(limiter, time, log, "d");
    await flush();
    assert.equal(queueOf(limiter).length, 3);
    const reason = new Error("client left");
    controller.abort(reason);
    await flush();
    assert.equal(c.error, reason, "rejected with the very reason given to abort()");
    assert.equal(c.at, time.now, "at once, without waiting for a token");
    assert.equal(queueOf(limiter).length, 2);
    await time.advance(100);
    await time.advance(100);
    assert.deepEqual(log, ["a", "c:rejected", "b", "d"]);
    assert.equal(d.at! - a.at!, 200, "the aborted waiter did not use up a token");
    assert.equal(b.error, undefined);
  });

  it("lets the next waiter take the slot of an aborted head of the queue", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(10, 1, time.clock);
    const log: string[] = [];
    const controller = new AbortController();
    track(limiter, time, log, "a");
    track(limiter, time, log, "b", controller.signal);
    const c = track(limiter, time, log, "c");
    await flush();
    await time.advance(50);
    controller.abort();
    await time.advance(50);
    assert.deepEqual(log, ["a", "b:rejected", "c"]);
    assert.equal(c.error, undefined);
    assert.equal(queueOf(limiter).length, 0);
  });

  it("rejects an already aborted signal at once, without using a token", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(10, 1, time.clock);
    const reason = new Error("already gone");
    await assert.rejects(limiter.take(AbortSignal.abort(reason)), (error) => error === reason);
    const log: string[] = [];
    track(limiter, time, log, "a");
    await flush();
    assert.deepEqual(log, ["a"], "the token is still there");
    assert.equal(queueOf(limiter).length, 0);
  });

  it("keeps serving after every waiter has aborted", async (t) => {
    const time = fakeTime(t);
    const limiter = new RateLimiter(10, 1, time.clock);
    const log: string[] = [];
    const controller = new AbortController();
    track(limiter, time, log, "a");
    track(limiter, time, log, "b", controller.signal);
    track(limiter, time, log, "c", controller.signal);
    await flush();
    controller.abort();
    await flush();
    assert.equal(queueOf(limiter).length, 0);
    await time.advance(1_000);
    track(limiter, time, log, "d");
    track(limiter, time, log, "e");
    await flush();
    assert.deepEqual(log, ["a", "b:rejected", "c:rejected", "d"]);
    await time.advance(100);
    assert.deepEqual(log, ["a", "b:rejected", "c:rejected", "d", "e"]);
  });

  it("with real timers, spaces a burst of calls at the rate", async () => {
    const limiter = new RateLimiter(100, 1);
    const started = Date.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 6 }, () => limiter.take().then(() => times.push(Date.now() - started))));
    assert.equal(times.length, 6);
    assert.ok(times[5]! >= 45, `six calls at 100/s with a burst of 1 take ~50 ms, took ${times[5]} ms`);
  });
});
