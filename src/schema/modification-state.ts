import { ModificationResourceEnum, ModificationStateEnum } from "@aws-sdk/client-workspaces";
import type { Located } from "../aws/fleet.ts";
import { qualifiedId } from "../aws/fleet.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { DESCRIBE_WORKSPACES } from "../aws/workspaces.ts";
import { builder } from "./builder.ts";
import { LOOKUP_COST } from "./cost.ts";
import { knownValue, ModificationResourceEnumType, ModificationStateEnumType } from "./enums.ts";
import { nodeLoadMany } from "./global-id.ts";
import { partitionFields } from "./partition.ts";
import { ModificationStateRef, WorkspaceRef } from "./refs.ts";

export interface ModificationStateShape extends Located {
  workspaceId: string;
  resource?: string;
  state?: string;
}

/** A modification's node ID: its workspace and the resource it changes, as AWS keeps one per resource. */
const idOf = (m: ModificationStateShape) => qualifiedId(m.partition, `${m.workspaceId}/${m.resource}`);

export function modificationStatesOf(workspace: WorkspaceShape): ModificationStateShape[] {
  return (workspace.modificationStates ?? []).map((m) => ({ ...m, workspaceId: workspace.workspaceId!, partition: workspace.partition }));
}

builder.node(ModificationStateRef, {
  description: "A change to a WorkSpace's compute type, volumes or protocol that AWS is carrying out.",
  id: { resolve: idOf },
  loadMany: nodeLoadMany("ModificationState", async (partition, local) => {
    const [workspaceId = "", resource] = local.split("/");
    const workspace = await partition.loader(DESCRIBE_WORKSPACES).load(workspaceId);
    return (workspace && modificationStatesOf(workspace).find((m) => m.resource === resource)) ?? null;
  }),
  fields: (t) => ({
    resource: t.field({
      type: ModificationResourceEnumType,
      nullable: true,
      description: "What is being changed.",
      resolve: (m) => knownValue(ModificationResourceEnum, m.resource),
    }),
    state: t.field({
      type: ModificationStateEnumType,
      nullable: true,
      description: "How far the change has come.",
      resolve: (m) => knownValue(ModificationStateEnum, m.state),
    }),
    workspace: t.field({
      type: WorkspaceRef,
      nullable: true,
      authScopes: { read: true },
      description: "The WorkSpace being changed, as AWS shows it now.",
      complexity: LOOKUP_COST,
      resolve: (m, _args, context) => context.aws.in(m.partition).loader(DESCRIBE_WORKSPACES).load(m.workspaceId),
    }),
  }),
});

partitionFields(ModificationStateRef, "the WorkSpace being changed");
