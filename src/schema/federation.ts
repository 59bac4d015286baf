// The same schema as an Apollo Federation v2 subgraph (FEDERATION_SUBGRAPH=true): WorkSpaces, bundles and directories are entities
// a router resolves here by key, so another team's subgraph can add fields to them (a WorkSpace's owner in an HR system).
import type { GraphQLSchema } from "graphql";
import { isInputObjectType } from "graphql";
import type { PartitionSession } from "../aws/session.ts";
import type { Violation } from "../constraints.ts";
import { checkBundleId, checkDirectoryId, checkWorkspaceId } from "../constraints.ts";
import type { GatewayContext } from "./builder.ts";
import { builder } from "./builder.ts";
import { BundleRef } from "./bundle.ts";
import { lookupCalls } from "./cost.ts";
import { DirectoryRef } from "./directory.ts";
import { gatewayError, refuseInvalid } from "./failures.ts";
import { schema as gatewaySchema } from "./index.ts";
import { chosenPartition } from "./partition.ts";
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

/** A reference's key: AWS's ID and the partition it is in, checked as the lookup fields check them. */
interface EntityKey {
  region: string;
  accountId: string;
}

/**
 * A reference's entity, read through its partition's loaders once its region, account and ID pass the lookup fields'
 * rules; async, so that a reference refused fails its own item of `_entities`, not its neighbours.
 */
async function referenced<T>(
  context: GatewayContext,
  key: EntityKey,
  idViolations: Violation[],
  idArgument: Record<string, string>,
  load: (partition: PartitionSession) => Promise<T>,
): Promise<T> {
  const partition = chosenPartition(readable(context), key);
  refuseInvalid(idViolations, idArgument);
  return load(context.aws.in(partition));
}

// Each entity: its key (the ID and the partition, as a global ID carries them), and its per-request loader, so the
// router's references are fetched in batches.
builder.asEntity(WorkspaceRef, {
  key: builder.selection<EntityKey & { workspaceId: string }>("workspaceId region accountId"),
  resolveReference: (key, context) =>
    referenced(context, key, checkWorkspaceId(key.workspaceId), { WorkspaceId: "workspaceId" }, (partition) =>
      partition.workspaces.load(key.workspaceId),
    ),
});
builder.asEntity(BundleRef, {
  key: builder.selection<EntityKey & { bundleId: string }>("bundleId region accountId"),
  resolveReference: (key, context) =>
    referenced(context, key, checkBundleId(key.bundleId), { BundleId: "bundleId" }, (partition) => partition.bundles.load(key.bundleId)),
});
builder.asEntity(DirectoryRef, {
  key: builder.selection<EntityKey & { directoryId: string }>("directoryId region accountId"),
  resolveReference: (key, context) =>
    referenced(context, key, checkDirectoryId(key.directoryId), { DirectoryId: "directoryId" }, (partition) =>
      partition.directories.load(key.directoryId),
    ),
});

/** The types a router may ask `_entities` for. */
const ENTITIES = ["Workspace", "Bundle", "Directory"];

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
  const resolveEntities = entities.resolve!;
  entities.resolve = (source, args: { representations: { __typename: string }[] }, context, info) => {
    const index = args.representations.findIndex(({ __typename }) => !ENTITIES.includes(__typename));
    if (index >= 0) {
      const field = `representations[${index}].__typename`;
      const typename = JSON.stringify(args.representations[index]!.__typename);
      throw gatewayError("VALIDATION", `${field}: ${typename} is not an entity of this subgraph (${ENTITIES.join(", ")})`, {
        field,
        rule: "entity",
      });
    }
    return resolveEntities(source, args, context, info);
  };
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
