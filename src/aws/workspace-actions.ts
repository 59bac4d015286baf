// The fleet actions (start, stop, reboot, rebuild, restore, terminate): each item checked against AWS's rules before
// any write, the WorkSpaces' states read once (25 a call) so what AWS would refuse is refused without a write, the
// rest sent in calls of as many as AWS takes, and AWS's FailedRequests mapped back onto the items in input order.

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
import type { AwsSession } from "./session.ts";
import type { Upstream, WriteOptions } from "./upstream.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { createWorkspaceLoader } from "./workspaces.ts";

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

/** Where an item's ID is in the input: Restore takes one WorkSpaceId, the others a list. */
const fieldOf = (action: WorkspaceAction, index: number) => (action === "RestoreWorkspace" ? "WorkspaceId" : `WorkspaceIds[${index}]`);

/** Items the rules refuse without knowing the WorkSpace: a malformed ID, or one named twice. */
function checkIds(action: WorkspaceAction, workspaceIds: string[]): Map<number, ActionOutcome> {
  const refused = new Map<number, ActionOutcome>();
  const firstIndexOf = new Map<string, number>();
  workspaceIds.forEach((id, index) => {
    const field = fieldOf(action, index);
    const violations = checkWorkspaceId(id, field);
    const earlier = firstIndexOf.get(id);
    if (violations.length === 0 && earlier !== undefined) {
      violations.push(violation(field, "duplicate", `repeats the WorkSpace at index ${earlier}`));
    }
    if (violations.length > 0) refused.set(index, { kind: "failed", failure: invalid(violations) });
    else firstIndexOf.set(id, index);
  });
  return refused;
}

/**
 * Why AWS would refuse `action` on each WorkSpace, from one fresh read of their states (25 IDs a call). A WorkSpace
 * the read did not find, or whose read failed, goes to AWS, which has the last word.
 */
async function checkStates(session: AwsSession, action: WorkspaceAction, workspaceIds: string[]): Promise<(Violation | undefined)[]> {
  // Fresh: a read in flight since before this request (a subscription's tick) could show a state already left.
  const reads = createWorkspaceLoader(session.services.upstream, session.readOptions(true));
  const workspaces = await reads.loadMany(workspaceIds);
  return workspaces.map((workspace) =>
    workspace && !(workspace instanceof Error)
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
 * Runs `action` on the WorkSpaces, one outcome per ID in input order. The caller has checked the list's size
 * against ACTION_REQUEST_LIMITS.
 */
export async function actOnWorkspaces(session: AwsSession, action: WorkspaceAction, workspaceIds: string[]): Promise<ActionOutcome[]> {
  const { upstream } = session.services;
  const outcomes = checkIds(action, workspaceIds);
  let accepted = workspaceIds.map((_, index) => index).filter((index) => !outcomes.has(index));
  const refusals = await checkStates(
    session,
    action,
    accepted.map((index) => workspaceIds[index]!),
  );
  refusals.forEach((refused, i) => {
    const index = accepted[i]!;
    if (refused) {
      const failure = invalid([violation(fieldOf(action, index), refused.rule, refused.detail, refused.code)]);
      outcomes.set(index, { kind: "failed", failure });
    }
  });
  accepted = accepted.filter((index) => !outcomes.has(index));
  const size = batchSizeOf(action);
  const batches: number[][] = [];
  for (let start = 0; start < accepted.length; start += size) batches.push(accepted.slice(start, start + size));
  const sent = await pMap(
    batches,
    async (batch) => {
      const ids = batch.map((index) => workspaceIds[index]!);
      try {
        const failed = await send(upstream, action, ids, session.writeOptions());
        return ids.map((id) => failed.get(id));
      } catch (error) {
        return ids.map(() => failureOf(error));
      }
    },
    { concurrency: ACTION_CONCURRENCY },
  );
  // Created after every write has answered, so nothing it reads predates them.
  const rereads = createWorkspaceLoader(upstream, session.readOptions(true));
  const reread = async (workspaceId: string) => {
    const workspace = await rereads.load(workspaceId);
    if (workspace) session.workspaces.clear(workspaceId).prime(workspaceId, workspace);
    return workspace;
  };
  batches.forEach((batch, b) => {
    batch.forEach((index, i) => {
      const failure = sent[b]![i];
      const workspaceId = workspaceIds[index]!;
      outcomes.set(index, failure ? { kind: "failed", failure } : { kind: "accepted", workspaceId, workspace: () => reread(workspaceId) });
    });
  });
  return workspaceIds.map((_, index) => outcomes.get(index)!);
}
