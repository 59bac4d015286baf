// The fleet actions: start, stop, reboot, rebuild, restore and terminate, each answering item by item in input order
// with the partial-failure shape of the other mutations. Terminate, which cannot be undone, needs a confirmation.

import type { ActionOutcome } from "../aws/workspace-actions.ts";
import { ACTION_REQUEST_LIMITS, actOnWorkspaces, batchSizeOf } from "../aws/workspace-actions.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import type { WorkspaceAction } from "../constraints.ts";
import { builder } from "./builder.ts";
import { LOOKUP_COST, lookupCalls } from "./cost.ts";
import { AwsRefusal, itemFailureOf, UpstreamFailure, ValidationFailure } from "./errors.ts";
import { WorkspaceRef } from "./workspace.ts";

/** AWS accepted the action for one WorkSpace. */
class WorkspaceActionSuccess {
  constructor(
    readonly workspaceId: string,
    readonly load: () => Promise<WorkspaceShape | null>,
  ) {}
}

const SuccessRef = builder.objectType(WorkspaceActionSuccess, {
  name: "WorkspaceActionSuccess",
  description: "AWS accepted the action for this WorkSpace; it passes through STARTING, STOPPING, ... (see workspaceStateChanged).",
  fields: (t) => ({
    workspaceId: t.exposeString("workspaceId", { nullable: false, description: "The WorkSpace acted on." }),
    workspace: t.field({
      type: WorkspaceRef,
      nullable: true,
      authScopes: { read: true },
      description: "The WorkSpace as AWS shows it after the call (read when selected, 25 a call); null if AWS no longer shows it.",
      complexity: LOOKUP_COST,
      resolve: (success) => success.load(),
    }),
  }),
});

class WorkspaceActionPayload {
  constructor(readonly results: (WorkspaceActionSuccess | ValidationFailure | AwsRefusal | UpstreamFailure)[]) {}
}

const PayloadRef = builder.objectType(WorkspaceActionPayload, {
  name: "WorkspaceActionPayload",
  description: "What became of each WorkSpace of a fleet action.",
  fields: (t) => ({
    results: t.errorUnionListField({
      types: [SuccessRef, ValidationFailure, AwsRefusal, UpstreamFailure],
      union: {
        name: "WorkspaceActionItemResult",
        description: "AWS accepted the action for the WorkSpace, or why not.",
        resolveType: () => SuccessRef,
      },
      nullable: { list: false, items: false },
      description:
        "One result per WorkSpace, in input order: accepted, a ValidationError (refused before any write: a malformed or repeated ID, " +
        "a state or running mode AWS would refuse), an AwsRefusalError (AWS's FailedRequests), or an UpstreamError.",
      resolve: (payload) => payload.results,
    }),
  }),
});

const resultOf = (outcome: ActionOutcome) =>
  outcome.kind === "accepted" ? new WorkspaceActionSuccess(outcome.workspaceId, outcome.workspace) : itemFailureOf(outcome.failure);

/** A fleet action's cost: one read of the states per 25 IDs, then its calls; what is under each result counts per ID. */
function actionCost(action: WorkspaceAction, count: number) {
  return { field: lookupCalls(count) + Math.ceil(count / batchSizeOf(action)), multiplier: count };
}

/** What each action does, for its descriptions. */
const ACTIONS = [
  {
    field: "startWorkspaces",
    action: "StartWorkspaces",
    does: "Starts STOPPED WorkSpaces of running mode AUTO_STOP or MANUAL (STARTING, then AVAILABLE)",
  },
  {
    field: "stopWorkspaces",
    action: "StopWorkspaces",
    does: "Stops AVAILABLE, IMPAIRED, UNHEALTHY or ERROR WorkSpaces of running mode AUTO_STOP or MANUAL (STOPPING, then STOPPED)",
  },
  {
    field: "rebootWorkspaces",
    action: "RebootWorkspaces",
    does: "Reboots AVAILABLE, UNHEALTHY or REBOOTING WorkSpaces (REBOOTING, then AVAILABLE)",
  },
  {
    field: "rebuildWorkspaces",
    action: "RebuildWorkspaces",
    does:
      "Rebuilds AVAILABLE, ERROR, UNHEALTHY, STOPPED or REBOOTING WorkSpaces: the root volume from the bundle's image, the user " +
      "volume from its latest snapshot (REBUILDING, then AVAILABLE)",
  },
] as const;

for (const { field, action, does } of ACTIONS) {
  const limit = ACTION_REQUEST_LIMITS[action];
  const perCall = batchSizeOf(action);
  const Input = builder.inputType(`${action}Input`, {
    description: `The WorkSpaces to act on: 1 to ${limit}.`,
    fields: (t) => ({
      workspaceIds: t.stringList({ required: true, description: `1 to ${limit} WorkSpace IDs (ws-...).` }),
    }),
  });
  builder.mutationField(field, (t) =>
    t.field({
      type: PayloadRef,
      nullable: true,
      description: `${does}. Takes 1 to ${limit} WorkSpaces (AWS calls of ${perCall}, 5 at a time, after one read of their states per 25); each fails alone.`,
      errors: {
        types: [ValidationFailure],
        directResult: true,
        union: { name: `${action}Result`, description: "The result of each WorkSpace, or why nothing was sent." },
      },
      args: { input: t.arg({ type: Input, required: true, description: "The WorkSpaces to act on." }) },
      complexity: ({ input }) => actionCost(action, input.workspaceIds.length),
      resolve: async (_root, { input }, context) => {
        checkListSize(input.workspaceIds, limit);
        return new WorkspaceActionPayload((await actOnWorkspaces(context.aws, action, input.workspaceIds)).map(resultOf));
      },
    }),
  );
}

/** More items than the mutation takes, or none, is refused as a whole before any call. */
function checkListSize(workspaceIds: string[], limit: number): void {
  if (workspaceIds.length < 1 || workspaceIds.length > limit) {
    throw new ValidationFailure("input.workspaceIds", "listSize", `must hold 1 to ${limit} items, got ${workspaceIds.length}`);
  }
}

const RestoreWorkspaceInput = builder.inputType("RestoreWorkspaceInput", {
  description: "The WorkSpace to restore.",
  fields: (t) => ({
    workspaceId: t.string({ required: true, description: "The WorkSpace's ID (ws-...)." }),
  }),
});

builder.mutationField("restoreWorkspace", (t) =>
  t.field({
    type: PayloadRef,
    nullable: true,
    description:
      "Restores an AVAILABLE, ERROR, UNHEALTHY or STOPPED WorkSpace to its last healthy state, its root and user volumes from their " +
      "latest snapshots (RESTORING, then AVAILABLE). One WorkSpace, as AWS takes it, answered as one result (after one read of its state).",
    errors: {
      types: [ValidationFailure],
      directResult: true,
      union: { name: "RestoreWorkspaceResult", description: "The result for the WorkSpace." },
    },
    args: { input: t.arg({ type: RestoreWorkspaceInput, required: true, description: "The WorkSpace to restore." }) },
    complexity: actionCost("RestoreWorkspace", 1),
    resolve: async (_root, { input }, context) =>
      new WorkspaceActionPayload((await actOnWorkspaces(context.aws, "RestoreWorkspace", [input.workspaceId])).map(resultOf)),
  }),
);

const TERMINATE_LIMIT = ACTION_REQUEST_LIMITS.TerminateWorkspaces;

const TerminateWorkspacesInput = builder.inputType("TerminateWorkspacesInput", {
  description: "The WorkSpaces to terminate, and the confirmation that this cannot be undone.",
  fields: (t) => ({
    workspaceIds: t.stringList({ required: true, description: `1 to ${TERMINATE_LIMIT} WorkSpace IDs (ws-...).` }),
    confirm: t.boolean({
      required: true,
      description: "Must be true: terminating deletes each WorkSpace and its volumes for good.",
    }),
  }),
});

builder.mutationField("terminateWorkspaces", (t) =>
  t.field({
    type: PayloadRef,
    nullable: true,
    // The write scope, stated here as well as on Mutation: this field must never be reachable without it.
    authScopes: { write: true },
    description:
      `Terminates 1 to ${TERMINATE_LIMIT} WorkSpaces in any state but SUSPENDED (TERMINATING, then TERMINATED, then gone): their ` +
      "volumes are deleted and it cannot be undone. Needs `confirm: true`. Never retried after a failure that may have applied " +
      "(OUTCOME_UNKNOWN): check the WorkSpaces first.",
    errors: {
      types: [ValidationFailure],
      directResult: true,
      union: { name: "TerminateWorkspacesResult", description: "The result of each WorkSpace, or why nothing was sent." },
    },
    args: { input: t.arg({ type: TerminateWorkspacesInput, required: true, description: "The WorkSpaces to terminate." }) },
    complexity: ({ input }) => actionCost("TerminateWorkspaces", input.workspaceIds.length),
    resolve: async (_root, { input }, context) => {
      if (input.confirm !== true) {
        throw new ValidationFailure(
          "input.confirm",
          "confirmation",
          "must be true: terminating a WorkSpace deletes it and cannot be undone",
        );
      }
      checkListSize(input.workspaceIds, TERMINATE_LIMIT);
      return new WorkspaceActionPayload((await actOnWorkspaces(context.aws, "TerminateWorkspaces", input.workspaceIds)).map(resultOf));
    },
  }),
);
