// Directories registered with WorkSpaces: batched lookups by ID and NextToken pages, mapped to GraphQL's shape at the
// boundary.

import type { DescribeWorkspaceDirectoriesRequest, WorkspaceDirectory } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceDirectoriesCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import { checkDirectoryId, ID_LIST_SIZE, PAGE_SIZE } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import type { ListScope, Located, Partition } from "./fleet.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { AwsPage } from "./pagination.ts";
import { fleetSlice } from "./pagination.ts";
import type { AwsSession } from "./session.ts";
import type { ReadOptions } from "./upstream.ts";

export type DirectoryShape = CamelCase<WorkspaceDirectory> & Located;

async function fetchDirectoriesPage(
  partition: Partition,
  request: DescribeWorkspaceDirectoriesRequest,
  token: string | null,
  options: ReadOptions,
): Promise<AwsPage<DirectoryShape>> {
  // AWS answers a list of IDs whole; only a listing is paged.
  const input = { ...request, ...(request.DirectoryIds ? {} : { Limit: PAGE_SIZE }), ...(token ? { NextToken: token } : {}) };
  const output = await partition.upstream.read(new DescribeWorkspaceDirectoriesCommand(input), options);
  const items = (output.Directories ?? []).map((directory) => ({ ...camelCase(directory), partition: partition.ref }));
  return { items, nextToken: output.NextToken || undefined };
}

/** `first` directories of the scope's partitions matching a request the caller has validated, after the cursor `after`. */
export function listDirectories(
  session: AwsSession,
  scope: ListScope,
  request: DescribeWorkspaceDirectoriesRequest,
  first: number,
  after?: string | null,
) {
  const listing = `directories:${JSON.stringify(request)}@${scope.name}`;
  return fleetSlice(session.services, listing, scope.partitions, first, after, async (partition, token) => {
    const page = await fetchDirectoriesPage(partition, request, token, session.readOptions());
    const loader = session.in(partition).directories;
    for (const directory of page.items) loader.clear(directory.directoryId!).prime(directory.directoryId!, directory);
    return page;
  });
}

/** Per-request loader of one partition: up to 25 IDs per DescribeWorkspaceDirectories; IDs AWS cannot hold cost nothing. */
export function createDirectoryLoader(partition: Partition, options: ReadOptions) {
  return new DataLoader<string, DirectoryShape | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: "directory" }, ids.length);
      const valid = ids.filter((id) => checkDirectoryId(id).length === 0);
      const found = new Map<string, DirectoryShape>();
      if (valid.length > 0) {
        const page = await fetchDirectoriesPage(partition, { DirectoryIds: valid }, null, options);
        for (const directory of page.items) found.set(directory.directoryId!, directory);
      }
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}
