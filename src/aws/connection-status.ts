// DescribeWorkspacesConnectionStatus, described once: whether a user is connected to a WorkSpace, looked up 25 IDs a
// call, so a page of WorkSpaces costs one call more, not one per WorkSpace. The gateway lists none.

import type { WorkspaceConnectionStatus } from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesConnectionStatusCommand } from "@aws-sdk/client-workspaces";
import { checkWorkspaceId } from "../constraints.ts";
import type { Found } from "./reads.ts";

export type ConnectionStatusShape = Found<WorkspaceConnectionStatus>;

export const DESCRIBE_WORKSPACES_CONNECTION_STATUS = {
  command: DescribeWorkspacesConnectionStatusCommand,
  ids: "WorkspaceIds",
  items: "WorkspacesConnectionStatus",
  id: "workspaceId",
  check: checkWorkspaceId,
  loader: "connectionStatus",
} as const;
