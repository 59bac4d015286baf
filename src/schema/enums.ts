// AWS's enums, with the values taken from the SDK's own constants so a newer SDK brings its new values along.
import {
  AGAModeForWorkSpaceEnum,
  AGAPreferredProtocolForWorkSpace,
  BundleType,
  Compute,
  DataReplication,
  ModificationResourceEnum,
  ModificationStateEnum,
  OperatingSystemName,
  Protocol,
  RunningMode,
  StandbyWorkspaceRelationshipType,
  WorkspaceBundleState,
  WorkspaceState,
} from "@aws-sdk/client-workspaces";
import { builder } from "./builder.ts";
import { gatewayError } from "./failures.ts";

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
