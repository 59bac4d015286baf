// One AWS budget per account and region for every gateway of the cluster: each call's leave comes from one Lua script
// on Redis's clock, so the calls of all gateways together keep to the rate in any second. While Redis is unreachable, a
// gateway takes leave from a local budget of its share (the rate over the gateways last seen alive).
// Our own script rather than rate-limiter-flexible: its Redis limiters count fixed windows, which let twice the rate
// through across a window's edge, and AWS counts any second.
import type { PermitSource } from "../../aws/budget/budget.ts";
import type { SharedRedis } from "../redis.ts";
import { SharedStateDown } from "../redis.ts";

/**
 * How long a call counts against the cap: a second, and the way from its leave to AWS (the event loop, signing, the
 * network), so calls whose way took longer cannot crowd one second of AWS's clock. It costs a tenth of the rate when
 * the cluster runs at the cap.
 */
const COUNTED_MS = 1_100;

// A token bucket (pacing the calls through the second) and a log of the last COUNTED_MS's calls (the cap), for one
// account and region. Grants what both allow of ARGV want; else says in how many ms one more could go.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local rate, burst, window, want = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'seq')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
local seq = tonumber(state[3]) or 0
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local room = math.max(1, math.floor(rate)) - redis.call('ZCARD', KEYS[2])
local granted = math.max(0, math.min(want, math.floor(tokens), room))
for i = 1, granted do
  seq = seq + 1
  redis.call('ZADD', KEYS[2], now, seq)
end
tokens = tokens - granted
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now), 'seq', seq)
redis.call('PEXPIRE', KEYS[1], window * 2)
redis.call('PEXPIRE', KEYS[2], window * 2)
local wait = 0
if granted < want then
  if tokens < 1 then wait = (1 - tokens) * 1000 / rate end
  if room - granted < 1 then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now)
  end
end
return {granted, math.ceil(wait)}
`;

/** The same rules in memory, for a gateway on its own while Redis is unreachable. */
class LocalPermits {
  private tokens: number;
  private at: number;
  private readonly sent: number[] = [];

  constructor(
    readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
    this.at = performance.now();
  }

  take(want: number): { granted: number; retryInMs: number } {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.rate) / 1000);
    this.at = now;
    while (this.sent.length > 0 && this.sent[0]! <= now - COUNTED_MS) this.sent.shift();
    const room = Math.max(1, Math.floor(this.rate)) - this.sent.length;
    const granted = Math.max(0, Math.min(want, Math.floor(this.tokens), room));
    for (let i = 0; i < granted; i++) this.sent.push(now);
    this.tokens -= granted;
    if (granted === want) return { granted, retryInMs: 0 };
    const forToken = this.tokens < 1 ? ((1 - this.tokens) * 1000) / this.rate : 0;
    const forRoom = room - granted < 1 ? this.sent[0]! + COUNTED_MS - now : 0;
    return { granted, retryInMs: Math.ceil(Math.max(forToken, forRoom)) };
  }
}

/** A fifth of a second's calls at once after a quiet spell, as each gateway's own budget allows. */
const burstOf = (rate: number) => Math.max(1, Math.ceil(rate / 5));

export class ClusterPermits implements PermitSource {
  private readonly takeShared: (keys: string[], args: (string | number)[]) => Promise<[number, number]>;
  /** By account/region: the local budget used while Redis is down, made for the gateways alive when it went down. */
  private readonly fallbacks = new Map<string, LocalPermits>();

  constructor(private readonly shared: SharedRedis) {
    this.takeShared = shared.script("gatewayTakePermits", 2, TAKE);
    // Back to shared: a later outage sizes its share by the gateways alive then.
    shared.onChange((up) => up && this.fallbacks.clear());
  }

  async take(partition: string, rate: number, want: number): Promise<{ granted: number; retryInMs: number }> {
    try {
      const keys = [this.shared.key(`budget:${partition}`, "bucket"), this.shared.key(`budget:${partition}`, "log")];
      const [granted, retryInMs] = await this.shared.use("budget", () => this.takeShared(keys, [rate, burstOf(rate), COUNTED_MS, want]));
      return { granted, retryInMs };
    } catch (error) {
      if (!(error instanceof SharedStateDown)) throw error;
      return this.fallbackOf(partition, rate).take(want);
    }
  }

  private fallbackOf(partition: string, rate: number): LocalPermits {
    let fallback = this.fallbacks.get(partition);
    if (!fallback) {
      const share = rate / this.shared.instances;
      fallback = new LocalPermits(share, burstOf(share));
      this.fallbacks.set(partition, fallback);
    }
    return fallback;
  }
}
