import SchemaBuilder from "@pothos/core";
import ErrorsPlugin from "@pothos/plugin-errors";
import RelayPlugin, { decodeGlobalID } from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Principal } from "../auth/principal.ts";
import { gatewayError } from "../aws/errors.ts";
import type { AwsSession } from "../aws/session.ts";

export interface GatewayContext {
  aws: AwsSession;
  principal: Principal;
}

/** The types that implement Node, each in its own file; a global ID must name one of them. */
const NODE_TYPES = new Set(["Workspace", "Bundle", "ModificationState"]);

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  AuthScopes: { read: boolean; write: boolean };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}>({
  // Scope checks first, so nothing else runs (and no AWS call is made) for a caller without the scope.
  plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin],
  scopeAuth: {
    authScopes: (context) => ({ read: context.principal.scopes.has("read"), write: context.principal.scopes.has("write") }),
    // Checked once when a subscription starts, not on every event.
    authorizeOnSubscribe: true,
    unauthorizedError: (_parent, _context, info) => {
      // Root mutation fields need write; every other guarded field (root queries, subscriptions, reads nested
      // anywhere) needs read.
      const scope = info.operation.operation === "mutation" && info.parentType.name === "Mutation" ? "write" : "read";
      return gatewayError("FORBIDDEN", `${info.fieldName}: needs the ${scope} scope, which this credential does not have`, {
        field: info.fieldName,
        rule: "scope",
      });
    },
  },
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
        throw gatewayError("VALIDATION", `id: "${globalID.slice(0, 100)}" is not a global ID of this API`, {
          field: "id",
          rule: "globalId",
        });
      }
      return decoded;
    },
  },
  errors: { defaultTypes: [] },
});

builder.queryType({ authScopes: { read: true } });
builder.mutationType({ authScopes: { write: true } });
builder.subscriptionType({ authScopes: { read: true } });
