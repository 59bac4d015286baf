// The WorkSpace actions (start, stop, reboot, rebuild, restore, terminate), each described once: each item in the
// partition it names, checked against AWS's rules before any write, the WorkSpaces' states read once (25 a call per
// partition) so what AWS would refuse is refused without a write, the rest sent in calls of as many as AWS takes within
// each partition, and AWS's FailedRequests mapped back onto the items in input order.

import type { FailedWorkspaceChangeRequest, ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-workspaces";
import {
  RebootWorkspacesCommand,
  RebuildWorkspacesCommand,
  RestoreWorkspaceCommand,
  StartWorkspacesCommand,
  StopWorkspacesCommand,
  TerminateWorkspacesCommand,
} from "@aws-sdk/client-workspaces";
import type { WorkspaceAction } from "../constraints.ts";
import { checkWorkspaceAction, checkWorkspaceId, violation, WORKSPACE_ACTIONS } from "../constraints.ts";
import { pascalCase } from "./camel-case.ts";
import type { Failure } from "./failure.ts";
import { rereads } from "./reads.ts";
import type { AwsSession } from "./session.ts";
import type { WorkSpacesCommand } from "./upstream.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { DESCRIBE_WORKSPACES } from "./workspaces.ts";
import type { WriteItem, Writer } from "./writes.ts";
import { againstCurrent, describeWrite, place } from "./writes.ts";

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

export type ActionOutcome =
  /** AWS accepted the action; `workspace()` reads the WorkSpace afresh (batched with the others), as AWS shows it now. */
  | { kind: "accepted"; workspaceId: string; workspace: () => Promise<WorkspaceShape | null> }
  /** Refused by the gateway (kind invalid, at `WorkspaceIds[i]`, or Restore's `WorkspaceId`) or by AWS, or the call failed. */
  | { kind: "failed"; failure: Failure };

/** A WorkSpace an action names, as AWS takes it; `path` is where the input names its partition. */
export interface ActionTarget extends WriteItem<{ WorkspaceId: string }> {
  /** AWS member path of the ID (`WorkspaceIds[3]`, `Workspaces[3].WorkspaceId`). */
  idField: string;
}

/** What an action checks before any write: each ID, a WorkSpace named twice, and a state or running mode AWS refuses. */
const actionRules = (action: WorkspaceAction) => ({
  key: (request: ActionTarget["request"]) => request.WorkspaceId,
  rules: (target: ActionTarget) => checkWorkspaceId(target.request.WorkspaceId, target.idField),
  repeats: (target: ActionTarget, earlier: number) => violation(target.idField, "duplicate", `repeats the WorkSpace at index ${earlier}`),
  // Fresh: a read in flight since before this request (a subscription's tick) could show a state already left.
  current: againstCurrent(
    DESCRIBE_WORKSPACES,
    true,
    (target: ActionTarget) => target.request.WorkspaceId,
    (target, workspace) => {
      const properties = pascalCase(workspace.workspaceProperties ?? {});
      const refused = checkWorkspaceAction(action, { State: workspace.state, WorkspaceProperties: properties });
      return refused ? [violation(target.idField, refused.rule, refused.detail, refused.code)] : [];
    },
  ),
  concurrency: ACTION_CONCURRENCY,
});

/** An action that takes a list of WorkSpaces (as many a call as constraints.ts says AWS takes) and answers FailedRequests. */
function listAction<
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes & { FailedRequests?: FailedWorkspaceChangeRequest[] },
>(
  action: Exclude<WorkspaceAction, "RestoreWorkspace">,
  command: new (input: Input) => WorkSpacesCommand<Input, Output>,
): Writer<ActionTarget, unknown> {
  const { list, size } = WORKSPACE_ACTIONS[action];
  return describeWrite({
    command,
    list: list as keyof Input & string,
    batchSize: size.max,
    failed: { member: "FailedRequests" },
    ...actionRules(action),
  });
}

const ACTION_WRITES: Record<WorkspaceAction, Writer<ActionTarget, unknown>> = {
  StartWorkspaces: listAction("StartWorkspaces", StartWorkspacesCommand),
  StopWorkspaces: listAction("StopWorkspaces", StopWorkspacesCommand),
  RebootWorkspaces: listAction("RebootWorkspaces", RebootWorkspacesCommand),
  RebuildWorkspaces: listAction("RebuildWorkspaces", RebuildWorkspacesCommand),
  TerminateWorkspaces: listAction("TerminateWorkspaces", TerminateWorkspacesCommand),
  // One WorkSpace, its ID the whole input; AWS refuses it with an exception, which becomes the item's failure.
  RestoreWorkspace: describeWrite({ command: RestoreWorkspaceCommand, batchSize: 1, ...actionRules("RestoreWorkspace") }),
};

/** IDs per call of `action`: as many as AWS takes. */
export const batchSizeOf = (action: WorkspaceAction): number => ACTION_WRITES[action].batchSize;

/**
 * Runs `action` on the WorkSpaces, one outcome per target in input order. The caller has checked the list's size
 * against ACTION_REQUEST_LIMITS.
 */
export async function actOnWorkspaces(session: AwsSession, action: WorkspaceAction, targets: ActionTarget[]): Promise<ActionOutcome[]> {
  const outcomes = await ACTION_WRITES[action].run(session, place(session, targets));
  // Made after every write has answered, so nothing it reads predates them.
  const reread = rereads(session, DESCRIBE_WORKSPACES);
  return outcomes.map((outcome, index): ActionOutcome => {
    if (outcome.kind === "failed") return { kind: "failed", failure: outcome.failure };
    const { WorkspaceId: workspaceId } = targets[index]!.request;
    return { kind: "accepted", workspaceId, workspace: () => reread(outcome.partition, workspaceId) };
  });
}
