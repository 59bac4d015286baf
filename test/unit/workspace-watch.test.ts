import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { watchedFingerprint } from "../../src/aws/workspace-watch.ts";
import type { WorkspaceShape } from "../../src/aws/workspaces.ts";

const workspace: WorkspaceShape = {
  workspaceId: "ws-abcdefgh1",
  state: "AVAILABLE",
  ipAddress: "10.0.0.1",
  modificationStates: [],
  workspaceProperties: { runningMode: "ALWAYS_ON", computeTypeName: "POWER", rootVolumeSizeGib: 175, userVolumeSizeGib: 100 },
};

describe("watchedFingerprint", () => {
  it("is the same whatever order AWS sent the members in", () => {
    const reordered: WorkspaceShape = {
      workspaceProperties: { userVolumeSizeGib: 100, rootVolumeSizeGib: 175, computeTypeName: "POWER", runningMode: "ALWAYS_ON" },
      modificationStates: [],
      state: "AVAILABLE",
      workspaceId: "ws-abcdefgh1",
    };
    assert.equal(watchedFingerprint(reordered), watchedFingerprint(workspace));
  });

  it("ignores fields subscribers are not told about, and absent modification states", () => {
    const { modificationStates: _, ...withoutModifications } = workspace;
    assert.equal(watchedFingerprint({ ...workspace, ipAddress: "10.0.0.2", errorMessage: "x" }), watchedFingerprint(workspace));
    assert.equal(watchedFingerprint(withoutModifications), watchedFingerprint(workspace));
    assert.equal(
      watchedFingerprint({
        ...workspace,
        workspaceProperties: { ...workspace.workspaceProperties, runningModeAutoStopTimeoutInMinutes: undefined },
      }),
      watchedFingerprint(workspace),
    );
  });

  it("changes with the state, a modification state or a property", () => {
    const fingerprints = (
      [
        workspace,
        { ...workspace, state: "UPDATING" },
        { ...workspace, state: "UPDATING", modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }] },
        { ...workspace, state: "UPDATING", modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_IN_PROGRESS" }] },
        { ...workspace, workspaceProperties: { ...workspace.workspaceProperties, computeTypeName: "POWERPRO" } },
        {
          ...workspace,
          workspaceProperties: { ...workspace.workspaceProperties, runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 60 },
        },
      ] as WorkspaceShape[]
    ).map(watchedFingerprint);
    assert.equal(new Set(fingerprints).size, fingerprints.length);
  });
});
