// Live WorkSpace state over subscriptions (SSE): each watched ID streams its state, and ends alone when AWS has no
// such WorkSpace.
import { WATCH_ID_LIMIT } from "../aws/workspace-watch.ts";
import { checkWorkspaceId } from "../constraints.ts";
import type { ErrorCode } from "../error-codes.ts";
import { builder } from "./builder.ts";
import { lookupCalls } from "./cost.ts";
import type { ErrorShape } from "./errors.ts";
import { ErrorInterface } from "./errors.ts";
import { gatewayError, refuseInvalid } from "./failures.ts";
import { WorkspaceRef } from "./workspace.ts";

/** A watched ID AWS has no WorkSpace for; it ends that ID's stream only. Not an Error: graphql-js throws those. */
class WorkspaceNotFound implements ErrorShape {
  readonly code: ErrorCode = "NOT_FOUND";
  readonly retryable = false;
  readonly awsErrorCode = null;
  readonly message: string;

  constructor(readonly workspaceId: string) {
    this.message = `AWS has no WorkSpace ${workspaceId}.`;
  }
}

builder.objectType(WorkspaceNotFound, {
  name: "WorkspaceNotFoundError",
  description: "AWS has no WorkSpace with this ID (code NOT_FOUND); no more events come for it.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    workspaceId: t.exposeString("workspaceId", { nullable: false, description: "The watched ID." }),
  }),
});

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
      `workspaceProperties change (1 to ${WATCH_ID_LIMIT} IDs). Completes when no watched ID is left.`,
    args: { workspaceIds: t.arg.stringList({ required: true, description: `1 to ${WATCH_ID_LIMIT} WorkSpace IDs (ws-...).` }) },
    // The first fetch, 25 IDs a call; each ID's event counts what is selected under it.
    complexity: ({ workspaceIds }) => ({ field: lookupCalls(workspaceIds.length), multiplier: workspaceIds.length }),
    subscribe: (_root, { workspaceIds }, context) => {
      if (workspaceIds.length < 1 || workspaceIds.length > WATCH_ID_LIMIT) {
        throw gatewayError("VALIDATION", `workspaceIds: must hold 1 to ${WATCH_ID_LIMIT} items`, {
          field: "workspaceIds",
          rule: "listSize",
        });
      }
      refuseInvalid(
        workspaceIds.flatMap((id, i) => checkWorkspaceId(id, `WorkspaceIds[${i}]`)),
        { WorkspaceIds: "workspaceIds" },
      );
      return context.aws.services.watch.stream(workspaceIds, context.principal.id);
    },
    resolve: (event) => event.workspace ?? new WorkspaceNotFound(event.workspaceId),
  }),
);
