// What a keyed createWorkspaces needs of a results store, whichever holds it: this gateway's memory (memory.ts) or
// the cluster's Redis (redis.ts); and the series both report.
import { Counter, Gauge } from "prom-client";
import { registry } from "../../metrics.ts";

export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60_000;

export type IdempotentRun<T> = { kind: "result"; result: T; replayed: boolean } | { kind: "conflict" };

/** Results by idempotency key: this gateway's own (IdempotencyStore), or one store shared by a cluster's gateways. */
export interface Idempotency<T> {
  /**
   * The first result for the caller's `key`, or `produce`'s. The same key with another input is a conflict. A
   * result `keep` rejects (nothing reached AWS) is not retained, so a retry with the same key runs again. On a
   * repeat, `revisit` may replace a kept result (its unknown outcomes asked again); it returns undefined to replay.
   * `produce` is told `lost` when an earlier run under the key may have acted and its result is lost (its gateway
   * stopped mid-run). A caller's results are dropped for its own newer ones or their age, never for another caller's.
   */
  run(
    owner: string,
    key: string,
    input: unknown,
    produce: (lost: boolean) => Promise<T>,
    keep: (result: T) => boolean,
    revisit?: (result: T) => Promise<T> | undefined,
  ): Promise<IdempotentRun<T>>;
}

export interface StoreBounds {
  count: number;
  bytes: number;
}

/** Every store's size in bytes, as last known (a shared store's, from Redis's last answer). */
export const idempotencyStores = new Set<{ readonly bytes: number }>();
new Gauge({
  name: "workspaces_idempotency_bytes",
  help: "Bytes of createWorkspaces results kept for idempotency keys.",
  registers: [registry],
  collect() {
    this.set([...idempotencyStores].reduce((total, store) => total + store.bytes, 0));
  },
});
export const idempotencyEvicted = new Counter({
  name: "workspaces_idempotency_evicted_total",
  help: "Results dropped before their 24 hours to keep the store within its bounds (the storing caller's oldest first).",
  registers: [registry],
});
