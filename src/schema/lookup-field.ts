// The root fields that look one item up by AWS's ID in the partition named (workspace, bundle, directory): each is
// its read's description (its loader, the rule its ID follows), its type and its words.
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-workspaces";
import type { ObjectRef } from "@pothos/core";
import type { ItemOf, ListMember, Read } from "../aws/reads.ts";
import type { SchemaTypes } from "./builder.ts";
import { refuseInvalid } from "./errors.ts";
import { choiceArgs, chosenPartition } from "./partition.ts";

/** A field of `read`'s item by its ID, in an argument named as the item's ID member (`workspaceId`); null when AWS has none. */
export function lookupField<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>>(
  t: PothosSchemaTypes.QueryFieldBuilder<SchemaTypes, object>,
  type: ObjectRef<SchemaTypes, ItemOf<Output, Items>>,
  read: Read<Input, Output, Items>,
  words: { description: string; id: string },
) {
  const idArgument: string = read.id;
  return t.field({
    type: type as ObjectRef<SchemaTypes, object>,
    nullable: true,
    description: words.description,
    args: { [idArgument]: t.arg.string({ required: true, description: words.id }), ...choiceArgs },
    // One AWS call at most, shared with the request's other lookups in the partition.
    complexity: 1,
    resolve: (_root, args, context) => {
      const partition = chosenPartition(context, { region: args.region, accountId: args.accountId });
      const id = (args as Record<string, string>)[idArgument]!;
      refuseInvalid(read.check(id));
      return context.aws.in(partition).loader(read).load(id);
    },
  });
}
