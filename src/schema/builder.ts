import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin, { decodeGlobalID } from "@pothos/plugin-relay";
import { gatewayError } from "../aws/errors.ts";
import type { AwsSession } from "../aws/session.ts";

export interface GatewayContext {
  aws: AwsSession;
}

/** The types that implement Node, each in its own file; a global ID must name one of them. */
const NODE_TYPES = new Set(["Workspace", "Bundle", "ModificationState"]);

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  plugins: [ErrorsPlugin, RelayPlugin],
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
    // A malformed ID is the client's mistake: a typed VALIDATION error, not a masked internal one.
    decodeGlobalID: (globalID) => {
      const decoded = (() => {
        try {
          return decodeGlobalID(globalID);
        } catch {
          return undefined;
        }
      })();
      if (!decoded || !NODE_TYPES.has(decoded.typename)) {
        throw gatewayError("VALIDATION", `id: "${globalID.slice(0, 100)}" is not a global ID of this API`, { field: "id", rule: "globalId" });
      }
      return decoded;
    },
  },
  errors: { defaultTypes: [] },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
