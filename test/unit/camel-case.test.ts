import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { camelCase } from "../../src/aws/camel-case.ts";

describe("camelCase", () => {
  it("maps AWS member names to GraphQL field names, deeply, keeping values", () => {
    const created = new Date(0);
    assert.deepEqual(
      camelCase({
        WorkspaceId: "ws-123456789",
        WorkspaceProperties: { ComputeTypeName: "POWERPRO", RunningModeAutoStopTimeoutInMinutes: 60 },
        ModificationStates: [{ Resource: "COMPUTE_TYPE", State: "UPDATE_INITIATED" }],
        UserVolumeEncryptionEnabled: false,
        CreationTime: created,
      }),
      {
        workspaceId: "ws-123456789",
        workspaceProperties: { computeTypeName: "POWERPRO", runningModeAutoStopTimeoutInMinutes: 60 },
        modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }],
        userVolumeEncryptionEnabled: false,
        creationTime: created,
      },
    );
  });
});
