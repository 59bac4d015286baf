// The same schema as an Apollo Federation v2 subgraph (FEDERATION_SUBGRAPH=true): WorkSpaces, bundles and directories are entities
// a router resolves here by key, so another team's subgraph can add fields to them (a WorkSpace's owner in an HR system).
import type { GraphQLFieldResolver, GraphQLSchema } from "graphql";
import { isInputObjectType } from "graphql";
import { DESCRIBE_WORKSPACE_BUNDLES } from "../aws/bundles.ts";
import { DESCRIBE_WORKSPACE_DIRECTORIES } from "../aws/directories.ts";
import type { Fleet } from "../aws/fleet.ts";
import { isPartition } from "../aws/fleet.ts";
import { DESCRIBE_WORKSPACES } from "../aws/workspaces.ts";
import type { Violation } from "../constraints.ts";
import { checkBundleId, checkDirectoryId, checkWorkspaceId, violation } from "../constraints.ts";
import type { GatewayContext } from "./builder.ts";
import { builder } from "./builder.ts";
import { lookupCalls } from "./cost.ts";
import { gatewayError, validationError } from "./errors.ts";
import { schema as gatewaySchema } from "./index.ts";
import { chosenPartition } from "./partition.ts";
import { BundleRef, DirectoryRef, WorkspaceRef } from "./refs.ts";

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

/** A reference's partition: the region and account its key names (either may be left out while that leaves one). */
interface EntityKey {
  region?: string;
  accountId?: string;
}

/** A checked reference's loaders: those of the partition its key names, in the request that asks. */
function referenced(context: GatewayContext, key: EntityKey) {
  return context.aws.in(chosenPartition(readable(context), key));
}

// Each entity: its key (the ID and the partition, as a global ID carries them), and its per-request loader, so the
// router's references are fetched in batches.
builder.asEntity(WorkspaceRef, {
  key: builder.selection<EntityKey & { workspaceId: string }>("workspaceId region accountId"),
  resolveReference: (key, context) => referenced(context, key).loader(DESCRIBE_WORKSPACES).load(key.workspaceId),
});
builder.asEntity(BundleRef, {
  key: builder.selection<EntityKey & { bundleId: string }>("bundleId region accountId"),
  resolveReference: (key, context) => referenced(context, key).loader(DESCRIBE_WORKSPACE_BUNDLES).load(key.bundleId),
});
builder.asEntity(DirectoryRef, {
  key: builder.selection<EntityKey & { directoryId: string }>("directoryId region accountId"),
  resolveReference: (key, context) => referenced(context, key).loader(DESCRIBE_WORKSPACE_DIRECTORIES).load(key.directoryId),
});

/** Each entity's ID key, and the rule its value must follow (as the lookup by ID checks it). */
const ENTITY_KEYS: Record<string, { key: string; check: (value: unknown, field: string) => Violation[] }> = {
  Workspace: { key: "workspaceId", check: checkWorkspaceId },
  Bundle: { key: "bundleId", check: checkBundleId },
  Directory: { key: "directoryId", check: checkDirectoryId },
};

/** What is wrong with the router's representation `index`, if anything: a type that is no entity here, its ID, its partition. */
function representationViolations(representation: Record<string, unknown>, index: number, fleet: Fleet): Violation[] {
  const at = `representations[${index}]`;
  const { __typename } = representation;
  const entity = typeof __typename === "string" ? ENTITY_KEYS[__typename] : undefined;
  if (!entity)
    return [violation(`${at}.__typename`, "entity", `must be an entity of this subgraph: ${Object.keys(ENTITY_KEYS).join(", ")}`)];
  const field = `${at}.${entity.key}`;
  if (representation[entity.key] === undefined) return [violation(field, "required", `is required: the key of ${__typename}`)];
  const id = entity.check(representation[entity.key], field);
  if (id.length > 0) return id;
  const found = fleet.locate(representation as EntityKey, at);
  return isPartition(found) ? [] : [found];
}

/**
 * `_entities` refusing a representation it cannot look up with a VALIDATION error at that item (the others resolve),
 * before @apollo/subgraph's resolver would throw an untyped error or look up a key that is missing or malformed.
 */
function checkedEntities(resolve: GraphQLFieldResolver<unknown, GatewayContext>): GraphQLFieldResolver<unknown, GatewayContext> {
  return (source, args: { representations: Record<string, unknown>[] }, context, info) => {
    const { fleet } = readable(context).aws.services;
    const refused = args.representations.map((representation, i) => representationViolations(representation, i, fleet));
    if (refused.every((violations) => violations.length === 0)) return resolve(source, args, context, info);
    const valid = args.representations.filter((_, i) => refused[i]!.length === 0);
    const resolved = (valid.length > 0 ? resolve(source, { ...args, representations: valid }, context, info) : []) as unknown[];
    let next = 0;
    // graphql-js makes an Error in a list that item's error.
    return refused.map((violations) => (violations.length > 0 ? validationError(violations) : resolved[next++]));
  };
}

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
  // The schema is what introspection shows, so it needs the read scope as introspection's fields do.
  const service = schema.getQueryType()!.getFields()._service!;
  const serviceResolve = service.resolve!;
  service.resolve = (source, args, context: GatewayContext, info) => {
    if (!context.principal.scopes.has("read")) {
      throw gatewayError("FORBIDDEN", "_service: needs the read scope, which this credential does not have", {
        field: "_service",
        rule: "scope",
      });
    }
    return serviceResolve(source, args, context, info);
  };
  // The router's references, looked up 25 per AWS call and type, as nodes(ids:) does: declared as every field's cost is.
  const entities = schema.getQueryType()!.getFields()._entities!;
  entities.resolve = checkedEntities(entities.resolve as GraphQLFieldResolver<unknown, GatewayContext>);
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
