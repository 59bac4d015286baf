// The rate rule's two statements held to the same cases: the TypeScript window (src/aws/budget/rate-window.ts) and the
// Lua script of the cluster's permits on a real redis-server, both on the test's clock. Each step asks for calls at a
// time and checks what both grant, and when both say one more may go, against the figures worked out by hand.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Redis } from "ioredis";
import type { Grant, RateLimits } from "../../src/aws/budget/rate-window.ts";
import { RateWindow, WINDOW_MS } from "../../src/aws/budget/rate-window.ts";
import { RATE_WINDOW_LUA } from "../../src/shared/permits/redis.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";

/**
 * The script on the test's clock (ARGV[5]) in place of Redis's TIME; its keys kept, as their expiry runs on Redis's
 * own clock, which a busy machine moves on faster than the test's.
 */
const AT_TEST_TIME = `
local now = tonumber(ARGV[5])
local answer = (function()
${RATE_WINDOW_LUA}
end)()
redis.call('PERSIST', KEYS[1])
redis.call('PERSIST', KEYS[2])
return answer
`;

interface Step {
  /** Milliseconds from the case's start. */
  at: number;
  want: number;
  /** Other limits from this step on. */
  limits?: RateLimits;
  expect: Grant;
}

interface Case {
  name: string;
  limits: RateLimits;
  steps: Step[];
}

const grant = (granted: number, retryInMs = 0): Grant => ({ granted, retryInMs });

const CASES: Case[] = [
  {
    name: "a burst goes at once, and the next call waits for its token",
    limits: { rate: 10, burst: 3 },
    steps: [
      { at: 0, want: 5, expect: grant(3, 100) },
      { at: 50, want: 1, expect: grant(0, 50) },
      { at: 100, want: 1, expect: grant(1) },
    ],
  },
  {
    name: "once the burst is spent, calls are paced a token apart",
    limits: { rate: 20, burst: 1 },
    steps: [
      { at: 0, want: 1, expect: grant(1) },
      { at: 10, want: 1, expect: grant(0, 40) },
      { at: 50, want: 2, expect: grant(1, 50) },
      { at: 100, want: 1, expect: grant(1) },
      { at: 150, want: 1, expect: grant(1) },
    ],
  },
  {
    name: "the log holds the calls of the last 1.1 s to the rate, even with tokens to spare",
    limits: { rate: 5, burst: 5 },
    steps: [
      { at: 0, want: 5, expect: grant(5) },
      { at: 1_000, want: 5, expect: grant(0, 100) },
      { at: 1_099, want: 1, expect: grant(0, 1) },
      { at: WINDOW_MS, want: 5, expect: grant(5) },
    ],
  },
  {
    name: "after a quiet spell the bucket is full again, and no fuller",
    limits: { rate: 10, burst: 2 },
    steps: [
      { at: 0, want: 2, expect: grant(2) },
      { at: 10_000, want: 5, expect: grant(2, 100) },
      { at: 10_100, want: 1, expect: grant(1) },
    ],
  },
  {
    name: "wanting more than there is grants what there is, at once and again",
    limits: { rate: 10, burst: 4 },
    steps: [
      { at: 0, want: 3, expect: grant(3) },
      { at: 0, want: 3, expect: grant(1, 100) },
      { at: 0, want: 1, expect: grant(0, 100) },
    ],
  },
  {
    name: "a rate under one a second lets one call a second through",
    limits: { rate: 0.5, burst: 1 },
    steps: [
      { at: 0, want: 1, expect: grant(1) },
      { at: 1_000, want: 1, expect: grant(0, 1_000) },
      { at: 2_000, want: 2, expect: grant(1, 2_000) },
    ],
  },
  {
    name: "a lower rate keeps the tokens and the log, and waits for the call whose leaving frees a place",
    limits: { rate: 10, burst: 1 },
    steps: [
      { at: 0, want: 1, expect: grant(1) },
      { at: 100, want: 1, expect: grant(1) },
      { at: 200, want: 1, expect: grant(1) },
      // Three in the log, a place for two: the second call's leaving frees one (at 1,200), after the token (at 700).
      { at: 300, want: 1, limits: { rate: 2, burst: 1 }, expect: grant(0, 900) },
      { at: 1_200, want: 1, expect: grant(1) },
    ],
  },
  {
    name: "a higher rate fills the bucket faster, up to its larger size",
    limits: { rate: 2, burst: 1 },
    steps: [
      { at: 0, want: 1, expect: grant(1) },
      { at: 100, want: 1, limits: { rate: 10, burst: 4 }, expect: grant(1) },
      { at: 500, want: 5, expect: grant(4, 100) },
    ],
  },
  {
    name: "times with a fraction of a millisecond, as Redis's TIME gives them, count to the last digit",
    limits: { rate: 1_000, burst: 1 },
    steps: [
      { at: 0, want: 1, expect: grant(1) },
      { at: 0.75, want: 1, expect: grant(0, 1) },
      { at: 1, want: 1, expect: grant(1) },
    ],
  },
];

/** The answers of the TypeScript window to a case's steps, on a clock starting at `start`. */
function inTypeScript({ limits, steps }: Case, start: number): Grant[] {
  const window = new RateWindow(limits, start + steps[0]!.at);
  return steps.map((step) => {
    if (step.limits) window.retune(step.limits);
    return window.take(start + step.at, step.want);
  });
}

describe("the rate window in TypeScript and in Redis's Lua, on the same cases", { timeout: 60_000 }, () => {
  let server: RedisServer;
  let redis: Redis;

  before(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  after(async () => {
    redis.disconnect();
    await server.close();
  });

  /** The Lua script's answers to a case's steps, on keys of its own. */
  async function inLua({ name, limits, steps }: Case, start: number): Promise<Grant[]> {
    const answers: Grant[] = [];
    let current = limits;
    for (const step of steps) {
      current = step.limits ?? current;
      const [granted, retryInMs] = (await redis.eval(
        AT_TEST_TIME,
        2,
        `${name}:bucket`,
        `${name}:log`,
        current.rate,
        current.burst,
        WINDOW_MS,
        step.want,
        start + step.at,
      )) as [number, number];
      answers.push({ granted, retryInMs });
    }
    return answers;
  }

  for (const each of CASES) {
    it(each.name, async () => {
      // A time of the order of Redis's own (ms since 1970), where rounding would show.
      const start = 1_750_000_000_000;
      const expected = each.steps.map((step) => step.expect);
      assert.deepEqual({ typescript: inTypeScript(each, start), lua: await inLua(each, start) }, { typescript: expected, lua: expected });
    });
  }
});
