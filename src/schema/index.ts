import { builder } from "./builder.ts";
import "./failures.ts";
// Types print in the order they are made: the bundles' first, as the schema always listed them.
import "./bundle.ts";
import "./modification-state.ts";
import "./workspace.ts";
import "./directory.ts";
import "./connection-status.ts";
import "./create-workspaces.ts";
import "./modify-workspace-properties.ts";
import "./workspace-actions.ts";
import "./workspace-state.ts";

export const schema = builder.toSchema({ sortSchema: false });
