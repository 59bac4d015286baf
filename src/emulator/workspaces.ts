// The emulated WorkSpaces of one partition with AWS's lifecycle (PENDING, then AVAILABLE; UPDATING while a modification
// settles; STARTING, STOPPING, REBOOTING, ... while a WorkSpace action runs; TERMINATED, then gone), derived from the
// clock when read, so no timer ever runs and an injected clock drives it all.

import type {
  CreateWorkspacesRequest,
  CreateWorkspacesResult,
  DescribeWorkspacesConnectionStatusRequest,
  DescribeWorkspacesConnectionStatusResult,
  DescribeWorkspacesRequest,
  DescribeWorkspacesResult,
  FailedCreateWorkspaceRequest,
  FailedWorkspaceChangeRequest,
  ModifyWorkspacePropertiesRequest,
  RestoreWorkspaceRequest,
  Workspace,
  WorkspaceBundle,
  WorkspaceDirectory,
  WorkspaceProperties,
  WorkspaceRequest,
} from "@aws-sdk/client-workspaces";
import {
  DataReplication,
  ModificationResourceEnum,
  ModificationStateEnum,
  Protocol,
  RunningMode,
  StandbyWorkspaceRelationshipType,
  WorkspaceState,
} from "@aws-sdk/client-workspaces";
import type { ModificationHistory, Violation, WorkspaceAction } from "../constraints.ts";
import {
  checkModificationAgainst,
  checkModificationWaits,
  checkWorkspaceAction,
  checkWorkspaceId,
  checkWorkspaceRequestAgainstBundle,
  checkWorkspaceRequestRules,
  computeDirection,
  FAILED_REQUEST_CODES,
  isUnsupportedComputeChange,
  MODIFIABLE_STATES,
  PAGE_SIZE,
  validateCreateWorkspaces,
  validateDescribeWorkspaces,
  validateDescribeWorkspacesConnectionStatus,
  validateModifyWorkspaceProperties,
  validateWorkspaceAction,
  workspaceOwnerKey,
} from "../constraints.ts";
import { AwsError, rejectViolations } from "./aws-error.ts";
import type { Session } from "./connection-status.ts";
import { connectionStatusOf, disconnected, seededSession } from "./connection-status.ts";
import { TRANSITIONS } from "./lifecycle.ts";
import { pageOf } from "./pagination.ts";
import type { SeedWorkspace } from "./seed.ts";
import { operatingSystemOf } from "./seed.ts";

interface Modification {
  startedAt: number;
  resources: ModificationResourceEnum[];
  target: WorkspaceProperties;
}

interface WorkspaceRecord {
  seq: number;
  /** The settled workspace: its State is the one it has once not PENDING, UPDATING or in a WorkSpace action. */
  workspace: Workspace;
  createdAt: number;
  visibleAt: number;
  modification?: Modification;
  action?: { name: WorkspaceAction; startedAt: number };
  /** When it reached TERMINATED; it leaves DescribeWorkspaces pendingMs later. */
  terminatedAt?: number;
  history: ModificationHistory;
  session: Session;
}

export interface WorkspaceTiming {
  pendingMs: number;
  visibilityLagMs: number;
  coolDownScale: number;
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
const TWELVE_HOURS_MS = 12 * 60 * 60 * 1000;

/** Each private IPv4 (and, in a dual-stack directory, IPv6) address is drawn from a sequence number, so none repeats. */
function ipv4Of(n: number): string {
  // 254 hosts (.1 to .254) per /24.
  return `10.${(Math.floor(n / 254) >> 8) & 255}.${Math.floor(n / 254) & 255}.${(n % 254) + 1}`;
}

function ipv6Of(n: number): string {
  return `2600:1f18:4a3:6c00:0:0:${((n >>> 16) & 0xffff).toString(16)}:${(n & 0xffff).toString(16)}`;
}

export class WorkspaceStore {
  private readonly byId = new Map<string, WorkspaceRecord>();
  /** Listings by filter key, each in creation order, so a filtered page costs as little as an unfiltered one. */
  private readonly listings = new Map<string, WorkspaceRecord[]>();
  /** Records being terminated, swept from the store once gone. */
  private readonly ending = new Set<WorkspaceRecord>();
  private nextSeq = 0;

  constructor(
    private readonly bundles: ReadonlyMap<string, WorkspaceBundle>,
    private readonly directories: ReadonlyMap<string, WorkspaceDirectory>,
    private readonly timing: WorkspaceTiming,
    private readonly random: () => number,
    private readonly clock: () => number,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  seed(workspaces: SeedWorkspace[]): void {
    const seededAt = this.clock();
    // AWS snapshots a standby's data every 12 hours.
    const snapshot = new Date(seededAt - (seededAt % TWELVE_HOURS_MS));
    for (const { request, state, standby } of workspaces) {
      const workspace = this.build(request, state);
      if (standby) {
        workspace.RelatedWorkspaces = [
          {
            WorkspaceId: standby.WorkspaceId,
            Region: standby.Region,
            State: WorkspaceState.STOPPED,
            Type: StandbyWorkspaceRelationshipType.STANDBY,
          },
        ];
        workspace.StandbyWorkspacesProperties = [
          { StandbyWorkspaceId: standby.WorkspaceId, DataReplication: DataReplication.PRIMARY_AS_SOURCE, RecoverySnapshotTime: snapshot },
        ];
        workspace.DataReplicationSettings = { DataReplication: DataReplication.PRIMARY_AS_SOURCE, RecoverySnapshotTime: snapshot };
      }
      this.insert(workspace, -Infinity, -Infinity, seededSession(workspace.WorkspaceId!, state, seededAt));
    }
  }

  describe(request: DescribeWorkspacesRequest): DescribeWorkspacesResult {
    rejectViolations(validateDescribeWorkspaces(request));
    const now = this.now();
    if (request.WorkspaceIds) {
      return { Workspaces: this.visible(request.WorkspaceIds, now).map((r) => this.view(r, now)) };
    }
    const listing = this.listingKeyOf(request);
    const page = pageOf(
      this.listings.get(listing) ?? [],
      {
        listing,
        nextToken: request.NextToken,
        limit: request.Limit ?? PAGE_SIZE,
        now,
      },
      (r) => r.visibleAt <= now,
    );
    return { Workspaces: page.items.map((r) => this.view(r, now)), NextToken: page.nextToken };
  }

  connectionStatus(request: DescribeWorkspacesConnectionStatusRequest): DescribeWorkspacesConnectionStatusResult {
    rejectViolations(validateDescribeWorkspacesConnectionStatus(request));
    const now = this.now();
    const status = (r: WorkspaceRecord) => connectionStatusOf(r.workspace.WorkspaceId!, this.view(r, now).State!, r.session, now);
    if (request.WorkspaceIds) return { WorkspacesConnectionStatus: this.visible(request.WorkspaceIds, now).map(status) };
    const page = pageOf(
      this.listings.get(this.listingKeyOf({})) ?? [],
      { listing: "connections", nextToken: request.NextToken, limit: PAGE_SIZE, now },
      (r) => r.visibleAt <= now,
    );
    return { WorkspacesConnectionStatus: page.items.map(status), NextToken: page.nextToken };
  }

  create(request: CreateWorkspacesRequest): CreateWorkspacesResult {
    const requests = request.Workspaces ?? [];
    rejectViolations(validateCreateWorkspaces(requests));
    const now = this.now();
    const pending: Workspace[] = [];
    const failed: FailedCreateWorkspaceRequest[] = [];
    const claimed = new Set<string>();
    requests.forEach((item, i) => {
      const failure = this.refusal(item, i, claimed);
      if (failure) {
        failed.push({ WorkspaceRequest: item, ErrorCode: failure.code, ErrorMessage: failure.message });
        return;
      }
      claimed.add(this.ownershipKey(item));
      const { workspace } = this.insert(this.build(item, WorkspaceState.AVAILABLE), now, now + this.timing.visibilityLagMs, {
        connected: false,
      });
      // What AWS answers for a WorkSpace it has just accepted (the API reference's example); the rest, such as its
      // IP address and properties, shows in DescribeWorkspaces.
      pending.push({
        WorkspaceId: workspace.WorkspaceId,
        DirectoryId: workspace.DirectoryId,
        UserName: workspace.UserName,
        State: WorkspaceState.PENDING,
        BundleId: workspace.BundleId,
        ...(workspace.WorkspaceName === undefined ? {} : { WorkspaceName: workspace.WorkspaceName }),
      });
    });
    return { PendingRequests: pending, FailedRequests: failed };
  }

  modify(request: ModifyWorkspacePropertiesRequest): void {
    rejectViolations(validateModifyWorkspaceProperties(request));
    const now = this.now();
    const record = this.find(request.WorkspaceId!, now);
    const current = this.view(record, now);
    if (record.modification) {
      throw new AwsError("OperationInProgressException", "The properties of this WorkSpace are currently being modified.");
    }
    if (!MODIFIABLE_STATES.has(current.State!)) {
      throw new AwsError("InvalidResourceStateException", `The workspace is in state ${current.State}; it must be AVAILABLE or STOPPED.`);
    }
    const change = request.WorkspaceProperties ?? {};
    const properties = record.workspace.WorkspaceProperties!;
    rejectViolations(checkModificationAgainst(properties, change));
    if (isUnsupportedComputeChange(properties.ComputeTypeName, change.ComputeTypeName)) {
      throw new AwsError(
        "UnsupportedWorkspaceConfigurationException",
        `The compute type cannot be changed from ${properties.ComputeTypeName} to ${change.ComputeTypeName}.`,
      );
    }
    const wait = checkModificationWaits(properties, change, record.history, now, this.timing.coolDownScale)[0];
    if (wait) throw new AwsError("InvalidResourceStateException", wait.message);
    if (request.DataReplication !== undefined) this.replicate(record, request.DataReplication);
    // Running mode, operating system and Global Accelerator take effect at once, as on AWS; compute, volumes and
    // protocol go through a modification.
    if (change.RunningMode !== undefined) {
      properties.RunningMode = change.RunningMode;
      if (change.RunningMode !== RunningMode.AUTO_STOP) delete properties.RunningModeAutoStopTimeoutInMinutes;
    }
    if (change.RunningModeAutoStopTimeoutInMinutes !== undefined) {
      properties.RunningModeAutoStopTimeoutInMinutes = change.RunningModeAutoStopTimeoutInMinutes;
    } else if (properties.RunningMode === RunningMode.AUTO_STOP && properties.RunningModeAutoStopTimeoutInMinutes === undefined) {
      // Switching to AUTO_STOP without a timeout gets the default, as at creation.
      properties.RunningModeAutoStopTimeoutInMinutes = 60;
    }
    if (change.OperatingSystemName !== undefined) properties.OperatingSystemName = change.OperatingSystemName;
    if (change.GlobalAccelerator !== undefined) properties.GlobalAccelerator = change.GlobalAccelerator;
    const resources: ModificationResourceEnum[] = [];
    const target: WorkspaceProperties = {};
    if (change.ComputeTypeName !== undefined && change.ComputeTypeName !== properties.ComputeTypeName) {
      resources.push(ModificationResourceEnum.COMPUTE_TYPE);
      target.ComputeTypeName = change.ComputeTypeName;
      const direction = computeDirection(properties.ComputeTypeName, change.ComputeTypeName);
      if (direction === 1) record.history.computeIncreasedAt = now;
      if (direction === -1) record.history.computeDecreasedAt = now;
      // A compute change restarts the WorkSpace, disconnecting its user.
      record.session = disconnected(record.session, now);
    }
    if (change.RootVolumeSizeGib !== undefined && change.RootVolumeSizeGib !== properties.RootVolumeSizeGib) {
      resources.push(ModificationResourceEnum.ROOT_VOLUME);
      target.RootVolumeSizeGib = change.RootVolumeSizeGib;
    }
    if (change.UserVolumeSizeGib !== undefined && change.UserVolumeSizeGib !== properties.UserVolumeSizeGib) {
      resources.push(ModificationResourceEnum.USER_VOLUME);
      target.UserVolumeSizeGib = change.UserVolumeSizeGib;
    }
    if (target.RootVolumeSizeGib !== undefined || target.UserVolumeSizeGib !== undefined) record.history.volumesGrownAt = now;
    if (change.Protocols !== undefined && change.Protocols.join() !== (properties.Protocols ?? []).join()) {
      resources.push(ModificationResourceEnum.PROTOCOL);
      target.Protocols = change.Protocols;
    }
    if (resources.length > 0) record.modification = { startedAt: now, resources, target };
  }

  /** StartWorkspaces, StopWorkspaces, RebootWorkspaces, RebuildWorkspaces, TerminateWorkspaces: item by item. */
  act(action: Exclude<WorkspaceAction, "RestoreWorkspace">, requests: { WorkspaceId?: string }[]) {
    rejectViolations(validateWorkspaceAction(action, requests));
    const now = this.now();
    const failed: FailedWorkspaceChangeRequest[] = [];
    for (const { WorkspaceId } of requests) {
      const record = this.byId.get(WorkspaceId!);
      const refusal =
        !record || record.visibleAt > now
          ? { code: FAILED_REQUEST_CODES.workspaceNotFound, message: `The workspace ${WorkspaceId} could not be found.` }
          : this.begin(action, record, now);
      if (refusal) failed.push({ WorkspaceId, ErrorCode: refusal.code, ErrorMessage: refusal.message });
    }
    return { FailedRequests: failed };
  }

  /** RestoreWorkspace: one WorkSpace, refused with an exception rather than a FailedRequests item. */
  restore(request: RestoreWorkspaceRequest): void {
    rejectViolations(checkWorkspaceId(request.WorkspaceId));
    const now = this.now();
    const refusal = this.begin("RestoreWorkspace", this.find(request.WorkspaceId!, now), now);
    if (refusal) throw new AwsError("OperationNotSupportedException", refusal.message);
  }

  /** Starts `action` on the WorkSpace, or says why AWS would not. */
  private begin(action: WorkspaceAction, record: WorkspaceRecord, now: number): Violation | undefined {
    const refusal = checkWorkspaceAction(action, this.view(record, now));
    if (refusal) return { ...refusal, message: `${record.workspace.WorkspaceId}: ${refusal.detail}` };
    // Terminating twice changes nothing; terminating cancels a modification under way.
    if (action === "TerminateWorkspaces") {
      if (record.action?.name === action || record.terminatedAt !== undefined) return undefined;
      delete record.modification;
      this.ending.add(record);
    }
    record.action = { name: action, startedAt: now };
    record.session = disconnected(record.session, now);
    return undefined;
  }

  /** Turns replication from a primary to its standby on or off. */
  private replicate(record: WorkspaceRecord, replication: DataReplication): void {
    const { workspace } = record;
    if (!workspace.StandbyWorkspacesProperties?.length) {
      throw new AwsError("InvalidParameterValuesException", "DataReplication: the WorkSpace has no standby WorkSpace.");
    }
    workspace.DataReplicationSettings = { ...workspace.DataReplicationSettings, DataReplication: replication };
    for (const standby of workspace.StandbyWorkspacesProperties) standby.DataReplication = replication;
  }

  /** Why AWS would refuse this item of a CreateWorkspaces call, if it would. */
  private refusal(item: WorkspaceRequest, index: number, claimed: Set<string>): { code: string; message: string } | undefined {
    const field = `Workspaces[${index}]`;
    const rule = checkWorkspaceRequestRules(item, field)[0];
    if (rule) return rule;
    if (!this.directories.has(item.DirectoryId!)) {
      return { code: FAILED_REQUEST_CODES.directoryNotFound, message: `The directory ${item.DirectoryId} could not be found.` };
    }
    const bundle = this.bundles.get(item.BundleId!);
    if (!bundle) {
      return { code: FAILED_REQUEST_CODES.bundleNotFound, message: `The bundle ${item.BundleId} could not be found.` };
    }
    const offered = checkWorkspaceRequestAgainstBundle(item, bundle, field)[0];
    if (offered) return offered;
    const key = this.ownershipKey(item);
    // A terminated WorkSpace no longer holds its user, bundle and directory.
    if (claimed.has(key) || this.listings.get(key)?.some((r) => r.terminatedAt === undefined)) {
      return {
        code: FAILED_REQUEST_CODES.workspaceExists,
        message: `The user ${item.UserName} already has a WorkSpace with bundle ${item.BundleId} in directory ${item.DirectoryId}.`,
      };
    }
    return undefined;
  }

  private ownershipKey(item: WorkspaceRequest): string {
    return `owner:${workspaceOwnerKey(item)}`;
  }

  private listingKeyOf(request: DescribeWorkspacesRequest): string {
    if (request.DirectoryId !== undefined && request.UserName !== undefined) {
      return `user:${request.DirectoryId}/${request.UserName.toLowerCase()}`;
    }
    if (request.DirectoryId !== undefined) return `directory:${request.DirectoryId}`;
    if (request.BundleId !== undefined) return `bundle:${request.BundleId}`;
    if (request.WorkspaceName !== undefined) return `name:${request.WorkspaceName}`;
    return "all";
  }

  /** The listings a WorkSpace appears in. */
  private keysOf(workspace: Workspace): string[] {
    const { DirectoryId, UserName, BundleId, WorkspaceName } = workspace;
    return [
      this.listingKeyOf({}),
      this.listingKeyOf({ DirectoryId }),
      this.listingKeyOf({ DirectoryId, UserName }),
      this.listingKeyOf({ BundleId }),
      ...(WorkspaceName === undefined ? [] : [this.listingKeyOf({ WorkspaceName })]),
      this.ownershipKey(workspace as WorkspaceRequest),
    ];
  }

  private newWorkspaceId(): string {
    for (;;) {
      let id = "ws-";
      for (let i = 0; i < 9; i++) id += ALPHABET[Math.floor(this.random() * ALPHABET.length)];
      if (!this.byId.has(id)) return id;
    }
  }

  private build(request: WorkspaceRequest, state: WorkspaceState): Workspace {
    const seq = this.nextSeq;
    const bundle = this.bundles.get(request.BundleId!);
    const directory = this.directories.get(request.DirectoryId!);
    const subnets = directory?.SubnetIds ?? [];
    const requested = request.WorkspaceProperties ?? {};
    const runningMode = requested.RunningMode ?? RunningMode.ALWAYS_ON;
    const operatingSystem = requested.OperatingSystemName ?? operatingSystemOf(request.BundleId!);
    const dualStack = (directory?.DnsIpv6Addresses?.length ?? 0) > 0;
    return {
      WorkspaceId: this.newWorkspaceId(),
      DirectoryId: request.DirectoryId,
      UserName: request.UserName,
      IpAddress: ipv4Of(seq),
      ...(request.Ipv6Address !== undefined ? { Ipv6Address: request.Ipv6Address } : dualStack ? { Ipv6Address: ipv6Of(seq) } : {}),
      State: state,
      BundleId: request.BundleId,
      SubnetId: subnets[seq % Math.max(subnets.length, 1)],
      ...(state === WorkspaceState.ERROR
        ? { ErrorCode: "InternalServerError", ErrorMessage: "The WorkSpace could not be provisioned." }
        : {}),
      ComputerName: `WSAMZN-${seq.toString(36).toUpperCase().padStart(8, "0")}`,
      VolumeEncryptionKey: request.VolumeEncryptionKey,
      UserVolumeEncryptionEnabled: request.UserVolumeEncryptionEnabled ?? false,
      RootVolumeEncryptionEnabled: request.RootVolumeEncryptionEnabled ?? false,
      ...(request.WorkspaceName === undefined ? {} : { WorkspaceName: request.WorkspaceName }),
      WorkspaceProperties: {
        RunningMode: runningMode,
        ...(runningMode === RunningMode.AUTO_STOP
          ? { RunningModeAutoStopTimeoutInMinutes: requested.RunningModeAutoStopTimeoutInMinutes ?? 60 }
          : {}),
        RootVolumeSizeGib: requested.RootVolumeSizeGib ?? Number(bundle?.RootStorage?.Capacity ?? 80),
        UserVolumeSizeGib: requested.UserVolumeSizeGib ?? Number(bundle?.UserStorage?.Capacity ?? 10),
        ComputeTypeName: requested.ComputeTypeName ?? bundle?.ComputeType?.Name,
        Protocols: requested.Protocols ?? [Protocol.PCOIP],
        ...(operatingSystem === undefined ? {} : { OperatingSystemName: operatingSystem }),
        ...(requested.GlobalAccelerator === undefined ? {} : { GlobalAccelerator: requested.GlobalAccelerator }),
      },
      ModificationStates: [],
    };
  }

  private insert(workspace: Workspace, createdAt: number, visibleAt: number, session: Session): WorkspaceRecord {
    const record: WorkspaceRecord = { seq: this.nextSeq++, workspace, createdAt, visibleAt, history: { createdAt }, session };
    this.byId.set(workspace.WorkspaceId!, record);
    for (const key of this.keysOf(workspace)) {
      const listing = this.listings.get(key);
      if (listing) listing.push(record);
      else this.listings.set(key, [record]);
    }
    return record;
  }

  /** The clock, after sweeping out the WorkSpaces terminated long enough ago to be gone. */
  private now(): number {
    const now = this.clock();
    for (const record of this.ending) {
      this.settle(record, now);
      if (record.terminatedAt === undefined || now < record.terminatedAt + this.timing.pendingMs) continue;
      this.ending.delete(record);
      this.byId.delete(record.workspace.WorkspaceId!);
      for (const key of this.keysOf(record.workspace)) {
        const listing = this.listings.get(key)!;
        listing.splice(listing.indexOf(record), 1);
        if (listing.length === 0) this.listings.delete(key);
      }
    }
    return now;
  }

  private find(workspaceId: string, now: number): WorkspaceRecord {
    const record = this.byId.get(workspaceId);
    if (!record || record.visibleAt > now) {
      throw new AwsError("ResourceNotFoundException", `The workspace ${workspaceId} could not be found.`);
    }
    return record;
  }

  /** The records of `ids` DescribeWorkspaces shows, once each. */
  private visible(ids: string[], now: number): WorkspaceRecord[] {
    return [...new Set(ids)].map((id) => this.byId.get(id)).filter((r): r is WorkspaceRecord => r !== undefined && r.visibleAt <= now);
  }

  /** Applies what has finished by `now`: a modification's new properties, a WorkSpace action's outcome. */
  private settle(record: WorkspaceRecord, now: number): void {
    const { modification, action, workspace } = record;
    if (modification && now >= modification.startedAt + this.timing.pendingMs) {
      Object.assign(workspace.WorkspaceProperties!, modification.target);
      delete record.modification;
    }
    if (action && now >= action.startedAt + this.timing.pendingMs) {
      workspace.State = TRANSITIONS[action.name].after;
      delete workspace.ErrorCode;
      delete workspace.ErrorMessage;
      // A rebuilt WorkSpace gets a new network interface, so a new private IP address.
      if (action.name === "RebuildWorkspaces") workspace.IpAddress = ipv4Of(this.nextSeq++);
      if (action.name === "TerminateWorkspaces") record.terminatedAt = action.startedAt + this.timing.pendingMs;
      delete record.action;
    }
  }

  /** The workspace as AWS shows it at `now`: a copy, settling what has finished first. */
  private view(record: WorkspaceRecord, now: number): Workspace {
    this.settle(record, now);
    const workspace = structuredClone(record.workspace);
    if (record.action) {
      workspace.State = TRANSITIONS[record.action.name].during;
    } else if (record.terminatedAt === undefined && now < record.createdAt + this.timing.pendingMs) {
      workspace.State = WorkspaceState.PENDING;
    } else if (record.modification) {
      const { startedAt, resources } = record.modification;
      const state =
        now < startedAt + this.timing.pendingMs / 2 ? ModificationStateEnum.UPDATE_INITIATED : ModificationStateEnum.UPDATE_IN_PROGRESS;
      workspace.State = WorkspaceState.UPDATING;
      workspace.ModificationStates = resources.map((resource) => ({ Resource: resource, State: state }));
    }
    return workspace;
  }
}
