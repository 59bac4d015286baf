// AWS's enums, with the values taken from the SDK's own constants so a newer SDK brings its new values along.
import {
  AccessEndpointType,
  AccessPropertyValue,
  AGAModeForWorkSpaceEnum,
  AGAPreferredProtocolForWorkSpace,
  BundleType,
  CertificateBasedAuthStatusEnum,
  Compute,
  ConnectionState,
  DataReplication,
  DescribeWorkspaceDirectoriesFilterName,
  EndpointEncryptionMode,
  InternetFallbackProtocol,
  ModificationResourceEnum,
  ModificationStateEnum,
  OperatingSystemName,
  Protocol,
  ReconnectEnum,
  RunningMode,
  SamlStatusEnum,
  StandbyWorkspaceRelationshipType,
  Tenancy,
  UserIdentityType,
  WorkspaceBundleState,
  WorkspaceDirectoryState,
  WorkspaceDirectoryType,
  WorkspaceState,
  WorkspaceType,
} from "@aws-sdk/client-workspaces";
import { builder } from "./builder.ts";
import { gatewayError } from "./errors.ts";

function enumFrom<T extends Record<string, string>>(name: string, values: T, description: string) {
  return builder.enumType(name, { values: Object.values(values) as T[keyof T][], description });
}

export const WorkspaceStateEnum = enumFrom("WorkspaceState", WorkspaceState, "The state of a WorkSpace, as AWS reports it.");
export const ComputeEnum = enumFrom("Compute", Compute, "A WorkSpaces compute type (VALUE, STANDARD, ..., POWERPRO, GRAPHICSPRO, ...).");
export const RunningModeEnum = enumFrom("RunningMode", RunningMode, "How a WorkSpace runs: always on, auto-stopped, or manual.");
export const ModificationResourceEnumType = enumFrom(
  "ModificationResourceEnum",
  ModificationResourceEnum,
  "What a WorkSpace modification changes.",
);
export const ModificationStateEnumType = enumFrom(
  "ModificationStateEnum",
  ModificationStateEnum,
  "How far a WorkSpace modification has come.",
);
export const ProtocolEnum = enumFrom("Protocol", Protocol, "A streaming protocol: PCoIP or WorkSpaces Streaming Protocol (WSP).");
export const OperatingSystemNameEnum = enumFrom("OperatingSystemName", OperatingSystemName, "The operating system a WorkSpace runs.");
export const GlobalAcceleratorModeEnum = enumFrom(
  "GlobalAcceleratorMode",
  AGAModeForWorkSpaceEnum,
  "Whether a WorkSpace streams through AWS Global Accelerator: off, on, or as its directory says (INHERITED).",
);
export const GlobalAcceleratorPreferredProtocolEnum = enumFrom(
  "GlobalAcceleratorPreferredProtocol",
  AGAPreferredProtocolForWorkSpace,
  "The protocol a WorkSpace prefers through Global Accelerator: TCP, none, or as its directory says (INHERITED).",
);
export const StandbyWorkspaceRelationshipTypeEnum = enumFrom(
  "StandbyWorkspaceRelationshipType",
  StandbyWorkspaceRelationshipType,
  "What a related WorkSpace is to this one, for business continuity: its PRIMARY or its STANDBY.",
);
export const DataReplicationEnum = enumFrom(
  "DataReplication",
  DataReplication,
  "Whether a primary WorkSpace replicates its data to its standby (PRIMARY_AS_SOURCE) or not.",
);
export const BundleStateEnum = enumFrom("BundleState", WorkspaceBundleState, "Whether a bundle can be used yet.");
export const BundleTypeEnum = enumFrom("BundleType", BundleType, "A bundle for regular WorkSpaces, or for standby WorkSpaces.");
export const DirectoryTypeEnum = enumFrom("DirectoryType", WorkspaceDirectoryType, "What kind of directory holds the users.");
export const DirectoryStateEnum = enumFrom(
  "DirectoryState",
  WorkspaceDirectoryState,
  "Where a directory's registration with WorkSpaces is.",
);
export const TenancyEnum = enumFrom("Tenancy", Tenancy, "Whether the directory's WorkSpaces run on dedicated hardware (BYOL) or shared.");
export const AccessPropertyValueEnum = enumFrom("AccessPropertyValue", AccessPropertyValue, "Whether a kind of client device may connect.");
export const SelfservicePermissionEnum = enumFrom(
  "SelfservicePermission",
  ReconnectEnum,
  "Whether users may do something to their own WorkSpaces from the client.",
);
export const SamlStatusEnumType = enumFrom("SamlStatus", SamlStatusEnum, "Whether users sign in through a SAML 2.0 identity provider.");
export const CertificateBasedAuthStatusEnumType = enumFrom(
  "CertificateBasedAuthStatus",
  CertificateBasedAuthStatusEnum,
  "Whether users sign in with certificates from AWS Private CA.",
);
export const EndpointEncryptionModeEnum = enumFrom(
  "EndpointEncryptionMode",
  EndpointEncryptionMode,
  "How streaming endpoints are encrypted: standard TLS or FIPS-validated.",
);
export const UserIdentityTypeEnum = enumFrom("UserIdentityType", UserIdentityType, "Where a directory's users come from.");
export const WorkspaceTypeEnum = enumFrom("WorkspaceType", WorkspaceType, "WorkSpaces Personal or WorkSpaces Pools.");
export const AccessEndpointTypeEnum = enumFrom("AccessEndpointType", AccessEndpointType, "What an access endpoint carries.");
export const InternetFallbackProtocolEnum = enumFrom(
  "InternetFallbackProtocol",
  InternetFallbackProtocol,
  "A protocol clients may fall back to over the internet when the VPC endpoint cannot be reached.",
);
export const ConnectionStateEnum = enumFrom(
  "ConnectionState",
  ConnectionState,
  "Whether a user is connected to a WorkSpace; UNKNOWN while AWS cannot tell (the WorkSpace is not running).",
);
export const DirectoryFilterNameEnum = enumFrom(
  "DirectoryFilterName",
  DescribeWorkspaceDirectoriesFilterName,
  "A directory member DescribeWorkspaceDirectories can filter on.",
);

/**
 * A value AWS sent that this schema does not know (a newer service than our SDK) becomes null, so one new value
 * never fails the rest of a response.
 */
export function knownValue<T extends Record<string, string>>(values: T, value: string | undefined): T[keyof T] | null {
  return value !== undefined && valueSetOf(values).has(value) ? (value as T[keyof T]) : null;
}

/** A value AWS always sends, for a non-null field: one this schema does not know fails that field, as it must. */
export function requiredValue<T extends Record<string, string>>(values: T, value: string | undefined, field: string): T[keyof T] {
  const known = knownValue(values, value);
  if (known === null) throw gatewayError("UPSTREAM_ERROR", `${field}: AWS sent "${value}", which this gateway does not know; upgrade it.`);
  return known;
}

// Resolved for every field of every WorkSpace: each enum's values are gathered once.
const valueSets = new WeakMap<Record<string, string>, Set<string>>();

function valueSetOf(values: Record<string, string>): Set<string> {
  let set = valueSets.get(values);
  if (!set) {
    set = new Set(Object.values(values));
    valueSets.set(values, set);
  }
  return set;
}
