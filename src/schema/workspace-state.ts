// Live WorkSpace state over subscriptions (SSE): each watched ID streams its state, and ends alone when AWS has no
// such WorkSpace.
import { WATCH_ID_LIMIT } from "../aws/workspace-watch.ts";
import { builder } from "./builder.ts";
import { ErrorInterface } from "./errors.ts";
import { WorkspaceRef } from "./workspace.ts";

/** A watched ID AWS has no WorkSpace for; it ends that ID's stream only. Not an Error: graphql-js throws those. */
class WorkspaceNotFound {
  readonly code = "NOT_FOUND";
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
    workspaceId: t.exposeString("workspaceId", { nullable: false }),
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
      `Each WorkSpace's current state first, then again whenever its state, modificationStates or ` +
      `workspaceProperties change (1 to ${WATCH_ID_LIMIT} IDs). Completes when no watched ID is left.`,
    args: { workspaceIds: t.arg.stringList({ required: true }) },
    subscribe: (_root, { workspaceIds }, context) => context.aws.watchWorkspaces(workspaceIds),
    resolve: (event, _args, context) => {
      // The subscription's context lives as long as it does: each event reads through a session of its own.
      context.aws = context.aws.forEvent();
      return event.workspace ?? new WorkspaceNotFound(event.workspaceId);
    },
  }),
);
