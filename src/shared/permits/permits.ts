// Leave for the calls of an AWS budget that several gateways share (behind one load balancer): every call a gateway's
// budget lets go also needs its leave, so the calls of all of them together keep to the rate. Held by the cluster's Redis
// (redis.ts), or by this gateway alone while Redis is unreachable (memory.ts, at its share of the rate).
import type { Grant } from "../../aws/budget/rate-window.ts";

export interface PermitSource {
  /** How many of `want` calls of the account/region `partition` may go now at `rate` a second, else when to ask again. */
  take(partition: string, rate: number, want: number): Promise<Grant>;
}
