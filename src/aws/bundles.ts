// Bundles from AWS: they change rarely, so found bundles are cached across requests for a TTL.

import type { DescribeWorkspaceBundlesRequest, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceBundlesCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
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
