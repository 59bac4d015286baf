// Each caller's share of the AWS budget over time: a token bucket of AWS calls per caller, charged a request's
// worst-case calls (the costs its fields declare) before it runs, so no caller can queue more than its share. Held by
// this gateway (memory.ts) or by the cluster's Redis (redis.ts).

export type QuotaAnswer = { granted: true } | { granted: false; retryAfter: number };

/** The callers' allowances: this gateway's own (memory.ts), or one shared by the gateways of a cluster. */
export interface Quotas {
  /** Takes `calls` from the caller's allowance, or says in how many seconds it will have them. */
  take(caller: string, calls: number): QuotaAnswer | Promise<QuotaAnswer>;
  /** Whether the caller has a call left at all, without taking it. */
  check(caller: string): QuotaAnswer | Promise<QuotaAnswer>;
}
