// The same schema as an Apollo Federation v2 subgraph (FEDERATION_SUBGRAPH=true): WorkSpaces, bundles and directories are entities
// a router resolves here by key, so another team's subgraph can add fields to them (a WorkSpace's owner in an HR system).
import type { GraphQLSchema } from "graphql";
import { isInputObjectType } from "graphql";
import type { GatewayContext } from "./builder.ts";
import { builder } from "./builder.ts";
import { BundleRef } from "./bundle.ts";
import { lookupCalls } from "./cost.ts";
import { DirectoryRef } from "./directory.ts";
import { gatewayError } from "./failures.ts";
import { schema as gatewaySchema } from "./index.ts";
import { WorkspaceRef } from "./workspace.ts";

/** The context of a caller that may read: the router fetching entities for a client needs the read scope, as root fields do. */
function readable(context: GatewayContext): GatewayContext {
  if (!context.principal.scopes.has("read")) {
    throw gatewayError("FORBIDDEN", "_entities: needs the read scope, which this credential does not have", {
      field: "_entities",
      rule: "scope",
    });
  }
  return context;
}

// Each entity: its key, and its per-request loader, so the router's references are fetched in batches.
builder.asEntity(WorkspaceRef, {
  key: builder.selection<{ workspaceId: string }>("workspaceId"),
  resolveReference: ({ workspaceId }, context) => readable(context).aws.workspaces.load(workspaceId),
});
builder.asEntity(BundleRef, {
  key: builder.selection<{ bundleId: string }>("bundleId"),
  resolveReference: ({ bundleId }, context) => readable(context).aws.bundles.load(bundleId),
});
builder.asEntity(DirectoryRef, {
  key: builder.selection<{ directoryId: string }>("directoryId"),
  resolveReference: ({ directoryId }, context) => readable(context).aws.directories.load(directoryId),
});

/** The subgraph schema: the gateway's, with `_entities`, `_service` and the federation directives. */
export function subgraphSchema(): GraphQLSchema {
  const schema = builder.toSubGraphSchema({
    linkUrl: "https://specs.apollo.dev/federation/v2.6",
    federationDirectives: ["@key"],
    plainInputs: true,
  });
  // One filter at a time, as in the gateway's own schema: the router passes inputs on, and they are checked here.
  for (const type of Object.values(gatewaySchema.getTypeMap())) {
    const built = schema.getType(type.name);
    if (isInputObjectType(type) && type.isOneOf && isInputObjectType(built)) built.isOneOf = true;
  }
  // The router's references, looked up 25 per AWS call and type, as nodes(ids:) does: declared as every field's cost is.
  const entities = schema.getQueryType()!.getFields()._entities!;
  entities.extensions = {
    ...entities.extensions,
    complexity: ({ representations }: { representations: { __typename: string }[] }) => {
      const perType = new Map<string, number>();
      for (const { __typename } of representations) perType.set(__typename, (perType.get(__typename) ?? 0) + 1);
      return { field: [...perType.values()].reduce((calls, count) => calls + lookupCalls(count), 0), multiplier: representations.length };
    },
  };
  return schema;
}
