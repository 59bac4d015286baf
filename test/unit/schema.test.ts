import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { Compute, WorkspaceState } from "@aws-sdk/client-workspaces";
import { printedSchema, SCHEMA_FILE } from "../../scripts/print-schema.ts";
import { knownValue } from "../../src/schema/enums.ts";

describe("schema", () => {
  it("schema/schema.graphql is current (run npm run schema)", () => {
    assert.equal(readFileSync(SCHEMA_FILE, "utf8"), printedSchema());
  });

  it("takes enum values from the SDK, GRAPHICSPRO and POWERPRO included", () => {
    const sdl = printedSchema();
    for (const value of [Compute.GRAPHICSPRO, Compute.POWERPRO, ...Object.values(WorkspaceState)]) {
      assert.match(sdl, new RegExp(`^  ${value}$`, "m"));
    }
  });

  it("offers forward-only connections and one-filter inputs", () => {
    const sdl = printedSchema();
    assert.match(sdl, /workspaces\(first: Int, after: String, filter: WorkspacesFilter\): WorkspaceConnection!/);
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
