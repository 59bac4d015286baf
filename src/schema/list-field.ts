// The fields that list a read's items a page at a time: at the root, across the partitions served (or those named),
// filtered as AWS filters; under an item, in that item's partition (a bundle's WorkSpaces).
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-workspaces";
import type { ArgumentRef, ObjectRef } from "@pothos/core";
import type { Located } from "../aws/fleet.ts";
import type { ListMember, Read } from "../aws/reads.ts";
import { listItems } from "../aws/reads.ts";
import type { Violation } from "../constraints.ts";
import type { SchemaTypes } from "./builder.ts";
import { AFTER_DESCRIPTION, connectionOf, FIRST_DESCRIPTION, pageSize } from "./connection.ts";
import { connectionCost, fleetConnectionCost } from "./cost.ts";
import { refuseInvalid } from "./errors.ts";
import { listScope, partitionsSpanned, scopeArgs } from "./partition.ts";

type ListRead<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>> = Read<
  Input,
  Output,
  Items
> & { listing: string };

/** How a root list takes its filter: the argument, the request it makes, and AWS's rules for that request. */
export interface ListFilter<Filter, Input> {
  argument: ArgumentRef<SchemaTypes, Filter | null | undefined>;
  request: (filter: Filter | null | undefined) => Input;
  rules: (request: Input) => Violation[];
  /** The arguments the request's members come from, for a violation's path. */
  argumentPaths: Record<string, string>;
}

/** A root field listing `read`'s items; a partition that fails is in the page's missingPartitions. */
export function listField<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>, Filter>(
  t: PothosSchemaTypes.QueryFieldBuilder<SchemaTypes, object>,
  connection: ObjectRef<SchemaTypes, object>,
  read: ListRead<Input, Output, Items>,
  description: string,
  filter: ListFilter<Filter, Input>,
) {
  return t.field({
    type: connection,
    nullable: true,
    description,
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
      filter: filter.argument,
      ...scopeArgs,
    },
    complexity: (args, context) => fleetConnectionCost(args, partitionsSpanned(args, context)),
    resolve: async (_root, args, context) => {
      const size = pageSize(args.first);
      const scope = listScope(context, args);
      const request = filter.request((args as { filter?: Filter | null }).filter);
      refuseInvalid(filter.rules(request), filter.argumentPaths);
      return connectionOf(await listItems(context.aws, read, scope, request, size, args.after));
    },
  });
}

/** A field of an item listing `read`'s items of the item's partition that `request` asks for. */
export function partitionListField<
  Parent extends Located,
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes,
  Items extends ListMember<Output>,
>(
  t: PothosSchemaTypes.ObjectFieldBuilder<SchemaTypes, Parent>,
  connection: ObjectRef<SchemaTypes, object>,
  read: ListRead<Input, Output, Items>,
  description: string,
  request: (parent: Parent) => Input,
) {
  return t.field({
    type: connection,
    nullable: true,
    // Fields that read more from AWS need the read scope, also under a mutation's result.
    authScopes: { read: true },
    description,
    args: { first: t.arg.int({ description: FIRST_DESCRIPTION }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
    complexity: connectionCost,
    resolve: async (parent, { first, after }, context) => {
      const scope = context.aws.services.fleet.scopeOf(parent.partition);
      return connectionOf(await listItems(context.aws, read, scope, request(parent), pageSize(first), after));
    },
  });
}
