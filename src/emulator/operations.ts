// The operations the emulator serves. Each takes its input shape from the SDK's service model (its static schemas),
// so a member of the wrong type is refused with SerializationException, as AWS does, before any handler runs, and
// a member a new SDK release adds is accepted without a change here.
import {
  CreateWorkspaces$,
  DescribeWorkspaceBundles$,
  DescribeWorkspaceDirectories$,
  DescribeWorkspaces$,
  DescribeWorkspacesConnectionStatus$,
  ModifyWorkspaceProperties$,
  RebootWorkspaces$,
  RebuildWorkspaces$,
  RestoreWorkspace$,
  StartWorkspaces$,
  StopWorkspaces$,
  TerminateWorkspaces$,
} from "@aws-sdk/client-workspaces";
import { NormalizedSchema } from "@smithy/core/schema";
import { serialization } from "./aws-error.ts";
import type { World } from "./world.ts";

type StaticOperationSchema = typeof DescribeWorkspaces$;

export interface Operation {
  /** The operation's schema in the SDK's service model. */
  schema: StaticOperationSchema;
  input: NormalizedSchema;
  run(world: World, input: unknown): unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: each handler names its request type; parseInput checked the input against the model
function operation(schema: StaticOperationSchema, handler: (world: World, input: any) => unknown): Operation {
  return { schema, input: NormalizedSchema.of(schema[4]), run: (world, input) => toWire(handler(world, input)) };
}

export const OPERATIONS: Record<string, Operation> = {
  DescribeWorkspaces: operation(DescribeWorkspaces$, (world, input) => world.workspaces.describe(input)),
  DescribeWorkspaceBundles: operation(DescribeWorkspaceBundles$, (world, input) => world.bundles.describe(input)),
  DescribeWorkspaceDirectories: operation(DescribeWorkspaceDirectories$, (world, input) => world.directories.describe(input)),
  DescribeWorkspacesConnectionStatus: operation(DescribeWorkspacesConnectionStatus$, (world, input) =>
    world.workspaces.connectionStatus(input),
  ),
  CreateWorkspaces: operation(CreateWorkspaces$, (world, input) => world.workspaces.create(input)),
  ModifyWorkspaceProperties: operation(ModifyWorkspaceProperties$, (world, input) => {
    world.workspaces.modify(input);
    return {};
  }),
  StartWorkspaces: operation(StartWorkspaces$, (world, input) =>
    world.workspaces.act("StartWorkspaces", input.StartWorkspaceRequests ?? []),
  ),
  StopWorkspaces: operation(StopWorkspaces$, (world, input) => world.workspaces.act("StopWorkspaces", input.StopWorkspaceRequests ?? [])),
  RebootWorkspaces: operation(RebootWorkspaces$, (world, input) =>
    world.workspaces.act("RebootWorkspaces", input.RebootWorkspaceRequests ?? []),
  ),
  RebuildWorkspaces: operation(RebuildWorkspaces$, (world, input) =>
    world.workspaces.act("RebuildWorkspaces", input.RebuildWorkspaceRequests ?? []),
  ),
  TerminateWorkspaces: operation(TerminateWorkspaces$, (world, input) =>
    world.workspaces.act("TerminateWorkspaces", input.TerminateWorkspaceRequests ?? []),
  ),
  RestoreWorkspace: operation(RestoreWorkspace$, (world, input) => {
    world.workspaces.restore(input);
    return {};
  }),
};

function conforms(value: unknown, schema: NormalizedSchema, path: string): void {
  if (value === null || value === undefined) return;
  const fail: (expected: string) => never = (expected) => {
    throw serialization(`${path}: expected ${expected}, got ${Array.isArray(value) ? "array" : typeof value}`);
  };
  if (schema.isStringSchema()) {
    if (typeof value !== "string") fail("a string");
  } else if (schema.isNumericSchema()) {
    // Every number in the inputs served here is an Integer in the model.
    if (typeof value !== "number" || !Number.isInteger(value)) fail("an integer");
  } else if (schema.isBooleanSchema()) {
    if (typeof value !== "boolean") fail("a boolean");
  } else if (schema.isListSchema()) {
    if (!Array.isArray(value)) fail("a list");
    const items = schema.getValueSchema();
    value.forEach((item, i) => {
      // The model's lists are not sparse: a null item is refused, as AWS does, rather than reaching a handler.
      if (item === null || item === undefined) throw serialization(`${path}[${i}]: expected a list item, got null`);
      conforms(item, items, `${path}[${i}]`);
    });
  } else if (schema.isStructSchema()) {
    if (typeof value !== "object" || Array.isArray(value)) fail("an object");
    for (const [member, memberSchema] of schema.structIterator()) {
      conforms((value as Record<string, unknown>)[member], memberSchema, path ? `${path}.${member}` : member);
    }
  } else {
    throw serialization(`${path}: a member of a type the emulator does not read`);
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

/** AWS JSON 1.1 sends timestamps as seconds since the epoch. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v)]));
  }
  return value;
}

export function parseInput(operation: Operation, body: unknown): unknown {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw serialization("The request body must be a JSON object.");
  }
  conforms(body, operation.input, "");
  return withoutNulls(body);
}
