import type { ModifyWorkspacePropertiesRequest } from "@aws-sdk/client-workspaces";
import { pascalCase } from "../aws/camel-case.ts";
import type { ModifyOutcome } from "../aws/modify-workspace-properties.ts";
import { modifyWorkspaceProperties } from "../aws/modify-workspace-properties.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { ID_LIST_SIZE } from "../constraints.ts";
import { builder } from "./builder.ts";
import { lookupCalls } from "./cost.ts";
import { WorkspacePropertiesInput } from "./create-workspaces.ts";
import { DataReplicationEnum } from "./enums.ts";
import { AwsRefusal, itemFailureOf, UpstreamFailure, ValidationFailure } from "./errors.ts";
import { WorkspaceRef } from "./workspace.ts";

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
  description: "A change to one WorkSpace.",
  fields: (t) => ({
    workspaceId: t.string({ required: true, description: "The WorkSpace to change (ws-...)." }),
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
    description: `Changes the properties of 1 to ${ID_LIST_SIZE.max} WorkSpaces; each item succeeds or fails alone.`,
    errors: {
      types: [ValidationFailure],
      directResult: true,
      union: { name: "ModifyWorkspacePropertiesResult", description: "The result of each modification, or why none was sent." },
    },
    args: { input: t.arg({ type: ModifyWorkspacePropertiesInput, required: true, description: "The changes to make." }) },
    // One ModifyWorkspaceProperties per item, between a read of up to 25 of them (when their rules need it) and one after.
    complexity: ({ input }) => {
      const count = input.modifications.length;
      return { field: count + 2 * lookupCalls(count), multiplier: count };
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
      const requests = input.modifications.map((m) => pascalCase(m) as ModifyWorkspacePropertiesRequest);
      return new ModifyWorkspacePropertiesPayload((await modifyWorkspaceProperties(context.aws, requests)).map(resultOf));
    },
  }),
);
