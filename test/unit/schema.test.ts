import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Compute, WorkspaceState } from "@aws-sdk/client-workspaces";
import { POSSIBLE_TYPES_FILE, printedPossibleTypes, printedSchema, SCHEMA_FILE } from "../../scripts/print-schema.ts";
import { knownValue } from "../../src/schema/enums.ts";
import { schema } from "../../src/schema/index.ts";

describe("schema", () => {
  it("schema/schema.graphql is current (run npm run schema)", () => {
    assert.equal(readFileSync(SCHEMA_FILE, "utf8"), printedSchema());
  });

  it("schema/possible-types.json, for Apollo Client's possibleTypes, is current (run npm run schema)", async () => {
    assert.equal(readFileSync(POSSIBLE_TYPES_FILE, "utf8"), await printedPossibleTypes());
    const { possibleTypes } = JSON.parse(readFileSync(POSSIBLE_TYPES_FILE, "utf8")) as { possibleTypes: Record<string, string[]> };
    assert.ok(possibleTypes.Error?.includes("ValidationError"));
  });

  it("takes enum values from the SDK, GRAPHICSPRO and POWERPRO included", () => {
    const sdl = printedSchema();
    for (const value of [Compute.GRAPHICSPRO, Compute.POWERPRO, ...Object.values(WorkspaceState)]) {
      assert.match(sdl, new RegExp(`^  ${value}$`, "m"));
    }
  });

  it("offers forward-only connections and one-filter inputs", () => {
    const sdl = printedSchema();
    const workspaces = schema.getQueryType()!.getFields().workspaces!;
    assert.deepEqual(
      workspaces.args.map((a) => `${a.name}: ${a.type}`),
      ["first: Int", "after: String", "filter: WorkspacesFilter", "regions: [String!]", "accountIds: [String!]"],
    );
    // Nullable, so one root field's failure never takes another's data with it.
    assert.equal(String(workspaces.type), "WorkspaceConnection");
    assert.match(sdl, /input WorkspacesFilter @oneOf/);
    assert.match(sdl, /input BundlesFilter @oneOf/);
    assert.doesNotMatch(sdl, /last: Int|before: String/);
  });

  it("turns a value AWS sends that the SDK does not know into null", () => {
    assert.equal(knownValue(WorkspaceState, "HIBERNATED"), null);
    assert.equal(knownValue(WorkspaceState, undefined), null);
    assert.equal(knownValue(Compute, "POWERPRO"), "POWERPRO");
  });
});

describe("schema lint", () => {
  it("passes @graphql-eslint's schema-recommended rules, as eslint.config.js configures them", async () => {
    const { ESLint } = await import("eslint");
    const [result] = await new ESLint({ cwd: new URL("../..", import.meta.url).pathname }).lintFiles(["schema/schema.graphql"]);
    assert.deepEqual(
      result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`),
      [],
    );
  });

  it("describes every type, field and argument", () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)) continue;
      if (!type.description) missing.push(type.name);
      if (!("getFields" in type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (!field.description) missing.push(`${type.name}.${field.name}`);
        for (const arg of "args" in field ? field.args : []) if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    assert.deepEqual(missing, []);
  });
});
