// Live WorkSpace state over subscriptions (SSE, graphql-ws or multipart HTTP): each watched ID streams its state, and
// ends alone when AWS has no such WorkSpace. WorkSpaces of any partition can be watched together; the one polling loop
// asks each partition about its own.
import type { PartitionRef } from "../aws/fleet.ts";
import { isPartition, qualifiedId, splitQualifiedId } from "../aws/fleet.ts";
import type { Violation } from "../constraints.ts";
import { checkWorkspaceId } from "../constraints.ts";
import type { ErrorCode } from "../error-codes.ts";
import { WATCH_ID_LIMIT } from "../watch/workspace-watch.ts";
import type { GatewayContext } from "./builder.ts";
import { builder } from "./builder.ts";
import { lookupCalls, partitionGroups } from "./cost.ts";
import { gatewayError, refuseInvalid } from "./errors.ts";
import type { ErrorShape } from "./failures.ts";
import { ErrorInterface } from "./failures.ts";
import { WorkspaceLocatorInput } from "./partition.ts";
import { WorkspaceRef } from "./refs.ts";

/** A watched ID AWS has no WorkSpace for; it ends that ID's stream only. Not an Error: graphql-js throws those. */
class WorkspaceNotFound implements ErrorShape {
  readonly code: ErrorCode = "NOT_FOUND";
  readonly awsErrorCode = null;
  readonly message: string;

  constructor(
    readonly workspaceId: string,
    readonly partition: PartitionRef,
  ) {
    this.message = `AWS has no WorkSpace ${workspaceId}.`;
  }
}

builder.objectType(WorkspaceNotFound, {
  name: "WorkspaceNotFoundError",
  description: "AWS has no WorkSpace with this ID in its partition (code NOT_FOUND); no more events come for it.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    workspaceId: t.exposeString("workspaceId", { nullable: false, description: "The watched ID." }),
    region: t.string({ nullable: false, description: "The watched WorkSpace's AWS Region.", resolve: (e) => e.partition.region }),
    accountId: t.string({ nullable: false, description: "The watched WorkSpace's AWS account.", resolve: (e) => e.partition.accountId }),
  }),
});

type WatchArgs = {
  workspaceIds?: readonly string[] | null;
  workspaces?: readonly { workspaceId: string; region?: string | null; accountId?: string | null }[] | null;
};

/** The watched WorkSpaces as the watch takes them, qualified by their partitions; or the validation error for the input. */
function watchedIds(context: GatewayContext, { workspaceIds, workspaces }: WatchArgs): string[] {
  if ((workspaceIds == null) === (workspaces == null)) {
    throw gatewayError("VALIDATION", "workspaces: give either workspaceIds or workspaces (each with its partition), not both", {
      field: "workspaces",
      rule: "oneOf",
    });
  }
  const field = workspaces ? "workspaces" : "workspaceIds";
  const count = (workspaces ?? workspaceIds)!.length;
  if (count < 1 || count > WATCH_ID_LIMIT) {
    throw gatewayError("VALIDATION", `${field}: must hold 1 to ${WATCH_ID_LIMIT} items`, { field, rule: "listSize" });
  }
  const { fleet } = context.aws.services;
  if (!workspaces) {
    if (fleet.partitions.length > 1) {
      throw gatewayError(
        "VALIDATION",
        `workspaceIds: names no partition, and this gateway serves ${fleet.partitions.length}: name each WorkSpace's region and account in workspaces`,
        { field, rule: "partition" },
      );
    }
    refuseInvalid(
      workspaceIds!.flatMap((id, i) => checkWorkspaceId(id, `WorkspaceIds[${i}]`)),
      { WorkspaceIds: "workspaceIds" },
    );
    return workspaceIds!.map((id) => qualifiedId(fleet.partitions[0]!, id));
  }
  const violations: Violation[] = [];
  const ids = workspaces.map(({ workspaceId, region, accountId }, i) => {
    violations.push(...checkWorkspaceId(workspaceId, `Workspaces[${i}].WorkspaceId`));
    const found = fleet.locate({ region, accountId }, `Workspaces[${i}]`);
    if (!isPartition(found)) violations.push(found);
    return isPartition(found) ? qualifiedId(found, workspaceId) : "";
  });
  refuseInvalid(violations, { Workspaces: "workspaces" });
  return ids;
}

const WorkspaceStateEvent = builder.unionType("WorkspaceStateEvent", {
  description: "A watched WorkSpace's current state, or why its stream ended.",
  types: [WorkspaceRef, WorkspaceNotFound],
  resolveType: (value) => (value instanceof WorkspaceNotFound ? WorkspaceNotFound : WorkspaceRef),
});

builder.subscriptionField("workspaceStateChanged", (t) =>
  t.field({
    type: WorkspaceStateEvent,
    nullable: false,
    description:
      "Each WorkSpace's current state first, then again whenever its state, modificationStates or " +
      `workspaceProperties change (1 to ${WATCH_ID_LIMIT} WorkSpaces, of any partitions). Completes when no watched ID is left.`,
    args: {
      workspaceIds: t.arg.stringList({
        description: `1 to ${WATCH_ID_LIMIT} WorkSpace IDs (ws-...) alone, when the gateway serves one partition; else give workspaces.`,
      }),
      workspaces: t.arg({
        type: [WorkspaceLocatorInput],
        description: `1 to ${WATCH_ID_LIMIT} WorkSpaces, each with its partition (region and account, where the gateway serves several).`,
      }),
    },
    // The first fetch, 25 IDs a call per partition; each ID's event counts what is selected under it.
    complexity: ({ workspaceIds, workspaces }) => {
      const groups = partitionGroups(workspaces ?? (workspaceIds ?? []).map(() => ({})));
      const cost = {
        field: groups.reduce((calls, count) => calls + lookupCalls(count), 0),
        multiplier: groups.reduce((items, count) => items + count, 0),
        partitions: groups.length,
      };
      return cost;
    },
    subscribe: (_root, args, context) => context.aws.services.watch.stream(watchedIds(context, args), context.principal.id),
    resolve: (event) => {
      if (event.workspace) return event.workspace;
      const { partition, id } = splitQualifiedId(event.workspaceId)!;
      return new WorkspaceNotFound(id, partition);
    },
  }),
);
