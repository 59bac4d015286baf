import { builder } from "./builder.ts";
import "./failures.ts";
import "./workspace.ts";
import "./bundle.ts";
import "./directory.ts";
import "./connection-status.ts";
import "./modification-state.ts";
import "./create-workspaces.ts";
import "./modify-workspace-properties.ts";
import "./workspace-actions.ts";
import "./workspace-state.ts";

export const schema = builder.toSchema({ sortSchema: false });
