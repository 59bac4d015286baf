// Bundles change rarely, so the bundles found are kept across requests for a TTL: by this gateway (memory.ts), or by
// the cluster's Redis (redis.ts).
import type { BundleShape } from "../../aws/bundles.ts";

/** A partition's found bundles by ID, kept for a TTL: this gateway's own, or one shared by a cluster's gateways. */
export interface BundleStore {
  /** The bundles of `ids` still kept, undefined where not. */
  getMany(ids: readonly string[]): Promise<(BundleShape | undefined)[]>;
  setMany(bundles: readonly BundleShape[]): void;
}

/** The bundle cache; null when caching is off (a TTL of 0). */
export type BundleCache = BundleStore | null;

/** An account holds at most a few thousand bundles; the bound only keeps a misbehaving upstream from growing the heap. */
export const BUNDLE_CACHE_MAX = 10_000;
