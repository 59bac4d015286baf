// The WorkSpace actions (start, stop, reboot, rebuild, restore, terminate): each item in the partition it names, checked
// against AWS's rules before any write, the WorkSpaces' states read once (25 a call per partition) so what AWS would
// refuse is refused without a write, the rest sent in calls of as many as AWS takes within each partition, and AWS's
// FailedRequests mapped back onto the items in input order.

import type { FailedWorkspaceChangeRequest } from "@aws-sdk/client-workspaces";
import {
  RebootWorkspacesCommand,
  RebuildWorkspacesCommand,
  RestoreWorkspaceCommand,
  StartWorkspacesCommand,
  StopWorkspacesCommand,
  TerminateWorkspacesCommand,
} from "@aws-sdk/client-workspaces";
import pMap from "p-map";
import type { Violation, WorkspaceAction } from "../constraints.ts";
import { checkWorkspaceAction, checkWorkspaceId, violation, WORKSPACE_ACTIONS } from "../constraints.ts";
import { pascalCase } from "./camel-case.ts";
import type { Failure } from "./failure.ts";
import { failureOf, invalid, refusal } from "./failure.ts";
import type { Partition, PartitionChoice } from "./fleet.ts";
import { callsByPartition, isPartition } from "./fleet.ts";
import type { AwsSession } from "./session.ts";
import type { Upstream, WriteOptions } from "./upstream.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { DESCRIBE_WORKSPACES } from "./workspaces.ts";

/** Items one mutation takes: four calls of 25, or for Rebuild (one a call) and Restore (one WorkSpace) fewer. */
export const ACTION_REQUEST_LIMITS: Record<WorkspaceAction, number> = {
  StartWorkspaces: 100,
  StopWorkspaces: 100,
  RebootWorkspaces: 100,
  RebuildWorkspaces: 25,
  RestoreWorkspace: 1,
  TerminateWorkspaces: 100,
};

/** Calls of one action in flight at once: Rebuild's 25 single-item calls go 5 at a time. */
const ACTION_CONCURRENCY = 5;

/** IDs per call of `action`: as many as AWS takes. */
export function batchSizeOf(action: WorkspaceAction): number {
  const rule: { states: readonly string[]; size?: { max: number } } = WORKSPACE_ACTIONS[action];
  return rule.size?.max ?? 1;
}

export type ActionOutcome =
  /** AWS accepted the action; `workspace()` reads the WorkSpace afresh (batched with the others), as AWS shows it now. */
  | { kind: "accepted"; workspaceId: string; workspace: () => Promise<WorkspaceShape | null> }
  /** Refused by the gateway (kind invalid, at `WorkspaceIds[i]`, or Restore's `WorkspaceId`) or by AWS, or the call failed. */
  | { kind: "failed"; failure: Failure };

/** A WorkSpace an action names: its ID, the partition the input names for it, and where both are in the input. */
export interface ActionTarget {
  workspaceId: string;
  choice: PartitionChoice;
  /** AWS member paths: of the ID (`WorkspaceIds[3]`, `Workspaces[3].WorkspaceId`), and of what holds its partition. */
  idField: string;
  partitionField: string;
}

/** Items refused without knowing the WorkSpace: a partition not found, a malformed ID, or one named twice. */
function checkTargets(session: AwsSession, targets: ActionTarget[], partitions: Partition[]): Map<number, ActionOutcome> {
  const refused = new Map<number, ActionOutcome>();
  const firstIndexOf = new Map<string, number>();
  targets.forEach(({ workspaceId, choice, idField, partitionField }, index) => {
    const found = session.services.fleet.locate(choice, partitionField);
    if (!isPartition(found)) {
      refused.set(index, { kind: "failed", failure: invalid([found]) });
      return;
    }
    partitions[index] = found;
    const violations = checkWorkspaceId(workspaceId, idField);
    const key = `${found.key}/${workspaceId}`;
    const earlier = firstIndexOf.get(key);
    if (violations.length === 0 && earlier !== undefined) {
      violations.push(violation(idField, "duplicate", `repeats the WorkSpace at index ${earlier}`));
    }
    if (violations.length > 0) refused.set(index, { kind: "failed", failure: invalid(violations) });
    else firstIndexOf.set(key, index);
  });
  return refused;
}

/**
 * Why AWS would refuse `action` on each WorkSpace, from one fresh read of their states (25 IDs a call per partition).
 * A WorkSpace the read did not find, or whose read failed, goes to AWS, which has the last word.
 */
async function checkStates(
  session: AwsSession,
  action: WorkspaceAction,
  targets: { workspaceId: string; partition: Partition }[],
): Promise<(Violation | undefined)[]> {
  // Fresh: a read in flight since before this request (a subscription's tick) could show a state already left.
  const reads = session.freshReads();
  const workspaces = await Promise.all(
    targets.map(({ workspaceId, partition }) =>
      reads(partition)
        .loader(DESCRIBE_WORKSPACES)
        .load(workspaceId)
        .catch(() => null),
    ),
  );
  return workspaces.map((workspace) =>
    workspace
      ? checkWorkspaceAction(action, { State: workspace.state, WorkspaceProperties: pascalCase(workspace.workspaceProperties ?? {}) })
      : undefined,
  );
}

/** One call of `action` for `workspaceIds` (one ID for Rebuild and Restore); AWS's per-item refusals. */
async function send(upstream: Upstream, action: WorkspaceAction, workspaceIds: string[], options: WriteOptions) {
  const requests = workspaceIds.map((WorkspaceId) => ({ WorkspaceId }));
  let failed: FailedWorkspaceChangeRequest[] | undefined;
  // Upstream.write retries only throttled calls: an ambiguous failure (a terminate that may have applied) is never sent again.
  switch (action) {
    case "StartWorkspaces":
      ({ FailedRequests: failed } = await upstream.write(new StartWorkspacesCommand({ StartWorkspaceRequests: requests }), options));
      break;
    case "StopWorkspaces":
      ({ FailedRequests: failed } = await upstream.write(new StopWorkspacesCommand({ StopWorkspaceRequests: requests }), options));
      break;
    case "RebootWorkspaces":
      ({ FailedRequests: failed } = await upstream.write(new RebootWorkspacesCommand({ RebootWorkspaceRequests: requests }), options));
      break;
    case "RebuildWorkspaces":
      ({ FailedRequests: failed } = await upstream.write(new RebuildWorkspacesCommand({ RebuildWorkspaceRequests: requests }), options));
      break;
    case "TerminateWorkspaces":
      ({ FailedRequests: failed } = await upstream.write(
        new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: requests }),
        options,
      ));
      break;
    case "RestoreWorkspace":
      // Restore takes one WorkSpace and refuses it with an exception, which the caller makes the item's failure.
      await upstream.write(new RestoreWorkspaceCommand({ WorkspaceId: workspaceIds[0] }), options);
      break;
  }
  return new Map((failed ?? []).map((f) => [f.WorkspaceId, refusal(f.ErrorCode ?? "UnknownError", f.ErrorMessage ?? "")]));
}

/**
 * Runs `action` on the WorkSpaces, one outcome per target in input order. The caller has checked the list's size
 * against ACTION_REQUEST_LIMITS.
 */
export async function actOnWorkspaces(session: AwsSession, action: WorkspaceAction, targets: ActionTarget[]): Promise<ActionOutcome[]> {
  const partitions: Partition[] = [];
  const outcomes = checkTargets(session, targets, partitions);
  let accepted = targets.map((_, index) => index).filter((index) => !outcomes.has(index));
  const refusals = await checkStates(
    session,
    action,
    accepted.map((index) => ({ workspaceId: targets[index]!.workspaceId, partition: partitions[index]! })),
  );
  refusals.forEach((refused, i) => {
    const index = accepted[i]!;
    if (refused) {
      const failure = invalid([violation(targets[index]!.idField, refused.rule, refused.detail, refused.code)]);
      outcomes.set(index, { kind: "failed", failure });
    }
  });
  accepted = accepted.filter((index) => !outcomes.has(index));
  // Calls of as many as AWS takes, within each partition.
  const batches = callsByPartition(accepted, (index) => partitions[index]!, batchSizeOf(action));
  const sent = await pMap(
    batches,
    async ({ partition, indexes }) => {
      const ids = indexes.map((index) => targets[index]!.workspaceId);
      try {
        const failed = await send(partition.upstream, action, ids, session.writeOptions());
        return ids.map((id) => failed.get(id));
      } catch (error) {
        return ids.map(() => failureOf(error));
      }
    },
    { concurrency: ACTION_CONCURRENCY },
  );
  // Made after every write has answered, so nothing they read predates them.
  const rereads = session.freshReads();
  const reread = async (partition: Partition, workspaceId: string) => {
    const workspace = await rereads(partition).loader(DESCRIBE_WORKSPACES).load(workspaceId);
    if (workspace) session.in(partition).loader(DESCRIBE_WORKSPACES).clear(workspaceId).prime(workspaceId, workspace);
    return workspace;
  };
  batches.forEach(({ partition, indexes }, b) => {
    indexes.forEach((index, i) => {
      const failure = sent[b]![i];
      const { workspaceId } = targets[index]!;
      outcomes.set(
        index,
        failure ? { kind: "failed", failure } : { kind: "accepted", workspaceId, workspace: () => reread(partition, workspaceId) },
      );
    });
  });
  return targets.map((_, index) => outcomes.get(index)!);
}
