import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { camelCase, camelCasePath, pascalCase } from "../../src/aws/camel-case.ts";

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

describe("camelCasePath and pascalCase", () => {
  it("turns AWS member paths into the GraphQL paths clients wrote", () => {
    assert.equal(
      camelCasePath("Workspaces[3].WorkspaceProperties.RunningModeAutoStopTimeoutInMinutes"),
      "workspaces[3].workspaceProperties.runningModeAutoStopTimeoutInMinutes",
    );
  });

  it("turns GraphQL input into AWS members, GraphQL's nulls meaning absent", () => {
    assert.deepEqual(pascalCase({ directoryId: "d-1234567890", volumeEncryptionKey: null, tags: [{ key: "team", value: null }] }), {
      DirectoryId: "d-1234567890",
      Tags: [{ Key: "team" }],
    });
  });
});
