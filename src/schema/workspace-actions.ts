// The WorkSpace actions: start, stop, reboot, rebuild, restore and terminate, each answering item by item in input order
// with the partial-failure shape of the other mutations. Terminate, which cannot be undone, needs a confirmation.

import type { ActionOutcome, ActionTarget } from "../aws/workspace-actions.ts";
import { ACTION_REQUEST_LIMITS, actOnWorkspaces, batchSizeOf } from "../aws/workspace-actions.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import type { WorkspaceAction } from "../constraints.ts";
import type { GatewayContext } from "./builder.ts";
import { builder } from "./builder.ts";
import { LOOKUP_COST, lookupCalls, partitionGroups } from "./cost.ts";
import { AwsRefusal, itemFailureOf, UpstreamFailure, ValidationFailure } from "./failures.ts";
import { choiceFields, WorkspaceLocatorInput } from "./partition.ts";
import { WorkspaceRef } from "./refs.ts";

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
  description: "What became of each WorkSpace of a WorkSpace action.",
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

/** The WorkSpaces an action's input names: AWS IDs alone (one partition served), or each with its partition. */
interface ActionInput {
  workspaceIds?: readonly string[] | null;
  workspaces?: readonly { workspaceId: string; region?: string | null; accountId?: string | null }[] | null;
}

/** How many of an input's WorkSpaces name each partition (AWS IDs alone all name the one served). */
const groupsOf = (input: ActionInput) => partitionGroups(input.workspaces ?? (input.workspaceIds ?? []).map(() => ({})));

/**
 * A WorkSpace action's cost: one read of the states per 25 IDs of a partition, then its calls within each partition; what
 * is under each result counts per ID.
 */
function actionCost(action: WorkspaceAction, groups: number[]) {
  const cost = {
    field: groups.reduce((calls, count) => calls + lookupCalls(count) + Math.ceil(count / batchSizeOf(action)), 0),
    multiplier: groups.reduce((items, count) => items + count, 0),
    partitions: groups.length,
  };
  return cost;
}

/**
 * The targets of an action's input, refused as a whole when it gives neither or both lists, too few or too many items,
 * or AWS IDs alone while the gateway serves several partitions.
 */
function targetsOf(context: GatewayContext, input: ActionInput, limit: number): ActionTarget[] {
  const { workspaceIds, workspaces } = input;
  if ((workspaceIds == null) === (workspaces == null)) {
    throw new ValidationFailure("input.workspaces", "oneOf", "give either workspaceIds or workspaces (each with its partition), not both");
  }
  const field = workspaces ? "input.workspaces" : "input.workspaceIds";
  const count = (workspaces ?? workspaceIds)!.length;
  if (count < 1 || count > limit) throw new ValidationFailure(field, "listSize", `must hold 1 to ${limit} items, got ${count}`);
  if (workspaces) {
    return workspaces.map(({ workspaceId, region, accountId }, i) => ({
      request: { WorkspaceId: workspaceId },
      choice: { region, accountId },
      idField: `Workspaces[${i}].WorkspaceId`,
      path: `Workspaces[${i}]`,
    }));
  }
  const { partitions } = context.aws.services.fleet;
  if (partitions.length > 1) {
    throw new ValidationFailure(
      "input.workspaceIds",
      "partition",
      `names no partition, and this gateway serves ${partitions.length}: name each WorkSpace's region and account in input.workspaces`,
    );
  }
  return workspaceIds!.map((workspaceId, i) => ({
    request: { WorkspaceId: workspaceId },
    choice: {},
    idField: `WorkspaceIds[${i}]`,
    path: `WorkspaceIds[${i}]`,
  }));
}

const WORKSPACE_IDS_DESCRIPTION = "WorkSpace IDs (ws-...) alone, when the gateway serves one partition; else give workspaces.";
const WORKSPACES_DESCRIPTION = "The WorkSpaces, each with its partition (region and account, where the gateway serves several).";

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
    description: `The WorkSpaces to act on: 1 to ${limit}, as workspaceIds or as workspaces (one of the two).`,
    fields: (t) => ({
      workspaceIds: t.stringList({ description: `1 to ${limit} ${WORKSPACE_IDS_DESCRIPTION}` }),
      workspaces: t.field({ type: [WorkspaceLocatorInput], description: `1 to ${limit}. ${WORKSPACES_DESCRIPTION}` }),
    }),
  });
  builder.mutationField(field, (t) =>
    t.field({
      type: PayloadRef,
      nullable: true,
      description: `${does}. Takes 1 to ${limit} WorkSpaces (AWS calls of ${perCall} within a partition, 5 at a time, after one read of their states per 25); each fails alone.`,
      errors: {
        types: [ValidationFailure],
        directResult: true,
        union: { name: `${action}Result`, description: "The result of each WorkSpace, or why nothing was sent." },
      },
      args: { input: t.arg({ type: Input, required: true, description: "The WorkSpaces to act on." }) },
      complexity: ({ input }) => actionCost(action, groupsOf(input)),
      resolve: async (_root, { input }, context) =>
        new WorkspaceActionPayload((await actOnWorkspaces(context.aws, action, targetsOf(context, input, limit))).map(resultOf)),
    }),
  );
}

const RestoreWorkspaceInput = builder.inputType("RestoreWorkspaceInput", {
  description: "The WorkSpace to restore, in its partition.",
  fields: (t) => ({
    workspaceId: t.string({ required: true, description: "The WorkSpace's ID (ws-...)." }),
    ...choiceFields(t),
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
    complexity: actionCost("RestoreWorkspace", [1]),
    resolve: async (_root, { input: { workspaceId, region, accountId } }, context) => {
      const target = { request: { WorkspaceId: workspaceId }, choice: { region, accountId }, idField: "WorkspaceId", path: "" };
      return new WorkspaceActionPayload((await actOnWorkspaces(context.aws, "RestoreWorkspace", [target])).map(resultOf));
    },
  }),
);

const TERMINATE_LIMIT = ACTION_REQUEST_LIMITS.TerminateWorkspaces;

const TerminateWorkspacesInput = builder.inputType("TerminateWorkspacesInput", {
  description: "The WorkSpaces to terminate (as workspaceIds or as workspaces), and the confirmation that this cannot be undone.",
  fields: (t) => ({
    workspaceIds: t.stringList({ description: `1 to ${TERMINATE_LIMIT} ${WORKSPACE_IDS_DESCRIPTION}` }),
    workspaces: t.field({ type: [WorkspaceLocatorInput], description: `1 to ${TERMINATE_LIMIT}. ${WORKSPACES_DESCRIPTION}` }),
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
    complexity: ({ input }) => actionCost("TerminateWorkspaces", groupsOf(input)),
    resolve: async (_root, { input }, context) => {
      if (input.confirm !== true) {
        throw new ValidationFailure(
          "input.confirm",
          "confirmation",
          "must be true: terminating a WorkSpace deletes it and cannot be undone",
        );
      }
      const targets = targetsOf(context, input, TERMINATE_LIMIT);
      return new WorkspaceActionPayload((await actOnWorkspaces(context.aws, "TerminateWorkspaces", targets)).map(resultOf));
    },
  }),
);
