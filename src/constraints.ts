// The facts of the WorkSpaces service model and documentation, shared by the emulator (which enforces them
// the way AWS does) and the gateway (which checks them before spending an AWS call).

import type {
  DescribeWorkspaceBundlesRequest,
  DescribeWorkspaceDirectoriesRequest,
  DescribeWorkspacesRequest,
  ModifyWorkspacePropertiesRequest,
  WorkspaceProperties,
  WorkspaceRequest,
} from "@aws-sdk/client-workspaces";
import { Compute, RunningMode } from "@aws-sdk/client-workspaces";

export const WORKSPACE_ID_PATTERN = /^ws-[0-9a-z]{8,63}$/;
export const DIRECTORY_ID_PATTERN = /^d-[0-9a-f]{8,63}$/;
export const DIRECTORY_ID_LENGTH = { min: 10, max: 65 };
export const BUNDLE_ID_PATTERN = /^wsb-[0-9a-z]{8,63}$/;
export const USER_NAME_LENGTH = { min: 1, max: 63 };
export const LIMIT_RANGE = { min: 1, max: 25 };
export const NEXT_TOKEN_LENGTH = { min: 1, max: 2048 };
export const ID_LIST_SIZE = { min: 1, max: 25 };
export const CREATE_BATCH_SIZE = { min: 1, max: 25 };
export const TAG_KEY_LENGTH = { min: 1, max: 127 };
export const TAG_VALUE_LENGTH = { min: 0, max: 255 };
export const TAGS_PER_WORKSPACE = { min: 0, max: 50 };
export const PAGE_SIZE = 25;
export const NEXT_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
export const AUTO_STOP_INCREMENT_MINUTES = 60;
export const MODIFIABLE_STATES: ReadonlySet<string> = new Set(["AVAILABLE", "STOPPED"]);

/** AWS answers this code for an item whose directory does not exist. */
export const FAILED_REQUEST_CODES = {
  directoryNotFound: "ResourceNotFound.Directory",
  bundleNotFound: "ResourceNotFound.Bundle",
  workspaceExists: "ResourceExists.Workspace",
  autoStopWithAlwaysOn: "AutoStopTimeoutIsNotApplicableForAnAlwaysOnWorkspace",
  encryptionKeyMissing: "InvalidParameterValues.VolumeEncryptionKey",
  invalidParameter: "InvalidParameterValuesException",
} as const;

/** AWS allows one WorkSpace per user, bundle and directory; user names are case-insensitive. */
export function workspaceOwnerKey(request: { DirectoryId?: string; UserName?: string; BundleId?: string }): string {
  return `${request.DirectoryId}/${(request.UserName ?? "").toLowerCase()}/${request.BundleId}`;
}

/** Graphics compute types can be neither changed nor changed into, as the WorkSpaces guide documents. */
export function isGraphicsCompute(compute: string): boolean {
  return compute.startsWith(Compute.GRAPHICS);
}

/** The root/user volume combinations the WorkSpaces guide allows when modifying a workspace. */
export function isAllowedVolumeCombination(rootGib: number, userGib: number): boolean {
  if (rootGib === 80) return userGib === 10 || userGib === 50 || userGib === 100;
  return rootGib >= 175 && rootGib <= 2000 && userGib >= 100 && userGib <= 2000;
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

export function checkNextToken(value: string | undefined, field = "NextToken"): Violation[] {
  return value === undefined ? [] : checkLength(value, NEXT_TOKEN_LENGTH, field);
}

function checkIdList(ids: unknown[], field: string, check: (id: unknown, field: string) => Violation[]) {
  return [...checkListSize(ids, ID_LIST_SIZE, field), ...ids.flatMap((id, i) => check(id, `${field}[${i}]`))];
}

export function validateDescribeWorkspaces(request: DescribeWorkspacesRequest): Violation[] {
  const filters = [request.WorkspaceIds, request.DirectoryId, request.BundleId].filter((f) => f !== undefined);
  const violations: Violation[] = [];
  if (filters.length > 1) {
    violations.push(violation("WorkspaceIds", "oneFilter", "only one of WorkspaceIds, DirectoryId and BundleId may be given"));
  }
  if (request.UserName !== undefined && request.DirectoryId === undefined) {
    violations.push(violation("UserName", "requires", "can only be given with DirectoryId"));
  }
  if (request.WorkspaceIds !== undefined) violations.push(...checkIdList(request.WorkspaceIds, "WorkspaceIds", checkWorkspaceId));
  if (request.DirectoryId !== undefined) violations.push(...checkDirectoryId(request.DirectoryId));
  if (request.UserName !== undefined) violations.push(...checkUserName(request.UserName));
  if (request.BundleId !== undefined) violations.push(...checkBundleId(request.BundleId));
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
  if (request.Limit !== undefined) violations.push(...checkInteger(request.Limit, LIMIT_RANGE, "Limit"));
  violations.push(...checkNextToken(request.NextToken));
  return violations;
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

/** Enum members must hold one of the model's values. */
function checkPropertyEnums(properties: WorkspaceProperties | undefined, field: string): Violation[] {
  if (!properties) return [];
  const violations: Violation[] = [];
  const enums = [
    ["RunningMode", RunningMode],
    ["ComputeTypeName", Compute],
  ] as const;
  for (const [member, values] of enums) {
    const value = properties[member];
    if (value !== undefined && !(Object.values(values) as string[]).includes(value)) {
      violations.push(violation(`${field}.${member}`, "enum", `must be one of ${Object.values(values).join(", ")}`));
    }
  }
  return violations;
}

/** What the service model itself refuses in one WorkspaceRequest; AWS rejects the whole call for these. */
export function checkWorkspaceRequestShape(request: WorkspaceRequest, field: string): Violation[] {
  const tags = request.Tags ?? [];
  return [
    ...checkDirectoryId(request.DirectoryId, `${field}.DirectoryId`),
    ...checkUserName(request.UserName, `${field}.UserName`),
    ...checkBundleId(request.BundleId, `${field}.BundleId`),
    ...checkPropertyEnums(request.WorkspaceProperties, `${field}.WorkspaceProperties`),
    ...checkListSize(tags, TAGS_PER_WORKSPACE, `${field}.Tags`),
    ...tags.flatMap((tag, i) => [
      ...checkLength(tag.Key, TAG_KEY_LENGTH, `${field}.Tags[${i}].Key`),
      ...(tag.Value === undefined ? [] : checkLength(tag.Value, TAG_VALUE_LENGTH, `${field}.Tags[${i}].Value`)),
    ]),
  ];
}

/** Volume sizes, where given, are whole positive GiB. */
function checkVolumeSizes(properties: WorkspaceProperties, field: string): Violation[] {
  return (["RootVolumeSizeGib", "UserVolumeSizeGib"] as const).flatMap((member) => {
    const size = properties[member];
    return size !== undefined && (!Number.isInteger(size) || size <= 0)
      ? [violation(`${field}.${member}`, "range", "must be a positive integer")]
      : [];
  });
}

/** What AWS refuses item by item in CreateWorkspaces, answering it in FailedRequests. */
export function checkWorkspaceRequestRules(request: WorkspaceRequest, field: string): Violation[] {
  const violations: Violation[] = [];
  const properties = request.WorkspaceProperties;
  if (properties) {
    violations.push(...checkVolumeSizes(properties, `${field}.WorkspaceProperties`));
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

export function validateCreateWorkspaces(requests: WorkspaceRequest[]): Violation[] {
  return [
    ...checkListSize(requests, CREATE_BATCH_SIZE, "Workspaces"),
    ...requests.flatMap((request, i) => checkWorkspaceRequestShape(request, `Workspaces[${i}]`)),
  ];
}

/** What can be checked of a modification without knowing the workspace's current properties. */
export function validateModifyWorkspaceProperties(request: ModifyWorkspacePropertiesRequest): Violation[] {
  const violations = checkWorkspaceId(request.WorkspaceId);
  const properties = request.WorkspaceProperties;
  if (!properties) {
    return [...violations, violation("WorkspaceProperties", "required", "is required")];
  }
  const field = "WorkspaceProperties";
  if (Object.values(properties).every((value) => value === undefined)) {
    violations.push(violation(field, "required", "must change at least one property"));
  }
  violations.push(...checkPropertyEnums(properties, field));
  const changesVolume = properties.RootVolumeSizeGib !== undefined || properties.UserVolumeSizeGib !== undefined;
  if (changesVolume && properties.ComputeTypeName !== undefined) {
    violations.push(violation(field, "computeOrVolume", "ComputeTypeName and volume sizes cannot be changed in the same call"));
  }
  violations.push(...checkVolumeSizes(properties, field));
  if (
    properties.RootVolumeSizeGib !== undefined &&
    properties.UserVolumeSizeGib !== undefined &&
    !isAllowedVolumeCombination(properties.RootVolumeSizeGib, properties.UserVolumeSizeGib)
  ) {
    violations.push(
      violation(field, "volumeCombination", "root and user volume sizes must be 80 with 10, 50 or 100, or 175 to 2000 with 100 to 2000"),
    );
  }
  violations.push(...checkRunningMode(properties, properties.RunningMode, field));
  return violations;
}

/** Rules that need the workspace's current properties; the emulator applies them as AWS does. */
export function checkModificationAgainst(current: WorkspaceProperties, change: WorkspaceProperties): Violation[] {
  const field = "WorkspaceProperties";
  const violations = checkRunningMode(change, change.RunningMode ?? current.RunningMode, field);
  const root = change.RootVolumeSizeGib ?? current.RootVolumeSizeGib ?? 0;
  const user = change.UserVolumeSizeGib ?? current.UserVolumeSizeGib ?? 0;
  if (root < (current.RootVolumeSizeGib ?? 0) || user < (current.UserVolumeSizeGib ?? 0)) {
    violations.push(violation(field, "noShrink", "volumes can only grow"));
  } else if (
    (change.RootVolumeSizeGib !== undefined || change.UserVolumeSizeGib !== undefined) &&
    !isAllowedVolumeCombination(root, user)
  ) {
    violations.push(
      violation(field, "volumeCombination", "root and user volume sizes must be 80 with 10, 50 or 100, or 175 to 2000 with 100 to 2000"),
    );
  }
  return violations;
}

export function isUnsupportedComputeChange(from: string | undefined, to: string | undefined): boolean {
  if (from === undefined || to === undefined || from === to) return false;
  return isGraphicsCompute(from) || isGraphicsCompute(to);
}
