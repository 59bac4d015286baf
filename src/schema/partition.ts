// Where things live across the fleet: every node's region and account, the arguments that narrow a list to some
// partitions or name the one a lookup or an item goes to, and the typed report of a partition a list could not reach.
import type { ObjectRef } from "@pothos/core";
import type { ListScope, Located, Partition, PartitionChoice, PartitionScope } from "../aws/fleet.ts";
import { isPartition } from "../aws/fleet.ts";
import type { MissingPartition } from "../aws/pagination.ts";
import { codeOf } from "../error-codes.ts";
import type { GatewayContext, SchemaTypes } from "./builder.ts";
import { builder } from "./builder.ts";
import { refuseInvalid } from "./errors.ts";
import type { ErrorShape } from "./failures.ts";
import { ErrorInterface } from "./failures.ts";

/** `region` and `accountId` on a type read from a partition: where AWS keeps it, and where its lookups go. */
export function partitionFields<T extends Located>(ref: ObjectRef<SchemaTypes, T>, what: string) {
  builder.objectFields(ref, (t) => ({
    region: t.string({
      nullable: false,
      description: `The AWS Region ${what} is in (us-east-1, eu-west-1, ...).`,
      resolve: (located) => located.partition.region,
    }),
    accountId: t.string({
      nullable: false,
      description: `The AWS account ${what} belongs to (12 digits).`,
      resolve: (located) => located.partition.accountId,
    }),
  }));
}

/** The arguments that narrow a list to some partitions. */
export const scopeArgs = builder.args((t) => ({
  regions: t.stringList({ description: "Only the partitions of these regions; every region the gateway serves without." }),
  accountIds: t.stringList({ description: "Only the partitions of these accounts; every account the gateway serves without." }),
}));

/** The arguments that name the partition of a lookup or an item; either may be left out while it leaves one partition. */
export const choiceArgs = builder.args((t) => ({
  region: t.string({ description: "Its AWS Region; needed when the gateway serves several regions." }),
  accountId: t.string({ description: "Its AWS account; needed when the gateway serves several accounts." }),
}));

/** The same, as fields of an input item. */
export const choiceFields = (t: PothosSchemaTypes.InputFieldBuilder<SchemaTypes, "InputObject">) => ({
  region: t.string({ description: "Its AWS Region; needed when the gateway serves several regions." }),
  accountId: t.string({ description: "Its AWS account; needed when the gateway serves several accounts." }),
});

/** A list's partitions, or the validation error for a region or account the gateway does not serve. */
export function listScope(context: GatewayContext, scope: PartitionScope): ListScope {
  const { fleet } = context.aws.services;
  refuseInvalid(fleet.checkScope(scope), { Regions: "regions", AccountIds: "accountIds" });
  return fleet.scope(scope);
}

/** How many partitions a list's arguments span, for its cost; one where no request's context says (a cost computed alone). */
export function partitionsSpanned(scope: PartitionScope, context: object): number {
  const fleet = (context as Partial<GatewayContext>).aws?.services.fleet;
  return Math.max(1, fleet?.select(scope).length ?? 1);
}

/** The partition a lookup's arguments name, or the validation error that says why they name none. */
export function chosenPartition(context: GatewayContext, choice: PartitionChoice): Partition {
  const found = context.aws.services.fleet.locate(choice, "");
  refuseInvalid(isPartition(found) ? [] : [found], { Region: "region", AccountId: "accountId" });
  return found as Partition;
}

export const WorkspaceLocatorInput = builder.inputType("WorkspaceLocatorInput", {
  description: "A WorkSpace by AWS's ID, in its partition (the region and account it is in).",
  fields: (t) => ({
    workspaceId: t.string({ required: true, description: "AWS's ID of the WorkSpace (ws-...)." }),
    ...choiceFields(t),
  }),
});

interface MissingPartitionShape extends ErrorShape {
  region: string;
  accountId: string;
}

const MissingPartitionRef = builder.objectRef<MissingPartitionShape>("MissingPartition").implement({
  description:
    "A partition (an account in a region) a list could not reach this time, and why: its items are not in this page, and the next " +
    "page (or this one asked again) asks it again.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    region: t.exposeString("region", { nullable: false, description: "The partition's AWS Region." }),
    accountId: t.exposeString("accountId", { nullable: false, description: "The partition's AWS account." }),
  }),
});

/** The connection field that says which partitions a page lacks (connectionOf's `missingPartitions`). */
export const missingPartitionsField = <Shape extends object>(t: PothosSchemaTypes.ObjectFieldBuilder<SchemaTypes, Shape>) =>
  t.field({
    type: [MissingPartitionRef],
    nullable: false,
    description:
      "The partitions this page could not list (access denied, throttled past the retries, unreachable), with why; empty when every " +
      "partition answered. Never skipped: the next page asks them again.",
    resolve: (connection): MissingPartitionShape[] =>
      (connection as { missingPartitions: MissingPartition[] }).missingPartitions.map(({ partition, failure }) => ({
        region: partition.region,
        accountId: partition.accountId,
        message: failure.message,
        code: codeOf(failure),
        awsErrorCode: failure.awsErrorCode ?? null,
      })),
  });
