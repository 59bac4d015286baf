import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DirectivesPlugin from "@pothos/plugin-directives";
import ErrorsPlugin from "@pothos/plugin-errors";
import FederationPlugin from "@pothos/plugin-federation";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import type { Principal } from "../auth/principal.ts";
import type { AwsSession } from "../aws/session.ts";
import { lookupCalls } from "./cost.ts";
import { gatewayError } from "./errors.ts";
import { decodeGlobalId, encodeGlobalId, isMalformed, lookUpNodes } from "./global-id.ts";
import PlainInputsPlugin from "./subgraph-inputs.ts";

export interface GatewayContext {
  aws: AwsSession;
  principal: Principal;
}

interface GatewayTypes {
  Context: GatewayContext;
  AuthScopes: { read: boolean; write: boolean };
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

/** The builder's types, for helpers that take its field builders. */
export type SchemaTypes = PothosSchemaTypes.ExtendDefaultTypes<GatewayTypes>;

export const builder: PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<GatewayTypes>> = new SchemaBuilder<GatewayTypes>(
  {
    // Scope checks first, so nothing else runs (and no AWS call is made) for a caller without the scope.
    // Federation after the plugins that wrap resolvers, and with Directives (which prints its @key), as its documentation asks.
    plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin, ComplexityPlugin, DirectivesPlugin, FederationPlugin, PlainInputsPlugin],
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
      nodeFieldOptions: { nullable: false, description: "The item." },
      edgesFieldOptions: { nullable: false, description: "The items of this page, each with its cursor." },
      cursorFieldOptions: { description: "Pass it as `after` to resume right after this item (signed; valid 24 hours)." },
      pageInfoFieldOptions: { description: "Where this page sits in the list." },
      pageInfoTypeOptions: { description: "Where a page sits in its list; forward-only, as AWS pages are." },
      hasNextPageFieldOptions: { description: "Whether items follow; exact (one more AWS call when only that can tell)." },
      hasPreviousPageFieldOptions: { description: "Always false: lists are forward-only, as AWS pages are." },
      startCursorFieldOptions: { description: "The first item's cursor; null for an empty page." },
      endCursorFieldOptions: { description: "The last item's cursor, to ask for the next page; null for an empty page." },
      idFieldOptions: { description: "The global ID: pass it to node or nodes." },
      nodeTypeOptions: { description: "An object with a global ID, which node(id:) and nodes(ids:) fetch again." },
      nodeQueryOptions: {
        description: "Any object by its global ID; null when AWS no longer has it.",
        args: { id: { description: "A global ID from an `id` field." } },
        complexity: 1,
      },
      nodesQueryOptions: {
        description: "Objects by their global IDs, in the order given; an ID AWS does not have (or whose lookup failed) is null.",
        args: { ids: { description: "Global IDs from `id` fields; looked up 25 per AWS call, concurrently." } },
        // Costed from the global IDs as sent (query-cost.ts, the only caller, does not let Pothos decode them): per
        // partition (the ID up to its second `/`), the IDs of each loader (modification states share the WorkSpaces'),
        // counted without building keys, as a document may hold thousands of IDs. Malformed IDs count as lookups of
        // one partition of their own: answering each is work too, and were they free one request could hold any number.
        complexity: ({ ids }, context) => {
          const byPartition = new Map<string, { Workspace: number; Bundle: number; Directory: number }>();
          for (const globalId of ids as unknown as string[]) {
            const { typename, id } = decodeGlobalId(globalId, context);
            const partition = isMalformed(id) ? "" : id.slice(0, id.indexOf("/", id.indexOf("/") + 1));
            let counts = byPartition.get(partition);
            if (!counts) {
              counts = { Workspace: 0, Bundle: 0, Directory: 0 };
              byPartition.set(partition, counts);
            }
            counts[typename === "Bundle" || typename === "Directory" ? typename : "Workspace"] += 1;
          }
          let calls = 0;
          for (const counts of byPartition.values()) {
            calls += lookupCalls(counts.Workspace) + lookupCalls(counts.Bundle) + lookupCalls(counts.Directory);
          }
          return { field: calls, multiplier: ids.length, partitions: byPartition.size };
        },
        resolve: (_root, { ids }, context, info) => lookUpNodes(context, ids, info),
      },
      decodeGlobalID: decodeGlobalId,
      encodeGlobalID: encodeGlobalId,
    },
    errors: { defaultTypes: [] },
    // A field's cost is the AWS calls it can cause, declared beside it; a field that causes none costs nothing.
    // Admission costs operations itself (src/http/query-cost.ts): the plugin only keeps each field's declaration, and
    // wraps no resolver.
    complexity: { defaultComplexity: 0, defaultListMultiplier: 1, disabled: true },
  },
);

builder.queryType({ authScopes: { read: true }, description: "Reads: WorkSpaces, bundles, directories, and any node by its global ID." });
builder.mutationType({
  authScopes: { write: true },
  description: "Changes to WorkSpaces (create, modify, start, stop, reboot, rebuild, restore, terminate), item by item.",
});
builder.subscriptionType({
  authScopes: { read: true },
  description: "Live WorkSpace state, over Server-Sent Events, WebSocket (graphql-ws) or multipart HTTP (Apollo Client).",
});
