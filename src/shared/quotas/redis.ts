// Each caller's quota held across the cluster: one token bucket per caller in Redis, taken by one Lua script on
// Redis's clock, so a caller spreading its requests over every gateway gets no more than its share. While Redis is
// unreachable, each gateway keeps its own buckets at its share of the rate.

import type { SharedRedis } from "../redis.ts";
import { SharedStateDown } from "../redis.ts";
import { CallerQuotas } from "./memory.ts";
import type { QuotaAnswer, Quotas } from "./quotas.ts";

// ARGV: rate (calls a second), burst, calls to take (0: only whether one call is left). Answers {1} when granted,
// else {0, seconds until the caller will have them}.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate, burst, calls = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local need = math.max(calls, 1)
local granted = tokens >= need
if granted then tokens = tokens - calls end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
-- A bucket full again is the same as none.
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
if granted then return {1, 0} end
return {0, math.max(1, math.ceil((need - tokens) / rate))}
`;

export class ClusterQuotas implements Quotas {
  private readonly takeShared: (keys: string[], args: (string | number)[]) => Promise<[number, number]>;
  /** While Redis is down: this gateway's own buckets, at its share of the rate. */
  private fallback: CallerQuotas | undefined;

  constructor(
    private readonly shared: SharedRedis,
    /** AWS calls per second per caller, in the whole cluster. */
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.takeShared = shared.script("gatewayTakeQuota", 1, TAKE);
    shared.onChange((up) => {
      if (up) this.fallback = undefined;
    });
  }

  take(caller: string, calls: number): Promise<QuotaAnswer> {
    if (calls <= 0) return Promise.resolve({ granted: true });
    return this.ask(caller, calls, (local) => local.take(caller, calls));
  }

  check(caller: string): Promise<QuotaAnswer> {
    return this.ask(caller, 0, (local) => local.check(caller));
  }

  private async ask(caller: string, calls: number, locally: (local: CallerQuotas) => QuotaAnswer): Promise<QuotaAnswer> {
    try {
      const key = this.shared.key(`quota:${caller}`);
      const [granted, retryAfter] = await this.shared.use("quota", () => this.takeShared([key], [this.rate, this.burst, calls]));
      return granted === 1 ? { granted: true } : { granted: false, retryAfter };
    } catch (error) {
      if (!(error instanceof SharedStateDown)) throw error;
      this.fallback ??= new CallerQuotas(this.rate / this.shared.instances, this.burst);
      return locally(this.fallback);
    }
  }
}
