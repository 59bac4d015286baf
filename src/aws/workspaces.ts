// Workspaces from AWS: batched lookups by ID and NextToken pages, mapped to GraphQL's shape at the boundary.

import type { DescribeWorkspacesRequest, Workspace } from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import { ID_LIST_SIZE, PAGE_SIZE, WORKSPACE_ID_PATTERN } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import type { ListScope, Located, Partition } from "./fleet.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { AwsPage } from "./pagination.ts";
import { fleetSlice } from "./pagination.ts";
import type { AwsSession } from "./session.ts";
import type { ReadOptions } from "./upstream.ts";

export type WorkspaceShape = CamelCase<Workspace> & Located;

/** One filter at a time, as AWS takes them. */
export type WorkspacesFilter =
  | { workspaceIds: string[] }
  | { directory: { directoryId: string; userName?: string | null } }
  | { bundleId: string }
  | { workspaceName: string };

export function describeWorkspacesRequest(filter: WorkspacesFilter | null | undefined): DescribeWorkspacesRequest {
  if (!filter) return {};
  if ("workspaceIds" in filter) return { WorkspaceIds: filter.workspaceIds };
  if ("directory" in filter) {
    const { directoryId, userName } = filter.directory;
    return { DirectoryId: directoryId, ...(userName != null ? { UserName: userName } : {}) };
  }
  if ("workspaceName" in filter) return { WorkspaceName: filter.workspaceName };
  return { BundleId: filter.bundleId };
}

/** AWS's WorkSpaces, each carrying the partition it came from. */
export function locatedWorkspaces(partition: Partition, workspaces: Workspace[]): WorkspaceShape[] {
  return workspaces.map((workspace) => ({ ...camelCase(workspace), partition: partition.ref }));
}

export async function fetchWorkspacesPage(
  partition: Partition,
  request: DescribeWorkspacesRequest,
  token: string | null,
  options: ReadOptions = {},
): Promise<AwsPage<WorkspaceShape>> {
  const input = { ...request, ...(request.WorkspaceIds ? {} : { Limit: PAGE_SIZE }), ...(token ? { NextToken: token } : {}) };
  const output = await partition.upstream.read(new DescribeWorkspacesCommand(input), options);
  return { items: locatedWorkspaces(partition, output.Workspaces ?? []), nextToken: output.NextToken || undefined };
}

/** `first` WorkSpaces of the scope's partitions matching a request the caller has validated, after the cursor `after`. */
export function listWorkspaces(
  session: AwsSession,
  scope: ListScope,
  request: DescribeWorkspacesRequest,
  first: number,
  after?: string | null,
) {
  return fleetSlice(
    session.services,
    `workspaces:${JSON.stringify(request)}@${scope.name}`,
    scope.partitions,
    first,
    after,
    async (partition, token) => {
      const page = await fetchWorkspacesPage(partition, request, token, session.readOptions());
      const loader = session.in(partition).workspaces;
      for (const workspace of page.items) loader.clear(workspace.workspaceId!).prime(workspace.workspaceId!, workspace);
      return page;
    },
  );
}

/**
 * Per-request loader of one partition: up to 25 IDs per DescribeWorkspaces, batches in parallel; IDs AWS cannot hold cost nothing.
 * A fresh loader (for reads after a write) never joins a call already in flight.
 */
export function createWorkspaceLoader(partition: Partition, options: ReadOptions) {
  return new DataLoader<string, WorkspaceShape | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: "workspace" }, ids.length);
      const valid = ids.filter((id) => WORKSPACE_ID_PATTERN.test(id));
      const found = new Map<string, WorkspaceShape>();
      if (valid.length > 0) {
        const page = await fetchWorkspacesPage(partition, { WorkspaceIds: valid }, null, options);
        for (const workspace of page.items) found.set(workspace.workspaceId!, workspace);
      }
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}
