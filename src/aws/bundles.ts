// Bundles from AWS: they change rarely, so found bundles are cached across requests for a TTL.

import type { DescribeWorkspaceBundlesRequest, WorkSpacesClient, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceBundlesCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import { BUNDLE_ID_PATTERN, ID_LIST_SIZE } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import { sendRead } from "./client.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { AwsPage } from "./pagination.ts";

export type BundleShape = CamelCase<WorkspaceBundle>;

export type BundleOwner = "AMAZON" | "ACCOUNT";

export type BundlesFilter = { bundleIds: string[] } | { owner: BundleOwner };

export function describeBundlesRequest(filter: BundlesFilter | null | undefined): DescribeWorkspaceBundlesRequest {
  if (!filter) return {};
  if ("bundleIds" in filter) return { BundleIds: filter.bundleIds };
  return filter.owner === "AMAZON" ? { Owner: "AMAZON" } : {};
}

export class BundleCache {
  private readonly entries = new Map<string, { bundle: BundleShape; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(id: string): BundleShape | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt > this.clock()) return entry.bundle;
    this.entries.delete(id);
    return undefined;
  }

  set(bundle: BundleShape): void {
    if (this.ttlMs > 0) this.entries.set(bundle.bundleId!, { bundle, expiresAt: this.clock() + this.ttlMs });
  }
}

export async function fetchBundlesPage(
  client: WorkSpacesClient,
  request: DescribeWorkspaceBundlesRequest,
  token: string | null,
  cache: BundleCache,
  signal?: AbortSignal,
): Promise<AwsPage<BundleShape>> {
  const input = { ...request, ...(token ? { NextToken: token } : {}) };
  const output = await sendRead(
    client,
    "DescribeWorkspaceBundles",
    input,
    (callSignal) => client.send(new DescribeWorkspaceBundlesCommand(input), { abortSignal: callSignal }),
    signal,
  );
  const items = camelCase(output.Bundles ?? []);
  for (const bundle of items) cache.set(bundle);
  return { items, nextToken: output.NextToken || undefined };
}

/** Per-request loader over the shared cache: misses go to AWS, up to 25 IDs per call. */
export function createBundleLoader(client: WorkSpacesClient, cache: BundleCache, signal?: AbortSignal) {
  return new DataLoader<string, BundleShape | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: "bundle" }, ids.length);
      const missing = ids.filter((id) => cache.get(id) === undefined && BUNDLE_ID_PATTERN.test(id));
      const fetched = new Map<string, BundleShape>();
      if (missing.length > 0) {
        const page = await fetchBundlesPage(client, { BundleIds: missing }, null, cache, signal);
        for (const bundle of page.items) fetched.set(bundle.bundleId!, bundle);
      }
      return ids.map((id) => cache.get(id) ?? fetched.get(id) ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}
