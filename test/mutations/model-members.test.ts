// The members of the current service model that a console sets, through HTTP against the emulator: each member of a
// create request read back (and echoed when refused), the WorkspaceName filter, and modify's protocol (through a
// PROTOCOL modification), operating system, Global Accelerator and data replication.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TestGateway } from "../gateway/fixture.ts";
import { startTestGateway } from "../gateway/fixture.ts";
import type { WorkspaceModificationInput, WorkspaceRequestInput } from "../generated/graphql.ts";
import {
  CreateWorkspacesEchoDocument,
  ModifyWorkspacePropertiesDocument,
  WorkspaceByIdDocument,
  WorkspacesPageDocument,
} from "../generated/graphql.ts";
import { BUNDLES, CORP, dataOf, narrow, SeededPool, UNKNOWN_DIRECTORY, uniqueUser } from "./helpers.ts";

const PENDING_MS = 60_000;

describe("the model's members, set through the gateway", () => {
  let gateway: TestGateway;
  let pool: SeededPool;

  before(async () => {
    gateway = await startTestGateway({ workspaces: 120, pendingMs: PENDING_MS, visibilityLagMs: 0, coolDownScale: 0 });
    pool = await SeededPool.load(gateway.client);
  });
  after(() => gateway.close());

  const full = (overrides: Partial<WorkspaceRequestInput> = {}): WorkspaceRequestInput => ({
    directoryId: CORP,
    userName: uniqueUser("members"),
    bundleId: BUNDLES.power,
    volumeEncryptionKey: "alias/aws/workspaces",
    userVolumeEncryptionEnabled: true,
    rootVolumeEncryptionEnabled: true,
    workspaceName: `members-${process.pid}`,
    ipv6Address: "2600:1f18:4a3:6c00::abcd",
    tags: [{ key: "team", value: "blue" }],
    workspaceProperties: {
      runningMode: "AUTO_STOP",
      runningModeAutoStopTimeoutInMinutes: 120,
      rootVolumeSizeGib: 200,
      userVolumeSizeGib: 150,
      computeTypeName: "POWERPRO",
      protocols: ["WSP"],
      operatingSystemName: "WINDOWS_SERVER_2022",
      globalAccelerator: { mode: "ENABLED_AUTO", preferredProtocol: "TCP" },
    },
    ...overrides,
  });

  const modify = async (modification: WorkspaceModificationInput) => {
    const response = await gateway.execute(ModifyWorkspacePropertiesDocument, { input: { modifications: [modification] } });
    return narrow(dataOf(response).modifyWorkspaceProperties, "ModifyWorkspacePropertiesPayload").results[0]!;
  };

  const read = async (workspaceId: string) => dataOf(await gateway.execute(WorkspaceByIdDocument, { workspaceId })).workspace!;

  it("creates with every member of WorkspaceRequest; each reads back, and the name finds it", async () => {
    const request = full();
    const response = await gateway.execute(CreateWorkspacesEchoDocument, { input: { workspaces: [request] } });
    const created = narrow(narrow(dataOf(response).createWorkspaces, "CreateWorkspacesPayload").results[0], "Workspace");
    assert.equal(created.state, "PENDING");
    assert.equal(created.workspaceName, request.workspaceName);

    const workspace = await read(created.workspaceId);
    assert.equal(workspace.workspaceName, request.workspaceName);
    assert.equal(workspace.ipv6Address, request.ipv6Address);
    assert.equal(workspace.volumeEncryptionKey, request.volumeEncryptionKey);
    assert.deepEqual(workspace.workspaceProperties, { ...request.workspaceProperties });

    const named = dataOf(await gateway.execute(WorkspacesPageDocument, { filter: { workspaceName: request.workspaceName! } }));
    assert.deepEqual(
      named.workspaces!.edges.map((e) => e.node.workspaceId),
      [created.workspaceId],
    );
  });

  it("echoes every member of a request AWS refused", async () => {
    const request = full({ directoryId: UNKNOWN_DIRECTORY, workspaceName: "members-refused" });
    const response = await gateway.execute(CreateWorkspacesEchoDocument, { input: { workspaces: [request] } });
    const failure = narrow(narrow(dataOf(response).createWorkspaces, "CreateWorkspacesPayload").results[0], "CreateWorkspaceFailure");
    assert.equal(failure.awsErrorCode, "ResourceNotFound.Directory");
    assert.deepEqual(failure.workspaceRequest, request);
  });

  it("refuses a malformed workspace name or IPv6 address, and a WorkspaceName filter, before any call", async () => {
    await gateway.resetAwsCalls();
    const response = await gateway.execute(CreateWorkspacesEchoDocument, {
      input: { workspaces: [full({ workspaceName: "-bad name" }), full({ ipv6Address: "10.0.0.1" })] },
    });
    assert.deepEqual(
      narrow(dataOf(response).createWorkspaces, "CreateWorkspacesPayload").results.map((r) => r.__typename),
      ["ValidationError", "ValidationError"],
    );
    const filtered = await gateway.execute(WorkspacesPageDocument, { filter: { workspaceName: "x" } });
    assert.deepEqual(
      filtered.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.extensions?.rule]),
      [["VALIDATION", "filter.workspaceName", "pattern"]],
    );
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("changes the protocol through a PROTOCOL modification, the old protocol shown until it completes", async () => {
    const pcoip = pool.take({ protocol: "PCOIP", compute: "POWER" });
    assert.deepEqual(pcoip.WorkspaceProperties!.Protocols, ["PCOIP"]);
    const result = narrow(
      await modify({ workspaceId: pcoip.WorkspaceId!, workspaceProperties: { protocols: ["WSP"] } }),
      "ModifyWorkspacePropertiesSuccess",
    );
    assert.equal(result.workspace!.state, "UPDATING");
    assert.deepEqual(result.workspace!.modificationStates, [{ resource: "PROTOCOL", state: "UPDATE_INITIATED" }]);
    const during = await read(pcoip.WorkspaceId!);
    assert.deepEqual(during.workspaceProperties!.protocols, ["PCOIP"]);
    assert.deepEqual(
      during.modificationStates.map((m) => m.resource),
      ["PROTOCOL"],
    );
  });

  it("sets the operating system and Global Accelerator at once", async () => {
    const target = pool.take({ compute: "STANDARD" });
    narrow(
      await modify({
        workspaceId: target.WorkspaceId!,
        workspaceProperties: { operatingSystemName: "WINDOWS_11", globalAccelerator: { mode: "ENABLED_AUTO", preferredProtocol: "NONE" } },
      }),
      "ModifyWorkspacePropertiesSuccess",
    );
    const workspace = await read(target.WorkspaceId!);
    assert.equal(workspace.workspaceProperties!.operatingSystemName, "WINDOWS_11");
    assert.deepEqual(workspace.workspaceProperties!.globalAccelerator, { mode: "ENABLED_AUTO", preferredProtocol: "NONE" });
    assert.deepEqual(workspace.modificationStates, []);
  });

  it("turns a primary's data replication off with dataReplication alone, and refuses a modification with neither", async () => {
    const primary = pool.take({ withStandby: true });
    const before = await read(primary.WorkspaceId!);
    assert.equal(before.dataReplicationSettings!.dataReplication, "PRIMARY_AS_SOURCE");
    narrow(await modify({ workspaceId: primary.WorkspaceId!, dataReplication: "NO_REPLICATION" }), "ModifyWorkspacePropertiesSuccess");
    const after = await read(primary.WorkspaceId!);
    assert.equal(after.dataReplicationSettings!.dataReplication, "NO_REPLICATION");
    assert.deepEqual(
      after.standbyWorkspacesProperties.map((s) => s.dataReplication),
      ["NO_REPLICATION"],
    );
    assert.deepEqual(
      after.relatedWorkspaces.map((r) => r.type),
      ["STANDBY"],
    );

    const neither = narrow(await modify({ workspaceId: primary.WorkspaceId! }), "ValidationError");
    assert.deepEqual([neither.field, neither.rule], ["input.modifications[0].workspaceProperties", "required"]);
  });
});
