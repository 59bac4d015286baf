// Bundles from AWS: they change rarely, so found bundles are cached across requests for a TTL.

import type { DescribeWorkspaceBundlesRequest, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceBundlesCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import { LRUCache } from "lru-cache";
import { BUNDLE_ID_PATTERN, ID_LIST_SIZE } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { AwsPage } from "./pagination.ts";
import { listingSlice } from "./pagination.ts";
import type { AwsSession } from "./session.ts";
import type { ReadOptions, Upstream } from "./upstream.ts";

export type BundleShape = CamelCase<WorkspaceBundle>;

export type BundleOwner = "AMAZON" | "ACCOUNT";

export type BundlesFilter = { bundleIds: string[] } | { owner: BundleOwner };

/** Found bundles by ID, kept for a TTL: this gateway's own, or one shared by a cluster's gateways. */
export interface BundleStore {
  /** The bundles of `ids` still kept, undefined where not. */
  getMany(ids: readonly string[]): Promise<(BundleShape | undefined)[]>;
  setMany(bundles: readonly BundleShape[]): void;
}

/** The bundle cache; null when caching is off (a TTL of 0). */
export type BundleCache = BundleStore | null;

/** An account holds at most a few thousand bundles; the bound only keeps a misbehaving upstream from growing the heap. */
export const BUNDLE_CACHE_MAX = 10_000;

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

export function describeBundlesRequest(filter: BundlesFilter | null | undefined): DescribeWorkspaceBundlesRequest {
  if (!filter) return {};
  if ("bundleIds" in filter) return { BundleIds: filter.bundleIds };
  return filter.owner === "AMAZON" ? { Owner: "AMAZON" } : {};
}

async function fetchBundlesPage(
  upstream: Upstream,
  cache: BundleCache,
  request: DescribeWorkspaceBundlesRequest,
  token: string | null,
  options: ReadOptions,
): Promise<AwsPage<BundleShape>> {
  const output = await upstream.read(new DescribeWorkspaceBundlesCommand({ ...request, ...(token ? { NextToken: token } : {}) }), options);
  const items = camelCase(output.Bundles ?? []);
  cache?.setMany(items);
  return { items, nextToken: output.NextToken || undefined };
}

/** `first` bundles matching a request the caller has validated, after the cursor `after`. */
export function listBundles(session: AwsSession, request: DescribeWorkspaceBundlesRequest, first: number, after?: string | null) {
  const { upstream, bundleCache } = session.services;
  return listingSlice(session.services, `bundles:${JSON.stringify(request)}`, first, after, async (token) => {
    const page = await fetchBundlesPage(upstream, bundleCache, request, token, session.readOptions());
    for (const bundle of page.items) session.bundles.clear(bundle.bundleId!).prime(bundle.bundleId!, bundle);
    return page;
  });
}

/** Per-request loader over the shared cache: misses go to AWS, up to 25 IDs per call. */
export function createBundleLoader(upstream: Upstream, cache: BundleCache, options: ReadOptions) {
  return new DataLoader<string, BundleShape | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: "bundle" }, ids.length);
      const cached = cache ? await cache.getMany(ids) : [];
      const missing = ids.filter((id, i) => cached[i] === undefined && BUNDLE_ID_PATTERN.test(id));
      const fetched = new Map<string, BundleShape>();
      if (missing.length > 0) {
        const page = await fetchBundlesPage(upstream, cache, { BundleIds: missing }, null, options);
        for (const bundle of page.items) fetched.set(bundle.bundleId!, bundle);
      }
      return ids.map((id, i) => fetched.get(id) ?? cached[i] ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}
