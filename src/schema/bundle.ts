import { BundleType, Compute, WorkspaceBundleState } from "@aws-sdk/client-workspaces";
import type { BundleShape } from "../aws/bundles.ts";
import { DESCRIBE_WORKSPACE_BUNDLES, describeBundlesRequest } from "../aws/bundles.ts";
import { qualifiedId } from "../aws/fleet.ts";
import { listItems } from "../aws/reads.ts";
import { DESCRIBE_WORKSPACES, describeWorkspacesRequest } from "../aws/workspaces.ts";
import { checkBundleId, validateDescribeWorkspaceBundles } from "../constraints.ts";
import { builder } from "./builder.ts";
import { AFTER_DESCRIPTION, connectionOf, FIRST_DESCRIPTION, pageSize } from "./connection.ts";
import { connectionCost, fleetConnectionCost } from "./cost.ts";
import { DateTimeScalar } from "./date-time.ts";
import { BundleStateEnum, BundleTypeEnum, ComputeEnum, knownValue } from "./enums.ts";
import { gatewayError, refuseInvalid } from "./errors.ts";
import { nodeLoadMany } from "./global-id.ts";
import {
  choiceArgs,
  chosenPartition,
  listScope,
  missingPartitionsField,
  partitionFields,
  partitionsSpanned,
  scopeArgs,
} from "./partition.ts";
import { WorkspaceConnection } from "./workspace.ts";

/** AWS gives capacities as strings of GiB ("80"). */
function gibOf(capacity: string | undefined, field: string): number {
  const gib = Number(capacity);
  if (capacity === undefined || !Number.isInteger(gib))
    throw gatewayError("UPSTREAM_ERROR", `${field}: AWS sent "${capacity}", not a size in GiB.`);
  return gib;
}

const StorageRef = (name: string, description: string) =>
  builder.objectRef<{ capacity?: string }>(name).implement({
    description,
    fields: (t) => ({
      capacity: t.int({ nullable: false, description: "Size in GiB.", resolve: (s) => gibOf(s.capacity, `${name}.capacity`) }),
    }),
  });

const RootStorageRef = StorageRef("RootStorage", "The root volume (C: or /) a bundle gives its WorkSpaces.");
const UserStorageRef = StorageRef("UserStorage", "The user volume (D: or /home) a bundle gives its WorkSpaces.");

const ComputeTypeRef = builder.objectRef<{ name?: string }>("ComputeType").implement({
  description: "The compute type a bundle gives its WorkSpaces.",
  fields: (t) => ({
    name: t.field({ type: ComputeEnum, nullable: true, description: "The compute type.", resolve: (c) => knownValue(Compute, c.name) }),
  }),
});

const BundleOwner = builder.enumType("BundleOwner", {
  description: "Who provides a bundle.",
  values: {
    AMAZON: { description: "AWS's public bundles." },
    ACCOUNT: { description: "The account's own bundles." },
  } as const,
});

export const BundleRef = builder.objectRef<BundleShape>("Bundle");

builder.node(BundleRef, {
  description:
    "A WorkSpace bundle: the image, compute type and storage a WorkSpace is created from. Its partition is the account and region it " +
    "was read in: AWS's public bundles are in every account of their region, so they show once per partition.",
  id: { resolve: (bundle) => qualifiedId(bundle.partition, bundle.bundleId!) },
  loadMany: nodeLoadMany("Bundle", (partition, bundleId) => partition.loader(DESCRIBE_WORKSPACE_BUNDLES).load(bundleId)),
  fields: (t) => ({
    bundleId: t.string({ nullable: false, description: "AWS's ID of the bundle (wsb-...).", resolve: (b) => b.bundleId! }),
    name: t.exposeString("name", { nullable: true, description: "The bundle's name." }),
    owner: t.string({
      nullable: false,
      description: "AMAZON for AWS's public bundles, else the ID of the account that owns it (see ownerType).",
      resolve: (b) => b.owner!,
    }),
    ownerType: t.field({
      type: BundleOwner,
      nullable: false,
      description: "Who provides the bundle, as an enum: AMAZON or ACCOUNT.",
      resolve: (b) => (b.owner === "AMAZON" ? "AMAZON" : "ACCOUNT"),
    }),
    description: t.exposeString("description", { nullable: true, description: "What the bundle holds, in AWS's or its owner's words." }),
    imageId: t.exposeString("imageId", { nullable: true, description: "The image its WorkSpaces are made from (wsi-...)." }),
    rootStorage: t.expose("rootStorage", { type: RootStorageRef, nullable: true, description: "The root volume it gives." }),
    userStorage: t.expose("userStorage", { type: UserStorageRef, nullable: true, description: "The user volume it gives." }),
    computeType: t.expose("computeType", { type: ComputeTypeRef, nullable: true, description: "The compute type it gives." }),
    lastUpdatedTime: t.expose("lastUpdatedTime", {
      type: DateTimeScalar,
      nullable: true,
      description: "When its image was last updated (for AWS's bundles, when AWS last updated it).",
    }),
    creationTime: t.expose("creationTime", { type: DateTimeScalar, nullable: true, description: "When it was created." }),
    state: t.field({
      type: BundleStateEnum,
      nullable: true,
      description: "Whether it can be used yet (PENDING while its image is made).",
      resolve: (b) => knownValue(WorkspaceBundleState, b.state),
    }),
    bundleType: t.field({
      type: BundleTypeEnum,
      nullable: true,
      description: "For regular WorkSpaces, or for standby WorkSpaces.",
      resolve: (b) => knownValue(BundleType, b.bundleType),
    }),
    workspaces: t.field({
      type: WorkspaceConnection,
      nullable: true,
      // Fields that read more from AWS need the read scope, also under a mutation's result.
      authScopes: { read: true },
      description: "The WorkSpaces created from this bundle in its partition; null (with an error) when AWS could not list them.",
      args: { first: t.arg.int({ description: FIRST_DESCRIPTION }), after: t.arg.string({ description: AFTER_DESCRIPTION }) },
      complexity: connectionCost,
      resolve: async (bundle, { first, after }, context) => {
        const scope = context.aws.services.fleet.scopeOf(bundle.partition);
        const request = describeWorkspacesRequest({ bundleId: bundle.bundleId! });
        return connectionOf(await listItems(context.aws, DESCRIBE_WORKSPACES, scope, request, pageSize(first), after));
      },
    }),
  }),
});

partitionFields(BundleRef, "the bundle");

const BundleConnection = builder.connectionObject(
  {
    type: BundleRef,
    name: "BundleConnection",
    description: "A page of bundles, partition by partition.",
    fields: (t) => ({ missingPartitions: missingPartitionsField(t) }),
  },
  { name: "BundleEdge", description: "A bundle in a page, with the cursor to resume after it." },
);

const BundlesFilter = builder.inputType("BundlesFilter", {
  isOneOf: true,
  description: "One filter at a time, as AWS takes them; with none, the account's own bundles.",
  fields: (t) => ({
    bundleIds: t.stringList({ description: "1 to 25 bundle IDs." }),
    owner: t.field({ type: BundleOwner, description: "AWS's public bundles, or the account's own." }),
  }),
});

builder.queryFields((t) => ({
  bundle: t.field({
    type: BundleRef,
    nullable: true,
    description: "A bundle by AWS's ID, in the partition named; null when AWS has no such bundle there.",
    args: { bundleId: t.arg.string({ required: true, description: "AWS's ID of the bundle (wsb-...)." }), ...choiceArgs },
    complexity: 1,
    resolve: (_root, { bundleId, region, accountId }, context) => {
      const partition = chosenPartition(context, { region, accountId });
      refuseInvalid(checkBundleId(bundleId), { BundleId: "bundleId" });
      return context.aws.in(partition).loader(DESCRIBE_WORKSPACE_BUNDLES).load(bundleId);
    },
  }),
  bundles: t.field({
    type: BundleConnection,
    nullable: true,
    description:
      "Bundles of every partition served (or those named), a page at a time, partition by partition; a partition that fails is " +
      "listed in missingPartitions, and the list is null (with an error) only when none could be listed.",
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
      filter: t.arg({ type: BundlesFilter, description: "Which bundles; each account's own without it." }),
      ...scopeArgs,
    },
    complexity: (args, context) => fleetConnectionCost(args, partitionsSpanned(args, context)),
    resolve: async (_root, { first, after, filter, regions, accountIds }, context) => {
      const size = pageSize(first);
      const scope = listScope(context, { regions, accountIds });
      const request = describeBundlesRequest(filter);
      refuseInvalid(validateDescribeWorkspaceBundles(request), { BundleIds: "filter.bundleIds" });
      return connectionOf(await listItems(context.aws, DESCRIBE_WORKSPACE_BUNDLES, scope, request, size, after));
    },
  }),
}));
