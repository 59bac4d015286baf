// Bundles from AWS: they change rarely, so found bundles are cached across requests for a TTL.

import type { DescribeWorkspaceBundlesRequest, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceBundlesCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import { LRUCache } from "lru-cache";
import { BUNDLE_ID_PATTERN, ID_LIST_SIZE } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import type { ListScope, Located, Partition } from "./fleet.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { AwsPage } from "./pagination.ts";
import { fleetSlice } from "./pagination.ts";
import type { AwsSession } from "./session.ts";
import type { ReadOptions } from "./upstream.ts";

export type BundleShape = CamelCase<WorkspaceBundle> & Located;

export type BundleOwner = "AMAZON" | "ACCOUNT";

export type BundlesFilter = { bundleIds: string[] } | { owner: BundleOwner };

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
  partition: Partition,
  request: DescribeWorkspaceBundlesRequest,
  token: string | null,
  options: ReadOptions,
): Promise<AwsPage<BundleShape>> {
  const command = new DescribeWorkspaceBundlesCommand({ ...request, ...(token ? { NextToken: token } : {}) });
  const output = await partition.upstream.read(command, options);
  const items = (output.Bundles ?? []).map((bundle) => ({ ...camelCase(bundle), partition: partition.ref }));
  partition.bundleCache?.setMany(items);
  return { items, nextToken: output.NextToken || undefined };
}

/** `first` bundles of the scope's partitions matching a request the caller has validated, after the cursor `after`. */
export function listBundles(
  session: AwsSession,
  scope: ListScope,
  request: DescribeWorkspaceBundlesRequest,
  first: number,
  after?: string | null,
) {
  return fleetSlice(
    session.services,
    `bundles:${JSON.stringify(request)}@${scope.name}`,
    scope.partitions,
    first,
    after,
    async (partition, token) => {
      const page = await fetchBundlesPage(partition, request, token, session.readOptions());
      const loader = session.in(partition).bundles;
      for (const bundle of page.items) loader.clear(bundle.bundleId!).prime(bundle.bundleId!, bundle);
      return page;
    },
  );
}

/** Per-request loader of one partition over its shared cache: misses go to AWS, up to 25 IDs per call. */
export function createBundleLoader(partition: Partition, options: ReadOptions) {
  const cache = partition.bundleCache;
  return new DataLoader<string, BundleShape | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: "bundle" }, ids.length);
      const cached = cache ? await cache.getMany(ids) : [];
      const missing = ids.filter((id, i) => cached[i] === undefined && BUNDLE_ID_PATTERN.test(id));
      const fetched = new Map<string, BundleShape>();
      if (missing.length > 0) {
        const page = await fetchBundlesPage(partition, { BundleIds: missing }, null, options);
        for (const bundle of page.items) fetched.set(bundle.bundleId!, bundle);
      }
      return ids.map((id, i) => fetched.get(id) ?? cached[i] ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}
