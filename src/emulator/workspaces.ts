// The emulated fleet: workspaces with AWS's lifecycle (PENDING, then AVAILABLE; UPDATING while a modification
// settles), derived from the clock when read, so no timer ever runs and an injected clock drives it all.

import type {
  CreateWorkspacesRequest,
  CreateWorkspacesResult,
  DescribeWorkspacesRequest,
  DescribeWorkspacesResult,
  FailedCreateWorkspaceRequest,
  ModifyWorkspacePropertiesRequest,
  Workspace,
  WorkspaceBundle,
  WorkspaceDirectory,
  WorkspaceProperties,
  WorkspaceRequest,
} from "@aws-sdk/client-workspaces";
import { ModificationResourceEnum, ModificationStateEnum, RunningMode, WorkspaceState } from "@aws-sdk/client-workspaces";
import {
  checkModificationAgainst,
  checkWorkspaceRequestRules,
  FAILED_REQUEST_CODES,
  isUnsupportedComputeChange,
  MODIFIABLE_STATES,
  PAGE_SIZE,
  validateCreateWorkspaces,
  validateDescribeWorkspaces,
  validateModifyWorkspaceProperties,
  workspaceOwnerKey,
} from "../constraints.ts";
import { AwsError, rejectViolations } from "./aws-error.ts";
import { pageOf } from "./pagination.ts";
import type { SeedWorkspace } from "./seed.ts";

interface Modification {
  startedAt: number;
  resources: ModificationResourceEnum[];
  target: WorkspaceProperties;
}

interface WorkspaceRecord {
  seq: number;
  /** The settled workspace: its State is the one it has once not PENDING and not UPDATING. */
  workspace: Workspace;
  createdAt: number;
  visibleAt: number;
  modification?: Modification;
}

export interface FleetTiming {
  pendingMs: number;
  visibilityLagMs: number;
}

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

export class Fleet {
  private readonly byId = new Map<string, WorkspaceRecord>();
  /** Listings by filter key, each in creation order, so a filtered page costs as little as an unfiltered one. */
  private readonly listings = new Map<string, WorkspaceRecord[]>();
  private nextSeq = 0;

  constructor(
    private readonly bundles: ReadonlyMap<string, WorkspaceBundle>,
    private readonly directories: ReadonlyMap<string, WorkspaceDirectory>,
    private readonly timing: FleetTiming,
    private readonly random: () => number,
    private readonly clock: () => number,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  seed(workspaces: SeedWorkspace[]): void {
    for (const { request, state } of workspaces) {
      this.insert(this.build(request, state), -Infinity, -Infinity);
    }
  }

  describe(request: DescribeWorkspacesRequest): DescribeWorkspacesResult {
    rejectViolations(validateDescribeWorkspaces(request));
    const now = this.clock();
    if (request.WorkspaceIds) {
      const records = [...new Set(request.WorkspaceIds)]
        .map((id) => this.byId.get(id))
        .filter((r): r is WorkspaceRecord => r !== undefined && r.visibleAt <= now);
      return { Workspaces: records.map((r) => this.view(r, now)) };
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

  create(request: CreateWorkspacesRequest): CreateWorkspacesResult {
    const requests = request.Workspaces ?? [];
    rejectViolations(validateCreateWorkspaces(requests));
    const now = this.clock();
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
      const record = this.insert(this.build(item, WorkspaceState.AVAILABLE), now, now + this.timing.visibilityLagMs);
      pending.push(this.view(record, now));
    });
    return { PendingRequests: pending, FailedRequests: failed };
  }

  modify(request: ModifyWorkspacePropertiesRequest): void {
    rejectViolations(validateModifyWorkspaceProperties(request));
    const now = this.clock();
    const record = this.byId.get(request.WorkspaceId!);
    if (!record || record.visibleAt > now) {
      throw new AwsError("ResourceNotFoundException", `The workspace ${request.WorkspaceId} could not be found.`);
    }
    const current = this.view(record, now);
    if (record.modification) {
      throw new AwsError("OperationInProgressException", "The properties of this WorkSpace are currently being modified.");
    }
    if (!MODIFIABLE_STATES.has(current.State!)) {
      throw new AwsError("InvalidResourceStateException", `The workspace is in state ${current.State}; it must be AVAILABLE or STOPPED.`);
    }
    const change = request.WorkspaceProperties!;
    const properties = record.workspace.WorkspaceProperties!;
    rejectViolations(checkModificationAgainst(properties, change));
    if (isUnsupportedComputeChange(properties.ComputeTypeName, change.ComputeTypeName)) {
      throw new AwsError(
        "UnsupportedWorkspaceConfigurationException",
        `The compute type cannot be changed from ${properties.ComputeTypeName} to ${change.ComputeTypeName}.`,
      );
    }
    // Running mode takes effect at once, as on AWS; compute and volumes go through a modification.
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
    const resources: ModificationResourceEnum[] = [];
    const target: WorkspaceProperties = {};
    if (change.ComputeTypeName !== undefined && change.ComputeTypeName !== properties.ComputeTypeName) {
      resources.push(ModificationResourceEnum.COMPUTE_TYPE);
      target.ComputeTypeName = change.ComputeTypeName;
    }
    if (change.RootVolumeSizeGib !== undefined && change.RootVolumeSizeGib !== properties.RootVolumeSizeGib) {
      resources.push(ModificationResourceEnum.ROOT_VOLUME);
      target.RootVolumeSizeGib = change.RootVolumeSizeGib;
    }
    if (change.UserVolumeSizeGib !== undefined && change.UserVolumeSizeGib !== properties.UserVolumeSizeGib) {
      resources.push(ModificationResourceEnum.USER_VOLUME);
      target.UserVolumeSizeGib = change.UserVolumeSizeGib;
    }
    if (resources.length > 0) record.modification = { startedAt: now, resources, target };
  }

  /** Why AWS would refuse this item of a CreateWorkspaces call, if it would. */
  private refusal(item: WorkspaceRequest, index: number, claimed: Set<string>): { code: string; message: string } | undefined {
    const rule = checkWorkspaceRequestRules(item, `Workspaces[${index}]`)[0];
    if (rule) return rule;
    if (!this.directories.has(item.DirectoryId!)) {
      return { code: FAILED_REQUEST_CODES.directoryNotFound, message: `The directory ${item.DirectoryId} could not be found.` };
    }
    if (!this.bundles.has(item.BundleId!)) {
      return { code: FAILED_REQUEST_CODES.bundleNotFound, message: `The bundle ${item.BundleId} could not be found.` };
    }
    const key = this.ownershipKey(item);
    if (claimed.has(key) || this.listings.has(key)) {
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
    return "all";
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
    return {
      WorkspaceId: this.newWorkspaceId(),
      DirectoryId: request.DirectoryId,
      UserName: request.UserName,
      // 254 hosts (.1 to .254) per /24, so no two workspaces share an address.
      IpAddress: `10.${(Math.floor(seq / 254) >> 8) & 255}.${Math.floor(seq / 254) & 255}.${(seq % 254) + 1}`,
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
      WorkspaceProperties: {
        RunningMode: runningMode,
        ...(runningMode === RunningMode.AUTO_STOP
          ? { RunningModeAutoStopTimeoutInMinutes: requested.RunningModeAutoStopTimeoutInMinutes ?? 60 }
          : {}),
        RootVolumeSizeGib: requested.RootVolumeSizeGib ?? Number(bundle?.RootStorage?.Capacity ?? 80),
        UserVolumeSizeGib: requested.UserVolumeSizeGib ?? Number(bundle?.UserStorage?.Capacity ?? 10),
        ComputeTypeName: requested.ComputeTypeName ?? bundle?.ComputeType?.Name,
      },
      ModificationStates: [],
    };
  }

  private insert(workspace: Workspace, createdAt: number, visibleAt: number): WorkspaceRecord {
    const record: WorkspaceRecord = { seq: this.nextSeq++, workspace, createdAt, visibleAt };
    this.byId.set(workspace.WorkspaceId!, record);
    const { DirectoryId, UserName, BundleId } = workspace;
    const keys = [
      this.listingKeyOf({}),
      this.listingKeyOf({ DirectoryId }),
      this.listingKeyOf({ DirectoryId, UserName }),
      this.listingKeyOf({ BundleId }),
      this.ownershipKey(workspace as WorkspaceRequest),
    ];
    for (const key of keys) {
      const listing = this.listings.get(key);
      if (listing) listing.push(record);
      else this.listings.set(key, [record]);
    }
    return record;
  }

  /** The workspace as AWS shows it at `now`: a copy, settling a finished modification first. */
  private view(record: WorkspaceRecord, now: number): Workspace {
    const { modification } = record;
    if (modification && now >= modification.startedAt + this.timing.pendingMs) {
      Object.assign(record.workspace.WorkspaceProperties!, modification.target);
      delete record.modification;
    }
    const workspace = structuredClone(record.workspace);
    if (now < record.createdAt + this.timing.pendingMs) {
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
