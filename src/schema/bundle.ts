import { BundleType, Compute, WorkspaceBundleState } from "@aws-sdk/client-workspaces";
import { DESCRIBE_WORKSPACE_BUNDLES, describeBundlesRequest } from "../aws/bundles.ts";
import { qualifiedId } from "../aws/fleet.ts";
import { DESCRIBE_WORKSPACES, describeWorkspacesRequest } from "../aws/workspaces.ts";
import { validateDescribeWorkspaceBundles } from "../constraints.ts";
import { builder } from "./builder.ts";
import { fleetConnection } from "./connection.ts";
import { DateTimeScalar } from "./date-time.ts";
import { BundleStateEnum, BundleTypeEnum, ComputeEnum, knownValue } from "./enums.ts";
import { gatewayError } from "./errors.ts";
import { nodeLoadMany } from "./global-id.ts";
import { listField, partitionListField } from "./list-field.ts";
import { lookupField } from "./lookup-field.ts";
import { partitionFields } from "./partition.ts";
import { BundleRef, workspaceConnection } from "./refs.ts";

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
    workspaces: partitionListField(
      t,
      workspaceConnection(),
      DESCRIBE_WORKSPACES,
      "The WorkSpaces created from this bundle in its partition; null (with an error) when AWS could not list them.",
      (bundle) => describeWorkspacesRequest({ bundleId: bundle.bundleId! }),
    ),
  }),
});

partitionFields(BundleRef, "the bundle");

const BundleConnection = fleetConnection(BundleRef, "Bundle", { item: "bundle", items: "bundles" });

const BundlesFilter = builder.inputType("BundlesFilter", {
  isOneOf: true,
  description: "One filter at a time, as AWS takes them; with none, the account's own bundles.",
  fields: (t) => ({
    bundleIds: t.stringList({ description: "1 to 25 bundle IDs." }),
    owner: t.field({ type: BundleOwner, description: "AWS's public bundles, or the account's own." }),
  }),
});

builder.queryFields((t) => ({
  bundle: lookupField(t, BundleRef, DESCRIBE_WORKSPACE_BUNDLES, {
    description: "A bundle by AWS's ID, in the partition named; null when AWS has no such bundle there.",
    id: "AWS's ID of the bundle (wsb-...).",
  }),
  bundles: listField(
    t,
    BundleConnection,
    DESCRIBE_WORKSPACE_BUNDLES,
    "Bundles of every partition served (or those named), a page at a time, partition by partition; a partition that fails is " +
      "listed in missingPartitions, and the list is null (with an error) only when none could be listed.",
    {
      argument: t.arg({ type: BundlesFilter, description: "Which bundles; each account's own without it." }),
      request: describeBundlesRequest,
      rules: validateDescribeWorkspaceBundles,
      argumentPaths: { BundleIds: "filter.bundleIds" },
    },
  ),
}));
