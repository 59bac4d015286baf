import {
  AGAModeForWorkSpaceEnum,
  AGAPreferredProtocolForWorkSpace,
  Compute,
  DataReplication,
  OperatingSystemName,
  Protocol,
  RunningMode,
  StandbyWorkspaceRelationshipType,
  WorkspaceState,
} from "@aws-sdk/client-workspaces";
import { DESCRIBE_WORKSPACE_BUNDLES } from "../aws/bundles.ts";
import { qualifiedId } from "../aws/fleet.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { DESCRIBE_WORKSPACES, describeWorkspacesRequest } from "../aws/workspaces.ts";
import { validateDescribeWorkspaces, WORKSPACE_NAME_PATTERN } from "../constraints.ts";
import { builder } from "./builder.ts";
import { LOOKUP_COST } from "./cost.ts";
import { DateTimeScalar } from "./date-time.ts";
import {
  ComputeEnum,
  DataReplicationEnum,
  GlobalAcceleratorModeEnum,
  GlobalAcceleratorPreferredProtocolEnum,
  knownValue,
  OperatingSystemNameEnum,
  ProtocolEnum,
  RunningModeEnum,
  requiredValue,
  StandbyWorkspaceRelationshipTypeEnum,
  WorkspaceStateEnum,
} from "./enums.ts";
import { nodeLoadMany } from "./global-id.ts";
import { listField } from "./list-field.ts";
import { lookupField } from "./lookup-field.ts";
import { modificationStatesOf } from "./modification-state.ts";
import { partitionFields } from "./partition.ts";
import { BundleRef, ModificationStateRef, WorkspaceRef, workspaceConnection } from "./refs.ts";

type WorkspacePropertiesShape = NonNullable<WorkspaceShape["workspaceProperties"]>;

const GlobalAcceleratorRef = builder
  .objectRef<NonNullable<WorkspacePropertiesShape["globalAccelerator"]>>("GlobalAcceleratorSettings")
  .implement({
    description: "Whether a WorkSpace streams through AWS Global Accelerator (AWS's GlobalAcceleratorForWorkSpace).",
    fields: (t) => ({
      mode: t.field({
        type: GlobalAcceleratorModeEnum,
        nullable: true,
        description: "Off, on, or as the directory says.",
        resolve: (g) => knownValue(AGAModeForWorkSpaceEnum, g.mode),
      }),
      preferredProtocol: t.field({
        type: GlobalAcceleratorPreferredProtocolEnum,
        nullable: true,
        description: "The protocol preferred through the accelerator.",
        resolve: (g) => knownValue(AGAPreferredProtocolForWorkSpace, g.preferredProtocol),
      }),
    }),
  });

export const WorkspacePropertiesRef = builder.objectRef<WorkspacePropertiesShape>("WorkspaceProperties").implement({
  description: "How a WorkSpace runs and what it is sized at.",
  fields: (t) => ({
    runningMode: t.field({
      type: RunningModeEnum,
      nullable: true,
      description: "Always on, stopped after a time without a user (AUTO_STOP), or started and stopped by hand (MANUAL).",
      resolve: (p) => knownValue(RunningMode, p.runningMode),
    }),
    runningModeAutoStopTimeoutInMinutes: t.exposeInt("runningModeAutoStopTimeoutInMinutes", {
      nullable: true,
      description: "With AUTO_STOP: minutes without a user before the WorkSpace stops, in 60-minute increments.",
    }),
    rootVolumeSizeGib: t.exposeInt("rootVolumeSizeGib", { nullable: true, description: "Size of the root volume (C: or /), in GiB." }),
    userVolumeSizeGib: t.exposeInt("userVolumeSizeGib", { nullable: true, description: "Size of the user volume (D: or /home), in GiB." }),
    computeTypeName: t.field({
      type: ComputeEnum,
      nullable: true,
      description: "The compute type: vCPUs, memory and GPU.",
      resolve: (p) => knownValue(Compute, p.computeTypeName),
    }),
    protocols: t.field({
      type: [ProtocolEnum],
      nullable: { list: true, items: true },
      description: "The protocol it streams over (AWS takes one); changing it passes through a PROTOCOL modification.",
      resolve: (p) => p.protocols?.map((protocol) => knownValue(Protocol, protocol)) ?? null,
    }),
    operatingSystemName: t.field({
      type: OperatingSystemNameEnum,
      nullable: true,
      description: "The operating system it runs.",
      resolve: (p) => knownValue(OperatingSystemName, p.operatingSystemName),
    }),
    globalAccelerator: t.expose("globalAccelerator", {
      type: GlobalAcceleratorRef,
      nullable: true,
      description: "Whether it streams through AWS Global Accelerator; null when never set.",
    }),
  }),
});

const RelatedWorkspaceRef = builder
  .objectRef<NonNullable<WorkspaceShape["relatedWorkspaces"]>[number]>("RelatedWorkspaceProperties")
  .implement({
    description: "A WorkSpace in another Region paired with this one for business continuity.",
    fields: (t) => ({
      workspaceId: t.exposeString("workspaceId", { nullable: true, description: "Its ID, in its own Region." }),
      region: t.exposeString("region", { nullable: true, description: "Its Region (us-west-2, ...)." }),
      state: t.field({
        type: WorkspaceStateEnum,
        nullable: true,
        description: "Its state.",
        resolve: (r) => knownValue(WorkspaceState, r.state),
      }),
      type: t.field({
        type: StandbyWorkspaceRelationshipTypeEnum,
        nullable: true,
        description: "Whether it is this WorkSpace's PRIMARY or its STANDBY.",
        resolve: (r) => knownValue(StandbyWorkspaceRelationshipType, r.type),
      }),
    }),
  });

const DataReplicationSettingsRef = builder
  .objectRef<NonNullable<WorkspaceShape["dataReplicationSettings"]>>("DataReplicationSettings")
  .implement({
    description: "Whether a primary WorkSpace replicates its data to its standby, and the latest recovery point.",
    fields: (t) => ({
      dataReplication: t.field({
        type: DataReplicationEnum,
        nullable: true,
        description: "Replicating (PRIMARY_AS_SOURCE) or not; set with modifyWorkspaceProperties.",
        resolve: (d) => knownValue(DataReplication, d.dataReplication),
      }),
      recoverySnapshotTime: t.expose("recoverySnapshotTime", {
        type: DateTimeScalar,
        nullable: true,
        description: "When the latest snapshot a standby would recover from was taken.",
      }),
    }),
  });

const StandbyWorkspacesPropertiesRef = builder
  .objectRef<NonNullable<WorkspaceShape["standbyWorkspacesProperties"]>[number]>("StandbyWorkspacesProperties")
  .implement({
    description: "A standby WorkSpace of this primary, and how it is kept up to date.",
    fields: (t) => ({
      standbyWorkspaceId: t.exposeString("standbyWorkspaceId", { nullable: true, description: "The standby's ID, in its own Region." }),
      dataReplication: t.field({
        type: DataReplicationEnum,
        nullable: true,
        description: "Whether data is replicated to it.",
        resolve: (s) => knownValue(DataReplication, s.dataReplication),
      }),
      recoverySnapshotTime: t.expose("recoverySnapshotTime", {
        type: DateTimeScalar,
        nullable: true,
        description: "When the latest snapshot it would recover from was taken.",
      }),
    }),
  });

builder.node(WorkspaceRef, {
  description: "An Amazon WorkSpace: a cloud desktop of one user in one directory.",
  id: { resolve: (workspace) => qualifiedId(workspace.partition, workspace.workspaceId!) },
  loadMany: nodeLoadMany("Workspace", (partition, workspaceId) => partition.loader(DESCRIBE_WORKSPACES).load(workspaceId)),
  fields: (t) => ({
    workspaceId: t.string({ nullable: false, description: "AWS's ID of the WorkSpace (ws-...).", resolve: (w) => w.workspaceId! }),
    directoryId: t.string({ nullable: false, description: "The directory the user belongs to (d-...).", resolve: (w) => w.directoryId! }),
    userName: t.string({ nullable: false, description: "The user the WorkSpace is for, in the directory.", resolve: (w) => w.userName! }),
    ipAddress: t.exposeString("ipAddress", { nullable: true, description: "The WorkSpace's private IPv4 address, once it has one." }),
    ipv6Address: t.exposeString("ipv6Address", {
      nullable: true,
      description: "Its IPv6 address, in a dual-stack directory (or as given at creation).",
    }),
    state: t.field({
      type: WorkspaceStateEnum,
      nullable: false,
      description: "Where the WorkSpace is in its lifecycle.",
      resolve: (w) => requiredValue(WorkspaceState, w.state, "state"),
    }),
    bundleId: t.string({ nullable: false, description: "The bundle it was created from (wsb-...).", resolve: (w) => w.bundleId! }),
    subnetId: t.exposeString("subnetId", { nullable: true, description: "The subnet of its network interface." }),
    errorMessage: t.exposeString("errorMessage", { nullable: true, description: "Why AWS could not create it, if it could not." }),
    errorCode: t.exposeString("errorCode", { nullable: true, description: "AWS's code for why it could not create it, if it could not." }),
    computerName: t.exposeString("computerName", { nullable: true, description: "The computer name in the directory." }),
    volumeEncryptionKey: t.exposeString("volumeEncryptionKey", {
      nullable: true,
      description: "The KMS key that encrypts its volumes, when they are encrypted.",
    }),
    userVolumeEncryptionEnabled: t.exposeBoolean("userVolumeEncryptionEnabled", {
      nullable: true,
      description: "Whether the user volume is encrypted.",
    }),
    rootVolumeEncryptionEnabled: t.exposeBoolean("rootVolumeEncryptionEnabled", {
      nullable: true,
      description: "Whether the root volume is encrypted.",
    }),
    workspaceName: t.exposeString("workspaceName", { nullable: true, description: "The name it was given at creation, if any." }),
    workspaceProperties: t.expose("workspaceProperties", {
      type: WorkspacePropertiesRef,
      nullable: true,
      description: "How it runs and what it is sized at.",
    }),
    modificationStates: t.field({
      type: [ModificationStateRef],
      nullable: false,
      description: "Changes in progress; empty when none.",
      resolve: modificationStatesOf,
    }),
    relatedWorkspaces: t.field({
      type: [RelatedWorkspaceRef],
      nullable: false,
      description: "Its standby (or primary) in another Region, for business continuity; empty when none.",
      resolve: (w) => w.relatedWorkspaces ?? [],
    }),
    dataReplicationSettings: t.expose("dataReplicationSettings", {
      type: DataReplicationSettingsRef,
      nullable: true,
      description: "For a primary with a standby: whether its data is replicated; null otherwise.",
    }),
    standbyWorkspacesProperties: t.field({
      type: [StandbyWorkspacesPropertiesRef],
      nullable: false,
      description: "For a primary: its standby WorkSpaces; empty when none.",
      resolve: (w) => w.standbyWorkspacesProperties ?? [],
    }),
    bundle: t.field({
      type: BundleRef,
      nullable: true,
      authScopes: { read: true },
      description: "The bundle the WorkSpace was created from; null when AWS no longer has it.",
      complexity: LOOKUP_COST,
      resolve: (w, _args, context) => (w.bundleId ? context.aws.in(w.partition).loader(DESCRIBE_WORKSPACE_BUNDLES).load(w.bundleId) : null),
    }),
  }),
});

partitionFields(WorkspaceRef, "the WorkSpace");

// Made here, after the Workspace type, where the printed schema lists it.
const WorkspaceConnection = workspaceConnection();

const DirectoryFilter = builder.inputType("DirectoryFilter", {
  description: "The WorkSpaces of a directory, or of one user in it.",
  fields: (t) => ({
    directoryId: t.string({ required: true, description: "The directory's ID (d-...)." }),
    userName: t.string({ description: "Only this user's WorkSpaces in the directory." }),
  }),
});

const WorkspacesFilter = builder.inputType("WorkspacesFilter", {
  isOneOf: true,
  description: "One filter at a time, as AWS takes them.",
  fields: (t) => ({
    workspaceIds: t.stringList({ description: "1 to 25 WorkSpace IDs." }),
    directory: t.field({ type: DirectoryFilter, description: "A directory's WorkSpaces, or one user's." }),
    bundleId: t.string({ description: "The WorkSpaces created from this bundle." }),
    workspaceName: t.string({ description: `The WorkSpace with this name (${WORKSPACE_NAME_PATTERN.source}).` }),
  }),
});

/** AWS's request members as the arguments a client wrote. */
const FILTER_ARGUMENTS = {
  WorkspaceIds: "filter.workspaceIds",
  DirectoryId: "filter.directory.directoryId",
  UserName: "filter.directory.userName",
  BundleId: "filter.bundleId",
  WorkspaceName: "filter.workspaceName",
};

builder.queryFields((t) => ({
  workspace: lookupField(t, WorkspaceRef, DESCRIBE_WORKSPACES, {
    description: "A WorkSpace by AWS's ID, in the partition named; null when AWS has no such WorkSpace there.",
    id: "AWS's ID of the WorkSpace (ws-...).",
  }),
  workspaces: listField(
    t,
    WorkspaceConnection,
    DESCRIBE_WORKSPACES,
    "WorkSpaces of every partition served (or those named), a page at a time: partition by partition in the configured order, " +
      "AWS's order within each, every partition asked at once. A partition that fails is listed in missingPartitions; null (with " +
      "an error) only when none could be listed.",
    {
      argument: t.arg({ type: WorkspacesFilter, description: "Only these WorkSpaces; all of them without it." }),
      request: describeWorkspacesRequest,
      rules: validateDescribeWorkspaces,
      argumentPaths: FILTER_ARGUMENTS,
    },
  ),
}));
