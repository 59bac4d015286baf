import { Compute, RunningMode, WorkspaceState } from "@aws-sdk/client-workspaces";
import { validationError } from "../aws/session.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { checkWorkspaceId } from "../constraints.ts";
import { builder } from "./builder.ts";
import { BundleRef } from "./bundle.ts";
import { connectionOf } from "./connection.ts";
import { ComputeEnum, knownValue, RunningModeEnum, WorkspaceStateEnum } from "./enums.ts";
import { ModificationStateRef, modificationStatesOf } from "./modification-state.ts";

type WorkspacePropertiesShape = NonNullable<WorkspaceShape["workspaceProperties"]>;

export const WorkspacePropertiesRef = builder.objectRef<WorkspacePropertiesShape>("WorkspaceProperties").implement({
  description: "How a WorkSpace runs and what it is sized at.",
  fields: (t) => ({
    runningMode: t.field({ type: RunningModeEnum, nullable: true, resolve: (p) => knownValue(RunningMode, p.runningMode) }),
    runningModeAutoStopTimeoutInMinutes: t.exposeInt("runningModeAutoStopTimeoutInMinutes", { nullable: true }),
    rootVolumeSizeGib: t.exposeInt("rootVolumeSizeGib", { nullable: true }),
    userVolumeSizeGib: t.exposeInt("userVolumeSizeGib", { nullable: true }),
    computeTypeName: t.field({ type: ComputeEnum, nullable: true, resolve: (p) => knownValue(Compute, p.computeTypeName) }),
  }),
});

export const WorkspaceRef = builder.objectRef<WorkspaceShape>("Workspace");

builder.node(WorkspaceRef, {
  description: "An Amazon WorkSpace: a cloud desktop of one user in one directory.",
  id: { resolve: (workspace) => workspace.workspaceId! },
  loadMany: (ids, context) => ids.map((id) => context.aws.workspaces.load(id)),
  fields: (t) => ({
    workspaceId: t.string({ nullable: false, description: "AWS's ID of the WorkSpace (ws-...).", resolve: (w) => w.workspaceId! }),
    directoryId: t.exposeString("directoryId", { nullable: true }),
    userName: t.exposeString("userName", { nullable: true }),
    ipAddress: t.exposeString("ipAddress", { nullable: true }),
    state: t.field({ type: WorkspaceStateEnum, nullable: true, resolve: (w) => knownValue(WorkspaceState, w.state) }),
    bundleId: t.exposeString("bundleId", { nullable: true }),
    subnetId: t.exposeString("subnetId", { nullable: true }),
    errorMessage: t.exposeString("errorMessage", { nullable: true }),
    errorCode: t.exposeString("errorCode", { nullable: true }),
    computerName: t.exposeString("computerName", { nullable: true }),
    volumeEncryptionKey: t.exposeString("volumeEncryptionKey", { nullable: true }),
    userVolumeEncryptionEnabled: t.exposeBoolean("userVolumeEncryptionEnabled", { nullable: true }),
    rootVolumeEncryptionEnabled: t.exposeBoolean("rootVolumeEncryptionEnabled", { nullable: true }),
    workspaceProperties: t.expose("workspaceProperties", { type: WorkspacePropertiesRef, nullable: true }),
    modificationStates: t.field({
      type: [ModificationStateRef],
      nullable: false,
      description: "Changes in progress; empty when none.",
      resolve: modificationStatesOf,
    }),
    bundle: t.field({
      type: BundleRef,
      nullable: true,
      authScopes: { read: true },
      description: "The bundle the WorkSpace was created from; null when AWS no longer has it.",
      resolve: (w, _args, context) => (w.bundleId ? context.aws.bundles.load(w.bundleId) : null),
    }),
  }),
});

export const WorkspaceConnection = builder.connectionObject({ type: WorkspaceRef, name: "WorkspaceConnection" }, { name: "WorkspaceEdge" });

const DirectoryFilter = builder.inputType("DirectoryFilter", {
  fields: (t) => ({
    directoryId: t.string({ required: true }),
    userName: t.string({ description: "Only this user's WorkSpaces in the directory." }),
  }),
});

export const WorkspacesFilter = builder.inputType("WorkspacesFilter", {
  isOneOf: true,
  description: "One filter at a time, as AWS takes them.",
  fields: (t) => ({
    workspaceIds: t.stringList({ description: "1 to 25 WorkSpace IDs." }),
    directory: t.field({ type: DirectoryFilter }),
    bundleId: t.string(),
  }),
});

builder.queryFields((t) => ({
  workspace: t.field({
    type: WorkspaceRef,
    nullable: true,
    description: "A WorkSpace by AWS's ID; null when AWS has no such WorkSpace.",
    args: { workspaceId: t.arg.string({ required: true }) },
    resolve: (_root, { workspaceId }, context) => {
      const violations = checkWorkspaceId(workspaceId);
      if (violations.length > 0) throw validationError(violations, { WorkspaceId: "workspaceId" });
      return context.aws.workspaces.load(workspaceId);
    },
  }),
  workspaces: t.field({
    type: WorkspaceConnection,
    nullable: false,
    description: "WorkSpaces, a page at a time (first: 1 to 100, default 25).",
    args: { first: t.arg.int(), after: t.arg.string(), filter: t.arg({ type: WorkspacesFilter }) },
    resolve: async (_root, { first, after, filter }, context) => connectionOf(await context.aws.listWorkspaces(filter, first, after)),
  }),
}));
