import { Compute } from "@aws-sdk/client-workspaces";
import type { BundleShape } from "../aws/bundles.ts";
import { validationError } from "../aws/session.ts";
import { checkBundleId } from "../constraints.ts";
import { builder } from "./builder.ts";
import { connectionOf } from "./connection.ts";
import { ComputeEnum, knownValue } from "./enums.ts";
import { WorkspaceConnection } from "./workspace.ts";

const StorageRef = (name: string) =>
  builder.objectRef<{ capacity?: string }>(name).implement({
    fields: (t) => ({ capacity: t.exposeString("capacity", { nullable: true, description: "Size in GiB, as AWS gives it." }) }),
  });

const RootStorageRef = StorageRef("RootStorage");
const UserStorageRef = StorageRef("UserStorage");

const ComputeTypeRef = builder.objectRef<{ name?: string }>("ComputeType").implement({
  fields: (t) => ({
    name: t.field({ type: ComputeEnum, nullable: true, resolve: (c) => knownValue(Compute, c.name) }),
  }),
});

export const BundleRef = builder.objectRef<BundleShape>("Bundle");

builder.node(BundleRef, {
  description: "A WorkSpace bundle: the image, compute type and storage a WorkSpace is created from.",
  id: { resolve: (bundle) => bundle.bundleId! },
  loadMany: (ids, context) => ids.map((id) => context.aws.bundles.load(id)),
  fields: (t) => ({
    bundleId: t.string({ nullable: false, description: "AWS's ID of the bundle (wsb-...).", resolve: (b) => b.bundleId! }),
    name: t.exposeString("name", { nullable: true }),
    owner: t.exposeString("owner", { nullable: true, description: "AMAZON for AWS's public bundles, else the account ID." }),
    description: t.exposeString("description", { nullable: true }),
    rootStorage: t.expose("rootStorage", { type: RootStorageRef, nullable: true }),
    userStorage: t.expose("userStorage", { type: UserStorageRef, nullable: true }),
    computeType: t.expose("computeType", { type: ComputeTypeRef, nullable: true }),
    workspaces: t.field({
      type: WorkspaceConnection,
      nullable: false,
      // Fields that read more from AWS need the read scope, also under a mutation's result.
      authScopes: { read: true },
      description: "The WorkSpaces created from this bundle.",
      args: { first: t.arg.int(), after: t.arg.string() },
      resolve: async (bundle, { first, after }, context) =>
        connectionOf(await context.aws.listWorkspaces({ bundleId: bundle.bundleId! }, first, after)),
    }),
  }),
});

const BundleConnection = builder.connectionObject({ type: BundleRef, name: "BundleConnection" }, { name: "BundleEdge" });

const BundleOwner = builder.enumType("BundleOwner", {
  values: {
    AMAZON: { description: "AWS's public bundles." },
    ACCOUNT: { description: "The account's own bundles." },
  } as const,
});

const BundlesFilter = builder.inputType("BundlesFilter", {
  isOneOf: true,
  description: "One filter at a time, as AWS takes them; with none, the account's own bundles.",
  fields: (t) => ({
    bundleIds: t.stringList({ description: "1 to 25 bundle IDs." }),
    owner: t.field({ type: BundleOwner }),
  }),
});

builder.queryFields((t) => ({
  bundle: t.field({
    type: BundleRef,
    nullable: true,
    description: "A bundle by AWS's ID; null when AWS has no such bundle.",
    args: { bundleId: t.arg.string({ required: true }) },
    resolve: (_root, { bundleId }, context) => {
      const violations = checkBundleId(bundleId);
      if (violations.length > 0) throw validationError(violations, { BundleId: "bundleId" });
      return context.aws.bundles.load(bundleId);
    },
  }),
  bundles: t.field({
    type: BundleConnection,
    nullable: false,
    description: "Bundles, a page at a time (first: 1 to 100, default 25).",
    args: { first: t.arg.int(), after: t.arg.string(), filter: t.arg({ type: BundlesFilter }) },
    resolve: async (_root, { first, after, filter }, context) => connectionOf(await context.aws.listBundles(filter, first, after)),
  }),
}));
