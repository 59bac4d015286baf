// One AWS budget per account and region for every gateway of the cluster: each call's leave comes from one Lua script
// on Redis's clock, so the calls of all gateways together keep to the rate in any second. While Redis is unreachable, a
// gateway takes leave from permits of its own at its share (the rate over the gateways last seen alive).
// Our own script rather than rate-limiter-flexible: its Redis limiters count fixed windows, which let twice the rate
// through across a window's edge, and AWS counts any second.
import type { Grant } from "../../aws/budget/rate-window.ts";
import { defaultBurst, WINDOW_MS } from "../../aws/budget/rate-window.ts";
import type { SharedRedis } from "../redis.ts";
import { SharedStateDown } from "../redis.ts";
import { LocalPermits } from "./memory.ts";
import type { PermitSource } from "./permits.ts";

/**
 * The rate window of src/aws/budget/rate-window.ts in Lua, for one account and region at `now` (ms), which the script
 * defines before it: the bucket in KEYS[1], the log in KEYS[2]; ARGV: rate, burst, window (ms), want. Answers the calls
 * granted of want, and when not all, in how many ms one more may go. test/cluster/rate-window.test.ts holds it to the
 * TypeScript on the same cases, on a clock of its own.
 */
export const RATE_WINDOW_LUA = `
local rate, burst, window, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'seq')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
local seq = tonumber(state[3]) or 0
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local cap = math.max(1, math.floor(rate))
local sent = redis.call('ZCARD', KEYS[2])
local granted = math.max(0, math.min(want, math.floor(tokens), cap - sent))
for i = 1, granted do
  seq = seq + 1
  redis.call('ZADD', KEYS[2], now, seq)
end
tokens = tokens - granted
sent = sent + granted
-- Every digit: tostring's 14 would drift from the TypeScript's arithmetic.
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now), 'seq', seq)
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[2], window * 2)
if granted == want then return {granted, 0} end
local wait = (1 - tokens) * 1000 / rate
local over = sent - (cap - 1)
if over > 0 then
  -- The call whose leaving the log frees a place (not the oldest when the rate went down).
  local freeing = redis.call('ZRANGE', KEYS[2], over - 1, over - 1, 'WITHSCORES')
  wait = math.max(wait, tonumber(freeing[2]) + window - now)
end
return {granted, math.max(0, math.ceil(wait))}
`;

/** Redis's clock: one for every gateway of the cluster. */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
${RATE_WINDOW_LUA}`;

export class ClusterPermits implements PermitSource {
  private readonly takeShared: (keys: string[], args: (string | number)[]) => Promise<[number, number]>;
  /** While Redis is down: this gateway's own permits, at its share of the rate (the gateways alive when it went down). */
  private fallback: LocalPermits | undefined;

  constructor(private readonly shared: SharedRedis) {
    this.takeShared = shared.script("gatewayTakePermits", 2, TAKE);
    // Back to shared: a later outage starts afresh.
    shared.onChange((up) => {
      if (up) this.fallback = undefined;
    });
  }

  async take(partition: string, rate: number, want: number): Promise<Grant> {
    try {
      const keys = [this.shared.key(`budget:${partition}`, "bucket"), this.shared.key(`budget:${partition}`, "log")];
      const args = [rate, defaultBurst(rate), WINDOW_MS, want];
      const [granted, retryInMs] = await this.shared.use("budget", () => this.takeShared(keys, args));
      return { granted, retryInMs };
    } catch (error) {
      if (!(error instanceof SharedStateDown)) throw error;
      this.fallback ??= new LocalPermits();
      return this.fallback.take(partition, rate / this.shared.instances, want);
    }
  }
}
