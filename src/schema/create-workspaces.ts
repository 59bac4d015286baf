import type { WorkspaceRequest } from "@aws-sdk/client-workspaces";
import type { CamelCase } from "../aws/camel-case.ts";
import { camelCase, camelCasePath, pascalCase } from "../aws/camel-case.ts";
import { CREATE_REQUEST_LIMIT } from "../aws/create-workspaces.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { builder } from "./builder.ts";
import { ComputeEnum, RunningModeEnum } from "./enums.ts";
import { ErrorInterface, ValidationFailure } from "./errors.ts";
import { WorkspacePropertiesRef, WorkspaceRef } from "./workspace.ts";

/** A request AWS (or the gateway) did not turn into a WorkSpace, at its position in the input. */
export class CreateWorkspaceFailure extends Error {
  constructor(
    readonly index: number,
    readonly code: string,
    message: string,
    readonly workspaceRequest: CamelCase<WorkspaceRequest>,
  ) {
    super(message);
  }
}

export const WorkspacePropertiesInput = builder.inputType("WorkspacePropertiesInput", {
  fields: (t) => ({
    runningMode: t.field({ type: RunningModeEnum }),
    runningModeAutoStopTimeoutInMinutes: t.int({ description: "Only with AUTO_STOP, in 60-minute increments." }),
    rootVolumeSizeGib: t.int(),
    userVolumeSizeGib: t.int(),
    computeTypeName: t.field({ type: ComputeEnum }),
  }),
});

const TagInput = builder.inputType("TagInput", {
  fields: (t) => ({
    key: t.string({ required: true, description: "1 to 127 characters." }),
    value: t.string({ description: "Up to 255 characters." }),
  }),
});

const WorkspaceRequestInput = builder.inputType("WorkspaceRequestInput", {
  fields: (t) => ({
    directoryId: t.string({ required: true }),
    userName: t.string({ required: true }),
    bundleId: t.string({ required: true }),
    volumeEncryptionKey: t.string(),
    userVolumeEncryptionEnabled: t.boolean(),
    rootVolumeEncryptionEnabled: t.boolean(),
    workspaceProperties: t.field({ type: WorkspacePropertiesInput }),
    tags: t.field({ type: [TagInput] }),
  }),
});

const CreateWorkspacesInput = builder.inputType("CreateWorkspacesInput", {
  fields: (t) => ({
    workspaces: t.field({ type: [WorkspaceRequestInput], required: true, description: `1 to ${CREATE_REQUEST_LIMIT} requests.` }),
    idempotencyKey: t.string({
      description:
        "1 to 64 printable ASCII characters. A repeat with the same key and input within 24 hours returns the first result without calling AWS; with another input it is refused.",
    }),
  }),
});

const TagRef = builder.objectRef<{ key?: string; value?: string }>("Tag").implement({
  fields: (t) => ({
    key: t.exposeString("key", { nullable: true }),
    value: t.exposeString("value", { nullable: true }),
  }),
});

const WorkspaceRequestRef = builder.objectRef<CamelCase<WorkspaceRequest>>("WorkspaceRequest").implement({
  description: "A request to create a WorkSpace, as AWS echoed it.",
  fields: (t) => ({
    directoryId: t.exposeString("directoryId", { nullable: true }),
    userName: t.exposeString("userName", { nullable: true }),
    bundleId: t.exposeString("bundleId", { nullable: true }),
    volumeEncryptionKey: t.exposeString("volumeEncryptionKey", { nullable: true }),
    userVolumeEncryptionEnabled: t.exposeBoolean("userVolumeEncryptionEnabled", { nullable: true }),
    rootVolumeEncryptionEnabled: t.exposeBoolean("rootVolumeEncryptionEnabled", { nullable: true }),
    workspaceProperties: t.expose("workspaceProperties", { type: WorkspacePropertiesRef, nullable: true }),
    tags: t.field({ type: [TagRef], nullable: true, resolve: (r) => r.tags ?? null }),
  }),
});

builder.objectType(CreateWorkspaceFailure, {
  name: "CreateWorkspaceFailure",
  description: "A request that did not become a WorkSpace: code is AWS's (ResourceNotFound.Directory, ...) or VALIDATION.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    index: t.exposeInt("index", { nullable: false, description: "Position of the request in the input." }),
    workspaceRequest: t.expose("workspaceRequest", { type: WorkspaceRequestRef, nullable: false }),
  }),
});

class CreateWorkspacesPayload {
  constructor(
    readonly results: (WorkspaceShape | CreateWorkspaceFailure)[],
    readonly replayed: boolean,
  ) {}
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,64}$/;

const CreateWorkspacesPayloadRef = builder.objectType(CreateWorkspacesPayload, {
  name: "CreateWorkspacesPayload",
  fields: (t) => ({
    results: t.errorUnionListField({
      types: [WorkspaceRef, CreateWorkspaceFailure],
      union: { name: "CreateWorkspaceItemResult", resolveType: () => WorkspaceRef },
      nullable: { list: false, items: false },
      description: "One result per request, in input order: the WorkSpace AWS created (PENDING), or why not.",
      resolve: (payload) => payload.results,
    }),
    replayed: t.exposeBoolean("replayed", {
      nullable: false,
      description: "True when this is the stored result of an earlier call with the same idempotency key.",
    }),
  }),
});

builder.mutationField("createWorkspaces", (t) =>
  t.field({
    type: CreateWorkspacesPayloadRef,
    description: `Creates up to ${CREATE_REQUEST_LIMIT} WorkSpaces (AWS calls of 25, concurrently); items fail alone.`,
    errors: { types: [ValidationFailure], directResult: true, union: { name: "CreateWorkspacesResult" } },
    args: { input: t.arg({ type: CreateWorkspacesInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const count = input.workspaces.length;
      if (count < 1 || count > CREATE_REQUEST_LIMIT) {
        throw new ValidationFailure("input.workspaces", "listSize", `must hold 1 to ${CREATE_REQUEST_LIMIT} requests, got ${count}`);
      }
      const { idempotencyKey } = input;
      if (idempotencyKey != null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new ValidationFailure("input.idempotencyKey", "pattern", "must be 1 to 64 printable ASCII characters");
      }
      const requests = input.workspaces.map((request) => pascalCase(request) as WorkspaceRequest);
      // Keys are per caller: one caller's key never returns another's result.
      const run = await context.aws.createWorkspaces(
        requests,
        idempotencyKey == null ? undefined : { caller: context.principal.id, key: idempotencyKey },
      );
      if (run.kind === "conflict") {
        throw new ValidationFailure("input.idempotencyKey", "reused", "was used within 24 hours with a different input");
      }
      return new CreateWorkspacesPayload(
        run.result.map((outcome) => {
          switch (outcome.kind) {
            case "created":
              return outcome.workspace;
            case "invalid":
              return new CreateWorkspaceFailure(
                outcome.index,
                "VALIDATION",
                `input.${camelCasePath(outcome.field)}: ${outcome.detail}`,
                camelCase(outcome.request),
              );
            default:
              return new CreateWorkspaceFailure(outcome.index, outcome.code, outcome.message, camelCase(outcome.request));
          }
        }),
        run.replayed,
      );
    },
  }),
);
