// DescribeWorkspaceDirectories, described once: the directories registered with WorkSpaces, by ID (25 a call) or a
// list a page at a time.

import type { WorkspaceDirectory } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceDirectoriesCommand } from "@aws-sdk/client-workspaces";
import { checkDirectoryId, PAGE_SIZE } from "../constraints.ts";
import type { Found } from "./reads.ts";

export type DirectoryShape = Found<WorkspaceDirectory>;

export const DESCRIBE_WORKSPACE_DIRECTORIES = {
  command: DescribeWorkspaceDirectoriesCommand,
  ids: "DirectoryIds",
  items: "Directories",
  id: "directoryId",
  check: checkDirectoryId,
  loader: "directory",
  pageSize: PAGE_SIZE,
  listing: "directories",
} as const;
