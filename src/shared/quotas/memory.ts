// Callers' quotas held by this gateway alone: one token bucket per caller, the least recently seen forgotten first.
import { LRUCache } from "lru-cache";
import type { QuotaAnswer, Quotas } from "./quotas.ts";

export class CallerQuotas implements Quotas {
  /** Callers seen lately; a caller forgotten has refilled its bucket anyway. */
  private readonly buckets: LRUCache<string, { tokens: number; at: number }>;

  constructor(
    /** AWS calls per second per caller; 0 turns quotas off. */
    readonly rate: number,
    /** Calls a caller may spend at once after a quiet spell. */
    readonly burst: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.buckets = new LRUCache({ max: 100_000 });
  }

  /** Takes `calls` from the caller's allowance, or says in how many seconds it will have them. */
  take(caller: string, calls: number): QuotaAnswer {
    if (this.rate <= 0 || calls <= 0) return { granted: true };
    const bucket = this.bucketOf(caller);
    if (bucket.tokens >= calls) {
      bucket.tokens -= calls;
      return { granted: true };
    }
    return { granted: false, retryAfter: Math.max(1, Math.ceil((calls - bucket.tokens) / this.rate)) };
  }

  /** Whether the caller has a call left at all, without taking it: a caller with none is refused before parsing. */
  check(caller: string): QuotaAnswer {
    if (this.rate <= 0) return { granted: true };
    const { tokens } = this.bucketOf(caller);
    return tokens >= 1 ? { granted: true } : { granted: false, retryAfter: Math.max(1, Math.ceil((1 - tokens) / this.rate)) };
  }

  private bucketOf(caller: string): { tokens: number; at: number } {
    const now = this.clock();
    const bucket = this.buckets.get(caller) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.rate) / 1000);
    bucket.at = now;
    this.buckets.set(caller, bucket);
    return bucket;
  }
}
