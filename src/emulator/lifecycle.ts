// The WorkSpace actions' lifecycles as AWS documents them: the state a WorkSpace passes through, and where it settles.
import { WorkspaceState } from "@aws-sdk/client-workspaces";
import type { WorkspaceAction } from "../constraints.ts";

export const TRANSITIONS: Record<WorkspaceAction, { during: WorkspaceState; after: WorkspaceState }> = {
  StartWorkspaces: { during: WorkspaceState.STARTING, after: WorkspaceState.AVAILABLE },
  StopWorkspaces: { during: WorkspaceState.STOPPING, after: WorkspaceState.STOPPED },
  RebootWorkspaces: { during: WorkspaceState.REBOOTING, after: WorkspaceState.AVAILABLE },
  RebuildWorkspaces: { during: WorkspaceState.REBUILDING, after: WorkspaceState.AVAILABLE },
  RestoreWorkspace: { during: WorkspaceState.RESTORING, after: WorkspaceState.AVAILABLE },
  TerminateWorkspaces: { during: WorkspaceState.TERMINATING, after: WorkspaceState.TERMINATED },
};
