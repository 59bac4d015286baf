// Bundles cached for the whole cluster, so a bundle one gateway read costs the others no AWS call: kept in Redis for
// the TTL, and in each gateway's memory until the same moment (a hit there costs no trip to Redis). While Redis is
// unreachable, the memory alone serves.
import { LRUCache } from "lru-cache";
import type { BundleShape } from "../../aws/bundles.ts";
import type { SharedRedis } from "../redis.ts";
import type { BundleStore } from "./bundle-cache.ts";
import { BUNDLE_CACHE_MAX } from "./bundle-cache.ts";

/** As kept in Redis: the bundle and when it expires (wall clock), so every gateway's copy expires with it. */
interface Kept {
  bundle: BundleShape;
  expiresAt: number;
}

export class ClusterBundleCache implements BundleStore {
  private readonly local = new LRUCache<string, BundleShape>({ max: BUNDLE_CACHE_MAX });

  constructor(
    private readonly shared: SharedRedis,
    /** The account/region whose bundles these are. */
    private readonly partition: string,
    private readonly ttlMs: number,
  ) {}

  async getMany(ids: readonly string[]): Promise<(BundleShape | undefined)[]> {
    const found = ids.map((id) => this.local.get(id));
    const missing = ids.filter((_, i) => found[i] === undefined);
    if (missing.length === 0 || !this.shared.up) return found;
    const values = await this.shared
      .use("bundles", () => this.shared.client.mget(missing.map((id) => this.keyOf(id))))
      .catch(() => [] as (string | null)[]);
    const now = Date.now();
    const byId = new Map<string, BundleShape>();
    for (const value of values) {
      if (!value) continue;
      const { bundle, expiresAt } = JSON.parse(value) as Kept;
      if (expiresAt <= now) continue;
      this.local.set(bundle.bundleId!, bundle, { ttl: expiresAt - now });
      byId.set(bundle.bundleId!, bundle);
    }
    return ids.map((id, i) => found[i] ?? byId.get(id));
  }

  setMany(bundles: readonly BundleShape[]): void {
    if (bundles.length === 0) return;
    const expiresAt = Date.now() + this.ttlMs;
    for (const bundle of bundles) this.local.set(bundle.bundleId!, bundle, { ttl: this.ttlMs });
    if (!this.shared.up) return;
    const writes = this.shared.client.multi();
    for (const bundle of bundles)
      writes.set(this.keyOf(bundle.bundleId!), JSON.stringify({ bundle, expiresAt } satisfies Kept), "PX", this.ttlMs);
    void this.shared.use("bundles", () => writes.exec()).catch(() => {});
  }

  private keyOf(bundleId: string): string {
    return this.shared.key(`bundles:${this.partition}`, bundleId);
  }
}
