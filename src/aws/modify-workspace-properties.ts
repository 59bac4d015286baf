// ModifyWorkspaceProperties for up to 25 WorkSpaces, each in the partition it names: each checked against AWS's rules
// (those that depend on the WorkSpace's current properties against one read of them per partition), sent concurrently
// with a bound (one failing never holds up or hides the others), then each modified WorkSpace read afresh, batched
// per partition.

import type { ModifyWorkspacePropertiesRequest } from "@aws-sdk/client-workspaces";
import { ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import type { Violation } from "../constraints.ts";
import { checkModificationAgainst, validateModifyWorkspaceProperties, violation } from "../constraints.ts";
import { pascalCase } from "./camel-case.ts";
import type { Failure } from "./failure.ts";
import type { PartitionChoice } from "./fleet.ts";
import { rereads } from "./reads.ts";
import type { AwsSession } from "./session.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { DESCRIBE_WORKSPACES } from "./workspaces.ts";
import type { WriteItem } from "./writes.ts";
import { againstCurrent, describeWrite, place } from "./writes.ts";

const MODIFY_CONCURRENCY = 5;

export type ModifyOutcome =
  /** AWS accepted the change; the WorkSpace as AWS shows it after the call (null if that read failed). */
  | { kind: "modified"; workspace: WorkspaceShape | null }
  /** Refused by the gateway (kind invalid, AWS member paths under `Modifications[i]`) or by AWS, or the call failed. */
  | { kind: "failed"; failure: Failure };

/** A change to one WorkSpace, and the partition the input names for it. */
export interface ModifyItem {
  request: ModifyWorkspacePropertiesRequest;
  choice: PartitionChoice;
}

type Modification = WriteItem<ModifyWorkspacePropertiesRequest>;

/** Whether AWS's rules for this change depend on the current properties: volumes, protocol, a timeout without a mode. */
function needsCurrent(request: ModifyWorkspacePropertiesRequest): boolean {
  const change = request.WorkspaceProperties ?? {};
  return (
    change.RootVolumeSizeGib !== undefined ||
    change.UserVolumeSizeGib !== undefined ||
    change.Protocols !== undefined ||
    (change.RunningModeAutoStopTimeoutInMinutes !== undefined && change.RunningMode === undefined)
  );
}

/** Violations of a request's members, under its item's path. */
const under = (path: string, violations: Violation[]) => violations.map((v) => violation(`${path}.${v.field}`, v.rule, v.detail, v.code));

const MODIFY_WORKSPACE_PROPERTIES = describeWrite({
  command: ModifyWorkspacePropertiesCommand,
  // AWS takes one WorkSpace a call, its change the whole input.
  batchSize: 1,
  concurrency: MODIFY_CONCURRENCY,
  key: (request: ModifyWorkspacePropertiesRequest) => request.WorkspaceId!,
  rules: ({ request, path }: Modification) => under(path, validateModifyWorkspaceProperties(request)),
  repeats: ({ path }: Modification, earlier: number) =>
    violation(`${path}.WorkspaceId`, "duplicate", `repeats the modification at index ${earlier}; one change per WorkSpace at a time`),
  // Against the current properties (a volume shrunk, both grown at once, a graphics WorkSpace's protocol changed), read
  // fresh: a read in flight since before this request could predate a change just made.
  current: againstCurrent(
    DESCRIBE_WORKSPACES,
    true,
    ({ request }: Modification) => (needsCurrent(request) ? request.WorkspaceId : undefined),
    ({ request, path }, workspace) =>
      under(path, checkModificationAgainst(pascalCase(workspace.workspaceProperties ?? {}), request.WorkspaceProperties ?? {})),
  ),
});

/** One outcome per item, in input order. */
export async function modifyWorkspaceProperties(session: AwsSession, items: ModifyItem[]): Promise<ModifyOutcome[]> {
  const placed = place(
    session,
    items.map((item, index) => ({ ...item, path: `Modifications[${index}]` })),
  );
  const outcomes = await MODIFY_WORKSPACE_PROPERTIES.run(session, placed);
  // Read afresh: a read in flight since before the modify (a subscription's tick) would show the old state.
  const reread = rereads(session, DESCRIBE_WORKSPACES);
  return Promise.all(
    outcomes.map(async (outcome, index): Promise<ModifyOutcome> => {
      if (outcome.kind === "failed") return { kind: "failed", failure: outcome.failure };
      // The change was made: a failed re-read must not turn it into a failure, so the WorkSpace is then null.
      const workspace = await reread(outcome.partition, items[index]!.request.WorkspaceId!).catch(() => null);
      return { kind: "modified", workspace };
    }),
  );
}
