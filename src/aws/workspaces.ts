// DescribeWorkspaces, described once: WorkSpaces by ID (25 a call) or a list a page at a time (reads.ts does both).

import type { DescribeWorkspacesRequest, Workspace } from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesCommand } from "@aws-sdk/client-workspaces";
import { checkWorkspaceId, PAGE_SIZE } from "../constraints.ts";
import type { Found } from "./reads.ts";

export type WorkspaceShape = Found<Workspace>;

export const DESCRIBE_WORKSPACES = {
  command: DescribeWorkspacesCommand,
  ids: "WorkspaceIds",
  items: "Workspaces",
  id: "workspaceId",
  check: checkWorkspaceId,
  loader: "workspace",
  pageSize: PAGE_SIZE,
  listing: "workspaces",
} as const;

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
