// Directories registered with WorkSpaces: batched lookups by ID and NextToken pages, mapped to GraphQL's shape at the
// boundary.

import type { DescribeWorkspaceDirectoriesRequest, WorkspaceDirectory } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceDirectoriesCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import { checkDirectoryId, ID_LIST_SIZE, PAGE_SIZE } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { AwsPage } from "./pagination.ts";
import { listingSlice } from "./pagination.ts";
import type { AwsSession } from "./session.ts";
import type { ReadOptions, Upstream } from "./upstream.ts";

export type DirectoryShape = CamelCase<WorkspaceDirectory>;

async function fetchDirectoriesPage(
  upstream: Upstream,
  request: DescribeWorkspaceDirectoriesRequest,
  token: string | null,
  options: ReadOptions,
): Promise<AwsPage<DirectoryShape>> {
  // AWS answers a list of IDs whole; only a listing is paged.
  const input = { ...request, ...(request.DirectoryIds ? {} : { Limit: PAGE_SIZE }), ...(token ? { NextToken: token } : {}) };
  const output = await upstream.read(new DescribeWorkspaceDirectoriesCommand(input), options);
  return { items: camelCase(output.Directories ?? []), nextToken: output.NextToken || undefined };
}

/** `first` directories matching a request the caller has validated, after the cursor `after`. */
export function listDirectories(session: AwsSession, request: DescribeWorkspaceDirectoriesRequest, first: number, after?: string | null) {
  return listingSlice(session.services, `directories:${JSON.stringify(request)}`, first, after, async (token) => {
    const page = await fetchDirectoriesPage(session.services.upstream, request, token, session.readOptions());
    for (const directory of page.items) session.directories.clear(directory.directoryId!).prime(directory.directoryId!, directory);
    return page;
  });
}

/** Per-request loader: up to 25 IDs per DescribeWorkspaceDirectories; IDs AWS cannot hold cost nothing. */
export function createDirectoryLoader(upstream: Upstream, options: ReadOptions) {
  return new DataLoader<string, DirectoryShape | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: "directory" }, ids.length);
      const valid = ids.filter((id) => checkDirectoryId(id).length === 0);
      const found = new Map<string, DirectoryShape>();
      if (valid.length > 0) {
        const page = await fetchDirectoriesPage(upstream, { DirectoryIds: valid }, null, options);
        for (const directory of page.items) found.set(directory.directoryId!, directory);
      }
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}
