import type { WorkspaceRequest } from "@aws-sdk/client-workspaces";
import type { CamelCase } from "../aws/camel-case.ts";
import { camelCase, pascalCase } from "../aws/camel-case.ts";
import type { CreateOutcome } from "../aws/create-workspaces.ts";
import { CREATE_REQUEST_LIMIT, createWorkspaces } from "../aws/create-workspaces.ts";
import type { Failure } from "../aws/failure.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { builder } from "./builder.ts";
import { lookupCalls, partitionGroups } from "./cost.ts";
import {
  ComputeEnum,
  GlobalAcceleratorModeEnum,
  GlobalAcceleratorPreferredProtocolEnum,
  OperatingSystemNameEnum,
  ProtocolEnum,
  RunningModeEnum,
} from "./enums.ts";
import { AwsRefusal, ErrorInterface, itemFailureOf, UpstreamFailure, ValidationFailure } from "./failures.ts";
import { choiceFields } from "./partition.ts";
import { WorkspaceRef } from "./refs.ts";
import { WorkspacePropertiesRef } from "./workspace.ts";

/** A request AWS refused (one of its FailedRequests), at its position in the input. */
class CreateWorkspaceFailure extends AwsRefusal {
  constructor(
    readonly index: number,
    failure: Failure,
    readonly workspaceRequest: CamelCase<WorkspaceRequest>,
  ) {
    super(failure);
  }
}

const GlobalAcceleratorInput = builder.inputType("GlobalAcceleratorInput", {
  description: "Whether the WorkSpace streams through AWS Global Accelerator.",
  fields: (t) => ({
    mode: t.field({ type: GlobalAcceleratorModeEnum, required: true, description: "Off, on, or as the directory says (INHERITED)." }),
    preferredProtocol: t.field({ type: GlobalAcceleratorPreferredProtocolEnum, description: "The protocol preferred through it." }),
  }),
});

export const WorkspacePropertiesInput = builder.inputType("WorkspacePropertiesInput", {
  description: "How a WorkSpace runs and what it is sized at; only what is given is set.",
  fields: (t) => ({
    runningMode: t.field({ type: RunningModeEnum, description: "Always on, auto-stopped or manual." }),
    runningModeAutoStopTimeoutInMinutes: t.int({ description: "Only with AUTO_STOP, in 60-minute increments." }),
    rootVolumeSizeGib: t.int({
      description:
        "Root volume size in GiB: 80 (user 10, 50 or 100) or 175 to 2000; 100 to 2000 for graphics; grows only, one volume a change.",
    }),
    userVolumeSizeGib: t.int({ description: "User volume size in GiB, a positive integer; grows only, one volume a change." }),
    computeTypeName: t.field({
      type: ComputeEnum,
      description: "The compute type; not with volume sizes in one change, never to or from graphics.",
    }),
    protocols: t.field({
      type: [ProtocolEnum],
      description: "The streaming protocol, one of them; a change passes through a PROTOCOL modification (not for graphics WorkSpaces).",
    }),
    operatingSystemName: t.field({ type: OperatingSystemNameEnum, description: "The operating system, as the image has it." }),
    globalAccelerator: t.field({ type: GlobalAcceleratorInput, description: "Streaming through AWS Global Accelerator." }),
  }),
});

const TagInput = builder.inputType("TagInput", {
  description: "A tag to put on the WorkSpace.",
  fields: (t) => ({
    key: t.string({ required: true, description: "1 to 127 characters." }),
    value: t.string({ description: "Up to 255 characters." }),
  }),
});

const WorkspaceRequestInput = builder.inputType("WorkspaceRequestInput", {
  description: "One WorkSpace to create: a user of a directory, from a bundle, in a partition (a region of an account).",
  fields: (t) => ({
    ...choiceFields(t),
    directoryId: t.string({ required: true, description: "The user's directory (d-...)." }),
    userName: t.string({ required: true, description: "The user, 1 to 63 characters; one WorkSpace per user, bundle and directory." }),
    bundleId: t.string({ required: true, description: "The bundle to create it from (wsb-...)." }),
    volumeEncryptionKey: t.string({ description: "The KMS key to encrypt its volumes with; required when encrypting." }),
    userVolumeEncryptionEnabled: t.boolean({ description: "Encrypt the user volume." }),
    rootVolumeEncryptionEnabled: t.boolean({ description: "Encrypt the root volume." }),
    workspaceProperties: t.field({
      type: WorkspacePropertiesInput,
      description: "Running mode, sizes and compute type; the bundle's without.",
    }),
    tags: t.field({ type: [TagInput], description: "Up to 50 tags." }),
    workspaceName: t.string({
      description: "A name for it, 2 to 64 letters, digits and _.()-, to find it by (workspaces(filter: { workspaceName })).",
    }),
    ipv6Address: t.string({ description: "Its IPv6 address, in a dual-stack directory; AWS assigns one without." }),
  }),
});

const CreateWorkspacesInput = builder.inputType("CreateWorkspacesInput", {
  description: "The WorkSpaces to create, and a key that makes a retry safe.",
  fields: (t) => ({
    workspaces: t.field({ type: [WorkspaceRequestInput], required: true, description: `1 to ${CREATE_REQUEST_LIMIT} requests.` }),
    idempotencyKey: t.string({
      description:
        "1 to 64 printable ASCII characters. A repeat with the same key and input within 24 hours returns the first result without calling AWS; with another input it is refused.",
    }),
  }),
});

const TagRef = builder.objectRef<{ key?: string; value?: string }>("Tag").implement({
  description: "A tag on a WorkSpace.",
  fields: (t) => ({
    key: t.exposeString("key", { nullable: true, description: "The tag's key." }),
    value: t.exposeString("value", { nullable: true, description: "The tag's value." }),
  }),
});

const WorkspaceRequestRef = builder.objectRef<CamelCase<WorkspaceRequest>>("WorkspaceRequest").implement({
  description: "A request to create a WorkSpace, as AWS echoed it.",
  fields: (t) => ({
    directoryId: t.exposeString("directoryId", { nullable: true, description: "The user's directory." }),
    userName: t.exposeString("userName", { nullable: true, description: "The user." }),
    bundleId: t.exposeString("bundleId", { nullable: true, description: "The bundle." }),
    volumeEncryptionKey: t.exposeString("volumeEncryptionKey", { nullable: true, description: "The KMS key for its volumes." }),
    userVolumeEncryptionEnabled: t.exposeBoolean("userVolumeEncryptionEnabled", {
      nullable: true,
      description: "Encrypt the user volume.",
    }),
    rootVolumeEncryptionEnabled: t.exposeBoolean("rootVolumeEncryptionEnabled", {
      nullable: true,
      description: "Encrypt the root volume.",
    }),
    workspaceProperties: t.expose("workspaceProperties", {
      type: WorkspacePropertiesRef,
      nullable: true,
      description: "Running mode, sizes and compute type asked for.",
    }),
    tags: t.field({ type: [TagRef], nullable: true, description: "Tags asked for.", resolve: (r) => r.tags ?? null }),
    workspaceName: t.exposeString("workspaceName", { nullable: true, description: "The name asked for." }),
    ipv6Address: t.exposeString("ipv6Address", { nullable: true, description: "The IPv6 address asked for." }),
  }),
});

builder.objectType(CreateWorkspaceFailure, {
  name: "CreateWorkspaceFailure",
  description:
    "A request AWS refused to turn into a WorkSpace (one of its FailedRequests): NOT_FOUND, ALREADY_EXISTS, INVALID_PARAMETER, ...",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    index: t.exposeInt("index", { nullable: false, description: "Position of the request in the input." }),
    workspaceRequest: t.expose("workspaceRequest", {
      type: WorkspaceRequestRef,
      nullable: false,
      description: "The request, as AWS echoed it.",
    }),
  }),
});

class CreateWorkspacesPayload {
  constructor(
    readonly results: (WorkspaceShape | ValidationFailure | CreateWorkspaceFailure | UpstreamFailure)[],
    readonly replayed: boolean,
  ) {}
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,64}$/;

const CreateWorkspacesPayloadRef = builder.objectType(CreateWorkspacesPayload, {
  name: "CreateWorkspacesPayload",
  description: "What became of each request.",
  fields: (t) => ({
    results: t.errorUnionListField({
      types: [WorkspaceRef, ValidationFailure, CreateWorkspaceFailure, UpstreamFailure],
      union: {
        name: "CreateWorkspaceItemResult",
        description: "A created WorkSpace (PENDING), or why the request did not become one.",
        resolveType: () => WorkspaceRef,
      },
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

function resultOf(outcome: CreateOutcome) {
  if (outcome.kind === "created") return outcome.workspace;
  return itemFailureOf(outcome.failure, (failure) => new CreateWorkspaceFailure(outcome.index, failure, camelCase(outcome.request)));
}

builder.mutationField("createWorkspaces", (t) =>
  t.field({
    type: CreateWorkspacesPayloadRef,
    nullable: true,
    description: `Creates up to ${CREATE_REQUEST_LIMIT} WorkSpaces, each in the partition it names (AWS calls of 25 per partition, all concurrently); items fail alone.`,
    errors: {
      types: [ValidationFailure],
      directResult: true,
      union: { name: "CreateWorkspacesResult", description: "The result of each request, or why none was sent." },
    },
    args: { input: t.arg({ type: CreateWorkspacesInput, required: true, description: "The WorkSpaces to create." }) },
    // One CreateWorkspaces per 25 requests of a partition, after at worst one read of their bundles per 25 (they are
    // cached); what is selected under each created WorkSpace counts once per request.
    complexity: ({ input }) => {
      const groups = partitionGroups(input.workspaces);
      const cost = {
        field: groups.reduce((calls, count) => calls + 2 * lookupCalls(count), 0),
        multiplier: input.workspaces.length,
        partitions: groups.length,
      };
      return cost;
    },
    resolve: async (_root, { input }, context) => {
      const count = input.workspaces.length;
      if (count < 1 || count > CREATE_REQUEST_LIMIT) {
        throw new ValidationFailure("input.workspaces", "listSize", `must hold 1 to ${CREATE_REQUEST_LIMIT} requests, got ${count}`);
      }
      const { idempotencyKey } = input;
      if (idempotencyKey != null && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw new ValidationFailure("input.idempotencyKey", "pattern", "must be 1 to 64 printable ASCII characters");
      }
      const items = input.workspaces.map(({ region, accountId, ...request }) => ({
        request: pascalCase(request) as WorkspaceRequest,
        choice: { region, accountId },
      }));
      // Keys are per caller: one caller's key never returns another's result.
      const run = await createWorkspaces(
        context.aws,
        items,
        idempotencyKey == null ? undefined : { caller: context.principal.id, key: idempotencyKey },
      );
      if (run.kind === "conflict") {
        throw new ValidationFailure("input.idempotencyKey", "reused", "was used within 24 hours with a different input");
      }
      return new CreateWorkspacesPayload(run.result.map(resultOf), run.replayed);
    },
  }),
);
