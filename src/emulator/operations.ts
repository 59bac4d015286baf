// The operations the emulator serves, each with the JSON shape of its input as the service model declares it,
// so a member of the wrong type is refused with SerializationException, as AWS does, before any handler runs.
import { serialization } from "./aws-error.ts";
import type { World } from "./world.ts";

type Shape = "string" | "integer" | "boolean" | { list: Shape } | { struct: Record<string, Shape> };

const workspaceProperties: Shape = {
  struct: {
    RunningMode: "string",
    RunningModeAutoStopTimeoutInMinutes: "integer",
    RootVolumeSizeGib: "integer",
    UserVolumeSizeGib: "integer",
    ComputeTypeName: "string",
    Protocols: { list: "string" },
    OperatingSystemName: "string",
  },
};

const workspaceRequest: Shape = {
  struct: {
    DirectoryId: "string",
    UserName: "string",
    BundleId: "string",
    VolumeEncryptionKey: "string",
    UserVolumeEncryptionEnabled: "boolean",
    RootVolumeEncryptionEnabled: "boolean",
    WorkspaceProperties: workspaceProperties,
    Tags: { list: { struct: { Key: "string", Value: "string" } } },
    WorkspaceName: "string",
  },
};

interface Operation {
  input: Record<string, Shape>;
  // biome-ignore lint/suspicious/noExplicitAny: each handler names its request type; parseInput checked the input against its shape
  run(world: World, input: any): unknown;
}

export const OPERATIONS: Record<string, Operation> = {
  DescribeWorkspaces: {
    input: {
      WorkspaceIds: { list: "string" },
      DirectoryId: "string",
      UserName: "string",
      BundleId: "string",
      Limit: "integer",
      NextToken: "string",
      WorkspaceName: "string",
    },
    run: (world, input) => world.fleet.describe(input),
  },
  DescribeWorkspaceBundles: {
    input: { BundleIds: { list: "string" }, Owner: "string", NextToken: "string" },
    run: (world, input) => world.bundles.describe(input),
  },
  DescribeWorkspaceDirectories: {
    input: { DirectoryIds: { list: "string" }, Limit: "integer", NextToken: "string" },
    run: (world, input) => world.directories.describe(input),
  },
  CreateWorkspaces: {
    input: { Workspaces: { list: workspaceRequest } },
    run: (world, input) => world.fleet.create(input),
  },
  ModifyWorkspaceProperties: {
    input: { WorkspaceId: "string", WorkspaceProperties: workspaceProperties },
    run: (world, input) => {
      world.fleet.modify(input);
      return {};
    },
  },
};

function conforms(value: unknown, shape: Shape, path: string): void {
  if (value === null || value === undefined) return;
  const fail = (expected: string) => {
    throw serialization(`${path}: expected ${expected}, got ${Array.isArray(value) ? "array" : typeof value}`);
  };
  if (shape === "string") {
    if (typeof value !== "string") fail("a string");
  } else if (shape === "integer") {
    if (typeof value !== "number" || !Number.isInteger(value)) fail("an integer");
  } else if (shape === "boolean") {
    if (typeof value !== "boolean") fail("a boolean");
  } else if ("list" in shape) {
    if (!Array.isArray(value)) {
      fail("a list");
      return;
    }
    value.forEach((item, i) => {
      // The model's lists are not sparse: a null item is refused, as AWS does, rather than reaching a handler.
      if (item === null || item === undefined) throw serialization(`${path}[${i}]: expected a list item, got null`);
      conforms(item, shape.list, `${path}[${i}]`);
    });
  } else {
    if (typeof value !== "object" || Array.isArray(value)) {
      fail("an object");
      return;
    }
    for (const [member, memberShape] of Object.entries(shape.struct)) {
      conforms((value as Record<string, unknown>)[member], memberShape, path ? `${path}.${member}` : member);
    }
  }
}

/** Drops JSON nulls, as AWS's deserialiser treats them as absent members. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

export function parseInput(operation: Operation, body: unknown): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw serialization("The request body must be a JSON object.");
  }
  conforms(body, { struct: operation.input }, "");
  return withoutNulls(body);
}
