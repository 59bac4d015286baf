import type { ModifyWorkspacePropertiesRequest } from "@aws-sdk/client-workspaces";
import { camelCasePath, pascalCase } from "../aws/camel-case.ts";
import { failureCode } from "../aws/errors.ts";
import type { ModifyOutcome } from "../aws/modify-workspace-properties.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { ID_LIST_SIZE } from "../constraints.ts";
import { builder } from "./builder.ts";
import { WorkspacePropertiesInput } from "./create-workspaces.ts";
import { awsRefusalType, UpstreamFailure, ValidationFailure } from "./errors.ts";
import { WorkspaceRef } from "./workspace.ts";

class ModifyWorkspacePropertiesSuccess {
  constructor(readonly workspace: WorkspaceShape | null) {}
}

const SuccessRef = builder.objectType(ModifyWorkspacePropertiesSuccess, {
  name: "ModifyWorkspacePropertiesSuccess",
  fields: (t) => ({
    workspace: t.expose("workspace", {
      type: WorkspaceRef,
      nullable: true,
      description: "The WorkSpace as AWS shows it after the call, with its modification states.",
    }),
  }),
});

// The exceptions AWS declares for ModifyWorkspaceProperties, each a type of its own.
const DECLARED_EXCEPTIONS: [string, string][] = [
  ["InvalidParameterValuesException", "AWS found a parameter invalid."],
  ["InvalidResourceStateException", "The WorkSpace is not in a state that allows the change (AVAILABLE or STOPPED)."],
  ["OperationInProgressException", "Another change to this WorkSpace is in progress."],
  ["UnsupportedWorkspaceConfigurationException", "AWS does not support this configuration (e.g. a graphics compute change)."],
  ["ResourceNotFoundException", "AWS has no such WorkSpace."],
  ["AccessDeniedException", "The gateway's AWS credentials may not modify this WorkSpace."],
  ["ResourceUnavailableException", "The WorkSpace is unavailable for this change."],
];
const refusals = new Map(DECLARED_EXCEPTIONS.map(([exception, description]) => [exception, awsRefusalType(exception, description)]));

class ModifyWorkspacePropertiesPayload {
  constructor(readonly results: ReturnType<typeof resultOf>[]) {}
}

const PayloadRef = builder.objectType(ModifyWorkspacePropertiesPayload, {
  name: "ModifyWorkspacePropertiesPayload",
  fields: (t) => ({
    results: t.errorUnionListField({
      types: [SuccessRef, ...refusals.values(), ValidationFailure, UpstreamFailure],
      union: { name: "ModifyWorkspacePropertiesItemResult", resolveType: () => SuccessRef },
      nullable: { list: false, items: false },
      description: "One result per modification, in input order.",
      resolve: (payload) => payload.results,
    }),
  }),
});

const WorkspaceModificationInput = builder.inputType("WorkspaceModificationInput", {
  fields: (t) => ({
    workspaceId: t.string({ required: true }),
    workspaceProperties: t.field({ type: WorkspacePropertiesInput, required: true }),
  }),
});

const ModifyWorkspacePropertiesInput = builder.inputType("ModifyWorkspacePropertiesInput", {
  fields: (t) => ({
    modifications: t.field({ type: [WorkspaceModificationInput], required: true, description: `1 to ${ID_LIST_SIZE.max} items.` }),
  }),
});

function resultOf(outcome: ModifyOutcome & { workspace?: WorkspaceShape | null }) {
  switch (outcome.kind) {
    case "modified":
      return new ModifyWorkspacePropertiesSuccess(outcome.workspace ?? null);
    case "invalid":
      return new ValidationFailure(`input.${camelCasePath(outcome.field)}`, outcome.rule, outcome.detail);
    case "upstream": {
      const { failure } = outcome;
      const Refusal = failure.kind === "refused" ? refusals.get(failure.exception) : undefined;
      if (Refusal) return new Refusal(failure.message);
      // Retrying is safe unless AWS refused, or the change may already have been applied.
      return new UpstreamFailure(failureCode(failure), failure.message, failure.kind !== "refused" && failure.kind !== "unknown");
    }
  }
}

builder.mutationField("modifyWorkspaceProperties", (t) =>
  t.field({
    type: PayloadRef,
    description: `Changes the properties of 1 to ${ID_LIST_SIZE.max} WorkSpaces; each item succeeds or fails alone.`,
    errors: { types: [ValidationFailure], directResult: true, union: { name: "ModifyWorkspacePropertiesResult" } },
    args: { input: t.arg({ type: ModifyWorkspacePropertiesInput, required: true }) },
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
      const outcomes = await context.aws.modifyWorkspaceProperties(requests);
      return new ModifyWorkspacePropertiesPayload(outcomes.map(resultOf));
    },
  }),
);
