import { builder } from "./builder.ts";
import "./workspace.ts";
import "./bundle.ts";
import "./modification-state.ts";

export const schema = builder.toSchema({ sortSchema: false });
