// The facts of the WorkSpaces service model and documentation, shared by the emulator (which enforces them
// the way AWS does) and the gateway (which checks them before spending an AWS call).

import type {
  DescribeWorkspaceBundlesRequest,
  DescribeWorkspaceDirectoriesRequest,
  DescribeWorkspacesConnectionStatusRequest,
  DescribeWorkspacesRequest,
  ModifyWorkspacePropertiesRequest,
  WorkspaceBundle,
  WorkspaceProperties,
  WorkspaceRequest,
} from "@aws-sdk/client-workspaces";
import {
  AGAModeForWorkSpaceEnum,
  AGAPreferredProtocolForWorkSpace,
  Compute,
  DataReplication,
  DescribeWorkspaceDirectoriesFilterName,
  OperatingSystemName,
  Protocol,
  RunningMode,
  WorkspaceState,
} from "@aws-sdk/client-workspaces";

/** A region name as AWS spells them: us-east-1, eu-west-2, us-gov-west-1, ap-southeast-4. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An IAM role's ARN (any path); its account is the first group. */
export const ROLE_ARN_PATTERN = /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?[\w+=,.@-]{1,64}$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const WORKSPACE_ID_PATTERN = /^ws-[0-9a-z]{8,63}$/;
/** Active Directory directories are d-, WorkSpaces' own (IAM Identity Center, Entra ID, Pools) are wsd-. */
export const DIRECTORY_ID_PATTERN = /^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)/;
export const WORKSPACE_NAME_PATTERN = /^[a-zA-Z0-9_()][a-zA-Z0-9_.()-]{1,63}$/;
export const IPV6_ADDRESS_PATTERN =
  /^(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6}::[0-9a-fA-F]{1,4}$/;
export const WORKSPACE_DIRECTORY_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.\s-]{1,64}$/;
export const DIRECTORY_FILTER_VALUE_PATTERN = /^[0-9a-zA-Z*.\\/?-_]{0,64}$/;
export const DIRECTORY_ID_LENGTH = { min: 10, max: 65 };
export const BUNDLE_ID_PATTERN = /^wsb-[0-9a-z]{8,63}$/;
export const USER_NAME_LENGTH = { min: 1, max: 63 };
export const LIMIT_RANGE = { min: 1, max: 25 };
export const NEXT_TOKEN_LENGTH = { min: 1, max: 2048 };
export const ID_LIST_SIZE = { min: 1, max: 25 };
export const CREATE_BATCH_SIZE = { min: 1, max: 25 };
/** Start, Stop, Reboot and Terminate take up to 25 WorkSpaces a call; Rebuild takes one. */
export const ACTION_BATCH_SIZE = { min: 1, max: 25 };
export const REBUILD_BATCH_SIZE = { min: 1, max: 1 };
export const TAG_KEY_LENGTH = { min: 1, max: 127 };
export const TAG_VALUE_LENGTH = { min: 0, max: 255 };
export const TAGS_PER_WORKSPACE = { min: 0, max: 50 };
export const PAGE_SIZE = 25;
export const NEXT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
export const AUTO_STOP_INCREMENT_MINUTES = 60;
export const MODIFIABLE_STATES: ReadonlySet<string> = new Set(["AVAILABLE", "STOPPED"]);

const HOUR_MS = 60 * 60 * 1000;
/** The admin guide's waits between modifications ("Modify a WorkSpace"). */
export const COOL_DOWNS = {
  /** Volumes grow once in 6 hours. */
  volumeMs: 6 * HOUR_MS,
  /** A larger compute type once in 6 hours. */
  computeIncreaseMs: 6 * HOUR_MS,
  /** A smaller compute type once in 30 days. */
  computeDecreaseMs: 30 * 24 * HOUR_MS,
  /** Neither volumes nor a larger compute type in the first 6 hours of a WorkSpace. */
  afterCreateMs: 6 * HOUR_MS,
} as const;

/** Non-graphics compute types from smallest to largest; a WorkSpace moves freely among them, subject to the waits. */
const COMPUTE_ORDER: readonly string[] = [
  Compute.VALUE,
  Compute.STANDARD,
  Compute.PERFORMANCE,
  Compute.POWER,
  Compute.POWERPRO,
  Compute.GENERALPURPOSE_4XLARGE,
  Compute.GENERALPURPOSE_8XLARGE,
];

/** AWS answers this code for an item whose directory does not exist. */
export const FAILED_REQUEST_CODES = {
  directoryNotFound: "ResourceNotFound.Directory",
  bundleNotFound: "ResourceNotFound.Bundle",
  workspaceExists: "ResourceExists.Workspace",
  autoStopWithAlwaysOn: "AutoStopTimeoutIsNotApplicableForAnAlwaysOnWorkspace",
  encryptionKeyMissing: "InvalidParameterValues.VolumeEncryptionKey",
  invalidParameter: "InvalidParameterValuesException",
  /** AWS does not document the codes of FailedWorkspaceChangeRequest; these are its exception names for the cases. */
  workspaceNotFound: "ResourceNotFoundException",
  invalidState: "InvalidResourceStateException",
  runningModeNotSupported: "OperationNotSupportedException",
} as const;

/** AWS allows one WorkSpace per user, bundle and directory; user names are case-insensitive. */
export function workspaceOwnerKey(request: { DirectoryId?: string; UserName?: string; BundleId?: string }): string {
  return `${request.DirectoryId}/${(request.UserName ?? "").toLowerCase()}/${request.BundleId}`;
}

/** Graphics compute types can be neither changed nor changed into, as the WorkSpaces guide documents. */
export function isGraphicsCompute(compute: string): boolean {
  return compute.startsWith(Compute.GRAPHICS);
}

/**
 * The root/user volume combinations the WorkSpaces guide allows: 80 with 10, 50 or 100, or 175 to 2000 with 100 to
 * 2000; a Graphics or GraphicsPro WorkSpace, 100 to 2000 with 100 to 2000. Without a compute type, either family.
 */
export function isAllowedVolumeCombination(rootGib: number, userGib: number, compute?: string): boolean {
  const graphics = rootGib >= 100 && rootGib <= 2000 && userGib >= 100 && userGib <= 2000;
  if (compute !== undefined && isGraphicsCompute(compute)) return graphics;
  const standard =
    rootGib === 80
      ? userGib === 10 || userGib === 50 || userGib === 100
      : rootGib >= 175 && rootGib <= 2000 && userGib >= 100 && userGib <= 2000;
  return compute === undefined ? standard || graphics : standard;
}

function volumeCombinationMessage(compute?: string): string {
  if (compute !== undefined && isGraphicsCompute(compute))
    return `root and user volume sizes of a ${compute} WorkSpace must be 100 to 2000`;
  return "root and user volume sizes must be 80 with 10, 50 or 100, or 175 to 2000 with 100 to 2000";
}

export interface Violation {
  /** Path of the offending member, in AWS's member names (`Workspaces[3].UserName`). */
  field: string;
  /** Short name of the rule broken, stable for clients (`pattern`, `length`, `oneFilter`, ...). */
  rule: string;
  /** What the rule asks, without the path (`must match ^ws-[0-9a-z]{8,63}$`). */
  detail: string;
  /** `field: detail`, as AWS words its errors. */
  message: string;
  /** The error code AWS uses when it refuses an item for this reason. */
  code: string;
}

const INVALID = FAILED_REQUEST_CODES.invalidParameter;

export function violation(field: string, rule: string, message: string, code: string = INVALID): Violation {
  return { field, rule, detail: message, message: `${field}: ${message}`, code };
}

function checkPattern(value: unknown, pattern: RegExp, field: string): Violation[] {
  if (typeof value !== "string" || !pattern.test(value)) {
    return [violation(field, "pattern", `must match ${pattern.source}`)];
  }
  return [];
}

function checkLength(value: unknown, range: { min: number; max: number }, field: string): Violation[] {
  const length = typeof value === "string" ? [...value].length : -1;
  if (length < range.min || length > range.max) {
    return [violation(field, "length", `must be ${range.min} to ${range.max} characters long`)];
  }
  return [];
}

function checkListSize(value: unknown[], range: { min: number; max: number }, field: string): Violation[] {
  if (value.length < range.min || value.length > range.max) {
    return [violation(field, "listSize", `must hold ${range.min} to ${range.max} items`)];
  }
  return [];
}

function checkEnum(value: string | undefined, values: Record<string, string>, field: string): Violation[] {
  if (value === undefined || Object.values(values).includes(value)) return [];
  return [violation(field, "enum", `must be one of ${Object.values(values).join(", ")}`)];
}

function checkInteger(value: number, range: { min: number; max: number }, field: string): Violation[] {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    return [violation(field, "range", `must be an integer from ${range.min} to ${range.max}`)];
  }
  return [];
}

export function checkWorkspaceId(value: unknown, field = "WorkspaceId"): Violation[] {
  return checkPattern(value, WORKSPACE_ID_PATTERN, field);
}

export function checkBundleId(value: unknown, field = "BundleId"): Violation[] {
  return checkPattern(value, BUNDLE_ID_PATTERN, field);
}

export function checkDirectoryId(value: unknown, field = "DirectoryId"): Violation[] {
  const length = checkLength(value, DIRECTORY_ID_LENGTH, field);
  return length.length > 0 ? length : checkPattern(value, DIRECTORY_ID_PATTERN, field);
}

export function checkUserName(value: unknown, field = "UserName"): Violation[] {
  return checkLength(value, USER_NAME_LENGTH, field);
}

export function checkWorkspaceName(value: unknown, field = "WorkspaceName"): Violation[] {
  return checkPattern(value, WORKSPACE_NAME_PATTERN, field);
}

export function checkNextToken(value: string | undefined, field = "NextToken"): Violation[] {
  return value === undefined ? [] : checkLength(value, NEXT_TOKEN_LENGTH, field);
}

function checkIdList(ids: unknown[], field: string, check: (id: unknown, field: string) => Violation[]) {
  return [...checkListSize(ids, ID_LIST_SIZE, field), ...ids.flatMap((id, i) => check(id, `${field}[${i}]`))];
}

export function validateDescribeWorkspaces(request: DescribeWorkspacesRequest): Violation[] {
  const filters = [request.WorkspaceIds, request.DirectoryId, request.BundleId, request.WorkspaceName].filter((f) => f !== undefined);
  const violations: Violation[] = [];
  if (filters.length > 1) {
    violations.push(
      violation("WorkspaceIds", "oneFilter", "only one of WorkspaceIds, DirectoryId, BundleId and WorkspaceName may be given"),
    );
  }
  if (request.UserName !== undefined && request.DirectoryId === undefined) {
    violations.push(violation("UserName", "requires", "can only be given with DirectoryId"));
  }
  if (request.WorkspaceIds !== undefined) violations.push(...checkIdList(request.WorkspaceIds, "WorkspaceIds", checkWorkspaceId));
  if (request.DirectoryId !== undefined) violations.push(...checkDirectoryId(request.DirectoryId));
  if (request.UserName !== undefined) violations.push(...checkUserName(request.UserName));
  if (request.BundleId !== undefined) violations.push(...checkBundleId(request.BundleId));
  if (request.WorkspaceName !== undefined) violations.push(...checkWorkspaceName(request.WorkspaceName));
  if (request.Limit !== undefined) violations.push(...checkInteger(request.Limit, LIMIT_RANGE, "Limit"));
  violations.push(...checkNextToken(request.NextToken));
  return violations;
}

export function validateDescribeWorkspaceBundles(request: DescribeWorkspaceBundlesRequest): Violation[] {
  const violations: Violation[] = [];
  if (request.BundleIds !== undefined && request.Owner !== undefined) {
    violations.push(violation("BundleIds", "oneFilter", "BundleIds and Owner cannot both be given"));
  }
  if (request.BundleIds !== undefined) violations.push(...checkIdList(request.BundleIds, "BundleIds", checkBundleId));
  violations.push(...checkNextToken(request.NextToken));
  return violations;
}

export function validateDescribeWorkspaceDirectories(request: DescribeWorkspaceDirectoriesRequest): Violation[] {
  const violations: Violation[] = [];
  if (request.DirectoryIds !== undefined) violations.push(...checkIdList(request.DirectoryIds, "DirectoryIds", checkDirectoryId));
  if (request.WorkspaceDirectoryNames !== undefined) {
    violations.push(
      ...checkIdList(request.WorkspaceDirectoryNames, "WorkspaceDirectoryNames", (name, field) =>
        checkPattern(name, WORKSPACE_DIRECTORY_NAME_PATTERN, field),
      ),
    );
  }
  if (request.Filters !== undefined) {
    violations.push(...checkListSize(request.Filters, ID_LIST_SIZE, "Filters"));
    request.Filters.forEach((filter, i) => {
      const field = `Filters[${i}]`;
      if (filter.Name === undefined) violations.push(violation(`${field}.Name`, "required", "is required"));
      violations.push(...checkEnum(filter.Name, DescribeWorkspaceDirectoriesFilterName, `${field}.Name`));
      violations.push(
        ...checkIdList(filter.Values ?? [], `${field}.Values`, (value, valueField) =>
          checkPattern(value, DIRECTORY_FILTER_VALUE_PATTERN, valueField),
        ),
      );
    });
  }
  if (request.Limit !== undefined) violations.push(...checkInteger(request.Limit, LIMIT_RANGE, "Limit"));
  violations.push(...checkNextToken(request.NextToken));
  return violations;
}

export function validateDescribeWorkspacesConnectionStatus(request: DescribeWorkspacesConnectionStatusRequest): Violation[] {
  return [
    ...(request.WorkspaceIds === undefined ? [] : checkIdList(request.WorkspaceIds, "WorkspaceIds", checkWorkspaceId)),
    ...checkNextToken(request.NextToken),
  ];
}

/** What a WorkSpace action accepts, as the API reference words each: the states, and for Start and Stop the running modes. */
export const WORKSPACE_ACTIONS = {
  StartWorkspaces: {
    list: "StartWorkspaceRequests",
    size: ACTION_BATCH_SIZE,
    states: [WorkspaceState.STOPPED],
    runningModes: [RunningMode.AUTO_STOP, RunningMode.MANUAL],
  },
  StopWorkspaces: {
    list: "StopWorkspaceRequests",
    size: ACTION_BATCH_SIZE,
    states: [WorkspaceState.AVAILABLE, WorkspaceState.IMPAIRED, WorkspaceState.UNHEALTHY, WorkspaceState.ERROR],
    runningModes: [RunningMode.AUTO_STOP, RunningMode.MANUAL],
  },
  RebootWorkspaces: {
    list: "RebootWorkspaceRequests",
    size: ACTION_BATCH_SIZE,
    states: [WorkspaceState.AVAILABLE, WorkspaceState.UNHEALTHY, WorkspaceState.REBOOTING],
  },
  RebuildWorkspaces: {
    list: "RebuildWorkspaceRequests",
    size: REBUILD_BATCH_SIZE,
    states: [WorkspaceState.AVAILABLE, WorkspaceState.ERROR, WorkspaceState.UNHEALTHY, WorkspaceState.STOPPED, WorkspaceState.REBOOTING],
  },
  RestoreWorkspace: {
    states: [WorkspaceState.AVAILABLE, WorkspaceState.ERROR, WorkspaceState.UNHEALTHY, WorkspaceState.STOPPED],
  },
  TerminateWorkspaces: {
    list: "TerminateWorkspaceRequests",
    size: ACTION_BATCH_SIZE,
    // Any state but SUSPENDED.
    states: Object.values(WorkspaceState).filter((state) => state !== WorkspaceState.SUSPENDED),
  },
} as const satisfies Record<
  string,
  { list?: string; size?: { min: number; max: number }; states: readonly WorkspaceState[]; runningModes?: readonly RunningMode[] }
>;

export type WorkspaceAction = keyof typeof WORKSPACE_ACTIONS;

/** The model's rules for the list of a WorkSpace action (StartWorkspaces, ...): its size and each WorkspaceId. */
export function validateWorkspaceAction(action: Exclude<WorkspaceAction, "RestoreWorkspace">, requests: { WorkspaceId?: string }[]) {
  const { list, size } = WORKSPACE_ACTIONS[action];
  return [
    ...checkListSize(requests, size, list),
    ...requests.flatMap((request, i) => checkWorkspaceId(request.WorkspaceId, `${list}[${i}].WorkspaceId`)),
  ];
}

/** Why AWS would refuse `action` on a WorkSpace in this state and running mode, if it would. */
export function checkWorkspaceAction(
  action: WorkspaceAction,
  workspace: { State?: string; WorkspaceProperties?: WorkspaceProperties },
): Violation | undefined {
  const rule: { states: readonly string[]; runningModes?: readonly string[] } = WORKSPACE_ACTIONS[action];
  const runningMode = workspace.WorkspaceProperties?.RunningMode;
  if (rule.runningModes && !rule.runningModes.includes(runningMode ?? "")) {
    return violation(
      "WorkspaceId",
      "runningMode",
      `a WorkSpace in running mode ${runningMode} cannot be ${action === "StartWorkspaces" ? "started" : "stopped"}; it must be AUTO_STOP or MANUAL`,
      FAILED_REQUEST_CODES.runningModeNotSupported,
    );
  }
  if (!rule.states.includes(workspace.State ?? "")) {
    return violation(
      "WorkspaceId",
      "state",
      `the WorkSpace is in state ${workspace.State}; ${action} needs ${rule.states.join(", ")}`,
      FAILED_REQUEST_CODES.invalidState,
    );
  }
  return undefined;
}

/** Rules AWS applies to a running mode and its auto-stop timeout, wherever they are set. */
function checkRunningMode(properties: WorkspaceProperties, runningMode: string | undefined, field: string): Violation[] {
  const timeout = properties.RunningModeAutoStopTimeoutInMinutes;
  if (timeout === undefined) return [];
  const timeoutField = `${field}.RunningModeAutoStopTimeoutInMinutes`;
  if (runningMode === RunningMode.ALWAYS_ON) {
    return [
      violation(
        timeoutField,
        "autoStopOnlyWithAutoStop",
        "only applies with RunningMode AUTO_STOP",
        FAILED_REQUEST_CODES.autoStopWithAlwaysOn,
      ),
    ];
  }
  if (runningMode !== undefined && runningMode !== RunningMode.AUTO_STOP) {
    return [violation(timeoutField, "autoStopOnlyWithAutoStop", "only applies with RunningMode AUTO_STOP")];
  }
  if (!Number.isInteger(timeout) || timeout <= 0 || timeout % AUTO_STOP_INCREMENT_MINUTES !== 0) {
    return [violation(timeoutField, "increment", `must be a positive multiple of ${AUTO_STOP_INCREMENT_MINUTES} minutes`)];
  }
  return [];
}

/** Enum members must hold one of the model's values; a WorkSpace streams over one protocol. */
function checkPropertyEnums(properties: WorkspaceProperties | undefined, field: string): Violation[] {
  if (!properties) return [];
  const violations = [
    ...checkEnum(properties.RunningMode, RunningMode, `${field}.RunningMode`),
    ...checkEnum(properties.ComputeTypeName, Compute, `${field}.ComputeTypeName`),
    ...checkEnum(properties.OperatingSystemName, OperatingSystemName, `${field}.OperatingSystemName`),
  ];
  const protocols = properties.Protocols;
  if (protocols !== undefined) {
    violations.push(...checkListSize(protocols, { min: 1, max: 1 }, `${field}.Protocols`));
    violations.push(...protocols.flatMap((protocol, i) => checkEnum(protocol, Protocol, `${field}.Protocols[${i}]`)));
  }
  const accelerator = properties.GlobalAccelerator;
  if (accelerator !== undefined) {
    if (accelerator.Mode === undefined) violations.push(violation(`${field}.GlobalAccelerator.Mode`, "required", "is required"));
    violations.push(
      ...checkEnum(accelerator.Mode, AGAModeForWorkSpaceEnum, `${field}.GlobalAccelerator.Mode`),
      ...checkEnum(accelerator.PreferredProtocol, AGAPreferredProtocolForWorkSpace, `${field}.GlobalAccelerator.PreferredProtocol`),
    );
  }
  return violations;
}

function checkPositiveVolumes(properties: WorkspaceProperties | undefined, field: string): Violation[] {
  return (["RootVolumeSizeGib", "UserVolumeSizeGib"] as const).flatMap((member) => {
    const size = properties?.[member];
    return size !== undefined && (!Number.isInteger(size) || size <= 0)
      ? [violation(`${field}.${member}`, "range", "must be a positive integer")]
      : [];
  });
}

/** What the service model itself refuses in one WorkspaceRequest; AWS rejects the whole call for these. */
export function checkWorkspaceRequestShape(request: WorkspaceRequest, field: string): Violation[] {
  const tags = request.Tags ?? [];
  return [
    ...checkDirectoryId(request.DirectoryId, `${field}.DirectoryId`),
    ...checkUserName(request.UserName, `${field}.UserName`),
    ...checkBundleId(request.BundleId, `${field}.BundleId`),
    ...(request.WorkspaceName === undefined ? [] : checkWorkspaceName(request.WorkspaceName, `${field}.WorkspaceName`)),
    ...(request.Ipv6Address === undefined ? [] : checkPattern(request.Ipv6Address, IPV6_ADDRESS_PATTERN, `${field}.Ipv6Address`)),
    ...checkPropertyEnums(request.WorkspaceProperties, `${field}.WorkspaceProperties`),
    ...checkPositiveVolumes(request.WorkspaceProperties, `${field}.WorkspaceProperties`),
    ...checkListSize(tags, TAGS_PER_WORKSPACE, `${field}.Tags`),
    ...tags.flatMap((tag, i) => [
      ...checkLength(tag.Key, TAG_KEY_LENGTH, `${field}.Tags[${i}].Key`),
      ...(tag.Value === undefined ? [] : checkLength(tag.Value, TAG_VALUE_LENGTH, `${field}.Tags[${i}].Value`)),
    ]),
  ];
}

/** What AWS refuses item by item in CreateWorkspaces, answering it in FailedRequests. */
export function checkWorkspaceRequestRules(request: WorkspaceRequest, field: string): Violation[] {
  const violations: Violation[] = [];
  const properties = request.WorkspaceProperties;
  if (properties) {
    violations.push(...checkRunningMode(properties, properties.RunningMode ?? RunningMode.ALWAYS_ON, `${field}.WorkspaceProperties`));
  }
  const encrypted = request.RootVolumeEncryptionEnabled === true || request.UserVolumeEncryptionEnabled === true;
  if (encrypted && !request.VolumeEncryptionKey) {
    violations.push(
      violation(
        `${field}.VolumeEncryptionKey`,
        "requiredWithEncryption",
        "is required when volume encryption is enabled",
        FAILED_REQUEST_CODES.encryptionKeyMissing,
      ),
    );
  }
  return violations;
}

/**
 * What AWS refuses of an item given its bundle, answered in FailedRequests: a compute type outside the bundle's family
 * (graphics bundles keep their own), and volume sizes the compute type does not come in.
 */
export function checkWorkspaceRequestAgainstBundle(request: WorkspaceRequest, bundle: WorkspaceBundle, field: string): Violation[] {
  const properties = request.WorkspaceProperties ?? {};
  const bundleCompute = bundle.ComputeType?.Name;
  const compute = properties.ComputeTypeName ?? bundleCompute;
  if (isUnsupportedComputeChange(bundleCompute, properties.ComputeTypeName)) {
    return [
      violation(
        `${field}.WorkspaceProperties.ComputeTypeName`,
        "computeOfBundle",
        `${properties.ComputeTypeName} is not offered with bundle ${bundle.BundleId} (${bundleCompute})`,
      ),
    ];
  }
  const root = properties.RootVolumeSizeGib ?? Number(bundle.RootStorage?.Capacity);
  const user = properties.UserVolumeSizeGib ?? Number(bundle.UserStorage?.Capacity);
  if (!isAllowedVolumeCombination(root, user, compute)) {
    return [
      violation(`${field}.WorkspaceProperties`, "volumeCombination", `${volumeCombinationMessage(compute)}, got ${root} and ${user}`),
    ];
  }
  return [];
}

export function validateCreateWorkspaces(requests: WorkspaceRequest[]): Violation[] {
  return [
    ...checkListSize(requests, CREATE_BATCH_SIZE, "Workspaces"),
    ...requests.flatMap((request, i) => checkWorkspaceRequestShape(request, `Workspaces[${i}]`)),
  ];
}

/** What can be checked of a modification without knowing the workspace's current properties. */
export function validateModifyWorkspaceProperties(request: ModifyWorkspacePropertiesRequest): Violation[] {
  const violations = checkWorkspaceId(request.WorkspaceId);
  violations.push(...checkEnum(request.DataReplication, DataReplication, "DataReplication"));
  const properties = request.WorkspaceProperties;
  if (!properties) {
    // The model makes either optional, but a call must change something.
    if (request.DataReplication === undefined) violations.push(violation("WorkspaceProperties", "required", "is required"));
    return violations;
  }
  const field = "WorkspaceProperties";
  if (Object.values(properties).every((value) => value === undefined)) {
    violations.push(violation(field, "empty", "must name at least one property to change"));
  }
  violations.push(...checkPropertyEnums(properties, field));
  const changesVolume = properties.RootVolumeSizeGib !== undefined || properties.UserVolumeSizeGib !== undefined;
  if (changesVolume && properties.ComputeTypeName !== undefined) {
    violations.push(violation(field, "computeOrVolume", "ComputeTypeName and volume sizes cannot be changed in the same call"));
  }
  violations.push(...checkPositiveVolumes(properties, field));
  if (
    properties.RootVolumeSizeGib !== undefined &&
    properties.UserVolumeSizeGib !== undefined &&
    !isAllowedVolumeCombination(properties.RootVolumeSizeGib, properties.UserVolumeSizeGib)
  ) {
    violations.push(violation(field, "volumeCombination", volumeCombinationMessage()));
  }
  violations.push(...checkRunningMode(properties, properties.RunningMode, field));
  return violations;
}

/** Rules that need the workspace's current properties; the emulator applies them as AWS does. */
export function checkModificationAgainst(current: WorkspaceProperties, change: WorkspaceProperties): Violation[] {
  const field = "WorkspaceProperties";
  const violations = checkRunningMode(change, change.RunningMode ?? current.RunningMode, field);
  const currentRoot = current.RootVolumeSizeGib ?? 0;
  const currentUser = current.UserVolumeSizeGib ?? 0;
  const root = change.RootVolumeSizeGib ?? currentRoot;
  const user = change.UserVolumeSizeGib ?? currentUser;
  if (root < currentRoot || user < currentUser) {
    violations.push(violation(field, "noShrink", "volumes can only grow"));
  } else if (root > currentRoot && user > currentUser) {
    violations.push(violation(field, "oneVolume", "the root and user volumes cannot grow in the same call; grow one, then the other"));
  } else if ((root !== currentRoot || user !== currentUser) && !isAllowedVolumeCombination(root, user, current.ComputeTypeName)) {
    violations.push(violation(field, "volumeCombination", volumeCombinationMessage(current.ComputeTypeName)));
  }
  const changesProtocol = change.Protocols !== undefined && change.Protocols.join() !== (current.Protocols ?? []).join();
  if (changesProtocol && current.ComputeTypeName !== undefined && isGraphicsCompute(current.ComputeTypeName)) {
    violations.push(
      violation(`${field}.Protocols`, "protocolOfGraphics", `the protocol of a ${current.ComputeTypeName} WorkSpace cannot be changed`),
    );
  }
  return violations;
}

/** When a WorkSpace was created and last changed, for the waits AWS imposes between modifications. */
export interface ModificationHistory {
  createdAt: number;
  volumesGrownAt?: number;
  computeIncreasedAt?: number;
  computeDecreasedAt?: number;
}

/** Whether the compute type would grow (1), shrink (-1) or stay (0). */
export function computeDirection(from: string | undefined, to: string | undefined): -1 | 0 | 1 {
  if (from === undefined || to === undefined || from === to) return 0;
  return COMPUTE_ORDER.indexOf(to) > COMPUTE_ORDER.indexOf(from) ? 1 : -1;
}

/**
 * The admin guide's waits: volumes once in 6 hours, a larger compute type once in 6 hours, a smaller one once in 30
 * days, and neither volumes nor a larger compute type in a WorkSpace's first 6 hours. `scale` shortens every wait
 * (0 turns them off), for tests.
 */
export function checkModificationWaits(
  current: WorkspaceProperties,
  change: WorkspaceProperties,
  history: ModificationHistory,
  now: number,
  scale = 1,
): Violation[] {
  const field = "WorkspaceProperties";
  const waits: Violation[] = [];
  const since = (at: number | undefined, ms: number, what: string) => {
    if (at !== undefined && now < at + ms * scale) {
      const hours = Math.ceil((at + ms * scale - now) / HOUR_MS);
      waits.push(
        violation(field, "coolDown", `${what}; try again in ${hours} hour${hours === 1 ? "" : "s"}`, FAILED_REQUEST_CODES.invalidState),
      );
    }
  };
  const growsVolume =
    (change.RootVolumeSizeGib ?? 0) > (current.RootVolumeSizeGib ?? 0) ||
    (change.UserVolumeSizeGib ?? 0) > (current.UserVolumeSizeGib ?? 0);
  const direction = computeDirection(current.ComputeTypeName, change.ComputeTypeName);
  if (growsVolume || direction === 1) {
    since(history.createdAt, COOL_DOWNS.afterCreateMs, "a WorkSpace's volumes and compute type cannot grow in its first 6 hours");
  }
  if (growsVolume) since(history.volumesGrownAt, COOL_DOWNS.volumeMs, "the volumes of a WorkSpace can grow once in 6 hours");
  if (direction === 1) {
    since(history.computeIncreasedAt, COOL_DOWNS.computeIncreaseMs, "a WorkSpace can move to a larger compute type once in 6 hours");
  }
  if (direction === -1) {
    since(history.computeDecreasedAt, COOL_DOWNS.computeDecreaseMs, "a WorkSpace can move to a smaller compute type once in 30 days");
  }
  return waits.slice(0, 1);
}

/** Graphics compute types can be neither changed nor changed into; also the compute types a bundle offers at creation. */
export function isUnsupportedComputeChange(from: string | undefined, to: string | undefined): boolean {
  if (from === undefined || to === undefined || from === to) return false;
  return isGraphicsCompute(from) || isGraphicsCompute(to);
}
