import type { ModifyWorkspacePropertiesRequest } from "@aws-sdk/client-workspaces";
import { pascalCase } from "../aws/camel-case.ts";
import type { ModifyOutcome } from "../aws/modify-workspace-properties.ts";
import { modifyWorkspaceProperties } from "../aws/modify-workspace-properties.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { ID_LIST_SIZE } from "../constraints.ts";
import { builder } from "./builder.ts";
import { lookupCalls, partitionGroups } from "./cost.ts";
import { WorkspacePropertiesInput } from "./create-workspaces.ts";
import { DataReplicationEnum } from "./enums.ts";
import { AwsRefusal, itemFailureOf, UpstreamFailure, ValidationFailure } from "./failures.ts";
import { choiceFields } from "./partition.ts";
import { WorkspaceRef } from "./refs.ts";

class ModifyWorkspacePropertiesSuccess {
  constructor(readonly workspace: WorkspaceShape | null) {}
}

const SuccessRef = builder.objectType(ModifyWorkspacePropertiesSuccess, {
  name: "ModifyWorkspacePropertiesSuccess",
  description: "AWS accepted the change.",
  fields: (t) => ({
    workspace: t.expose("workspace", {
      type: WorkspaceRef,
      nullable: true,
      description: "The WorkSpace as AWS shows it after the call, with its modification states; null if that read failed.",
    }),
  }),
});

class ModifyWorkspacePropertiesPayload {
  constructor(readonly results: (ModifyWorkspacePropertiesSuccess | ValidationFailure | AwsRefusal | UpstreamFailure)[]) {}
}

const PayloadRef = builder.objectType(ModifyWorkspacePropertiesPayload, {
  name: "ModifyWorkspacePropertiesPayload",
  description: "What became of each modification.",
  fields: (t) => ({
    results: t.errorUnionListField({
      types: [SuccessRef, ValidationFailure, AwsRefusal, UpstreamFailure],
      union: {
        name: "ModifyWorkspacePropertiesItemResult",
        description: "The modified WorkSpace, or why the modification was not made.",
        resolveType: () => SuccessRef,
      },
      nullable: { list: false, items: false },
      description: "One result per modification, in input order.",
      resolve: (payload) => payload.results,
    }),
  }),
});

const WorkspaceModificationInput = builder.inputType("WorkspaceModificationInput", {
  description: "A change to one WorkSpace, in its partition.",
  fields: (t) => ({
    workspaceId: t.string({ required: true, description: "The WorkSpace to change (ws-...)." }),
    ...choiceFields(t),
    workspaceProperties: t.field({
      type: WorkspacePropertiesInput,
      description:
        "What to change: at least one property; compute type and volume sizes not in the same change, one volume grown at a time. " +
        "Required unless dataReplication is given.",
    }),
    dataReplication: t.field({
      type: DataReplicationEnum,
      description: "For a primary with a standby WorkSpace: turn replication of its data to the standby on or off.",
    }),
  }),
});

const ModifyWorkspacePropertiesInput = builder.inputType("ModifyWorkspacePropertiesInput", {
  description: "The changes to make.",
  fields: (t) => ({
    modifications: t.field({ type: [WorkspaceModificationInput], required: true, description: `1 to ${ID_LIST_SIZE.max} items.` }),
  }),
});

const resultOf = (outcome: ModifyOutcome) =>
  outcome.kind === "modified" ? new ModifyWorkspacePropertiesSuccess(outcome.workspace) : itemFailureOf(outcome.failure);

builder.mutationField("modifyWorkspaceProperties", (t) =>
  t.field({
    type: PayloadRef,
    nullable: true,
    description: `Changes the properties of 1 to ${ID_LIST_SIZE.max} WorkSpaces, each in the partition it names; each item succeeds or fails alone.`,
    errors: {
      types: [ValidationFailure],
      directResult: true,
      union: { name: "ModifyWorkspacePropertiesResult", description: "The result of each modification, or why none was sent." },
    },
    args: { input: t.arg({ type: ModifyWorkspacePropertiesInput, required: true, description: "The changes to make." }) },
    // One ModifyWorkspaceProperties per item, between a read of up to 25 of a partition's (when their rules need it) and one after.
    complexity: ({ input }) => {
      const groups = partitionGroups(input.modifications);
      const count = input.modifications.length;
      const cost = {
        field: count + groups.reduce((calls, n) => calls + 2 * lookupCalls(n), 0),
        multiplier: count,
        partitions: groups.length,
      };
      return cost;
    },
    resolve: async (_root, { input }, context) => {
      const count = input.modifications.length;
      if (count < ID_LIST_SIZE.min || count > ID_LIST_SIZE.max) {
        throw new ValidationFailure(
          "input.modifications",
          "listSize",
          `must hold ${ID_LIST_SIZE.min} to ${ID_LIST_SIZE.max} items, got ${count}`,
        );
      }
      const items = input.modifications.map(({ region, accountId, ...modification }) => ({
        request: pascalCase(modification) as ModifyWorkspacePropertiesRequest,
        choice: { region, accountId },
      }));
      return new ModifyWorkspacePropertiesPayload((await modifyWorkspaceProperties(context.aws, items)).map(resultOf));
    },
  }),
);
