// Whether a user is connected to a WorkSpace (DescribeWorkspacesConnectionStatus), beside the WorkSpace, batched so a
// page of 25 costs one call more.
import { ConnectionState } from "@aws-sdk/client-workspaces";
import type { ConnectionStatusShape } from "../aws/connection-status.ts";
import { DESCRIBE_WORKSPACES_CONNECTION_STATUS } from "../aws/connection-status.ts";
import { builder } from "./builder.ts";
import { LOOKUP_COST } from "./cost.ts";
import { DateTimeScalar } from "./date-time.ts";
import { ConnectionStateEnum, knownValue } from "./enums.ts";
import { WorkspaceRef } from "./refs.ts";

const ConnectionStatusRef = builder.objectRef<ConnectionStatusShape>("WorkspaceConnectionStatus").implement({
  description: "Whether a user is connected to a WorkSpace, as AWS last checked.",
  fields: (t) => ({
    connectionState: t.field({
      type: ConnectionStateEnum,
      nullable: true,
      description: "CONNECTED, DISCONNECTED, or UNKNOWN while the WorkSpace is not running.",
      resolve: (s) => knownValue(ConnectionState, s.connectionState),
    }),
    connectionStateCheckTimestamp: t.expose("connectionStateCheckTimestamp", {
      type: DateTimeScalar,
      nullable: true,
      description: "When AWS last checked the connection state.",
    }),
    lastKnownUserConnectionTimestamp: t.expose("lastKnownUserConnectionTimestamp", {
      type: DateTimeScalar,
      nullable: true,
      description: "When a user last connected; null when none ever has.",
    }),
  }),
});

builder.objectField(WorkspaceRef, "connectionStatus", (t) =>
  t.field({
    type: ConnectionStatusRef,
    nullable: true,
    authScopes: { read: true },
    description: "Whether a user is connected now (25 WorkSpaces' statuses cost one AWS call); null when AWS reports none.",
    complexity: LOOKUP_COST,
    resolve: (w, _args, context) => context.aws.in(w.partition).loader(DESCRIBE_WORKSPACES_CONNECTION_STATUS).load(w.workspaceId!),
  }),
);
