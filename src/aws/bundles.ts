// DescribeWorkspaceBundles, described once: bundles change rarely, so those found are kept in the partition's bundle
// cache across requests for a TTL, and lookups ask AWS only for the others.

import type { DescribeWorkspaceBundlesRequest, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceBundlesCommand } from "@aws-sdk/client-workspaces";
import { checkBundleId } from "../constraints.ts";
import type { Partition } from "./fleet.ts";
import type { Found } from "./reads.ts";

export type BundleShape = Found<WorkspaceBundle>;

export const DESCRIBE_WORKSPACE_BUNDLES = {
  command: DescribeWorkspaceBundlesCommand,
  ids: "BundleIds",
  items: "Bundles",
  id: "bundleId",
  check: checkBundleId,
  loader: "bundle",
  // AWS takes no Limit: its pages are its own size.
  listing: "bundles",
  kept: (partition: Partition) => partition.bundleCache,
} as const;

export type BundleOwner = "AMAZON" | "ACCOUNT";

export type BundlesFilter = { bundleIds: string[] } | { owner: BundleOwner };

export function describeBundlesRequest(filter: BundlesFilter | null | undefined): DescribeWorkspaceBundlesRequest {
  if (!filter) return {};
  if ("bundleIds" in filter) return { BundleIds: filter.bundleIds };
  return filter.owner === "AMAZON" ? { Owner: "AMAZON" } : {};
}
