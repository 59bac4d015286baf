// The object types that fields of other files return, made here and implemented each in its own file (workspace.ts,
// bundle.ts, directory.ts, modification-state.ts): those files import no value of one another, so they load in the
// order index.ts gives, which is the order the printed schema lists their types in.
import type { BundleShape } from "../aws/bundles.ts";
import type { DirectoryShape } from "../aws/directories.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { builder } from "./builder.ts";
import { fleetConnection } from "./connection.ts";
import type { ModificationStateShape } from "./modification-state.ts";

export const WorkspaceRef = builder.objectRef<WorkspaceShape>("Workspace");
export const BundleRef = builder.objectRef<BundleShape>("Bundle");
export const DirectoryRef = builder.objectRef<DirectoryShape>("Directory");
export const ModificationStateRef = builder.objectRef<ModificationStateShape>("ModificationState");

const makeWorkspaceConnection = () => fleetConnection(WorkspaceRef, "Workspace", { item: "WorkSpace", items: "WorkSpaces" });

let workspaceConnectionRef: ReturnType<typeof makeWorkspaceConnection> | undefined;

/**
 * Pages of WorkSpaces, for every field that lists them (a bundle's, a directory's, the root's). A type is defined when
 * made, so this one is made on the first call, which workspace.ts makes right after the Workspace type.
 */
export function workspaceConnection() {
  workspaceConnectionRef ??= makeWorkspaceConnection();
  return workspaceConnectionRef;
}
