// The bundle cache of a gateway alone: an LRU with the TTL, on the clock given.
import { LRUCache } from "lru-cache";
import type { BundleShape } from "../../aws/bundles.ts";
import type { BundleCache } from "./bundle-cache.ts";
import { BUNDLE_CACHE_MAX } from "./bundle-cache.ts";

export function createBundleCache(ttlMs: number, clock: () => number = Date.now): BundleCache {
  if (ttlMs <= 0) return null;
  // ttlResolution 0: read the clock on every lookup, so a test's clock moved by hand is seen at once.
  const kept = new LRUCache<string, BundleShape>({ max: BUNDLE_CACHE_MAX, ttl: ttlMs, ttlResolution: 0, perf: { now: clock } });
  return {
    getMany: async (ids) => ids.map((id) => kept.get(id)),
    setMany: (bundles) => {
      for (const bundle of bundles) kept.set(bundle.bundleId!, bundle);
    },
  };
}
