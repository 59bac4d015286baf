// Relay nodes and lookups by AWS ID: every member as AWS gives it (camelCase), null for what AWS does not have.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceBundlesCommand, DescribeWorkspacesCommand, ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import {
  BundleByIdDocument,
  NodeByIdDocument,
  WorkspaceByIdDocument,
  WorkspaceModificationsDocument,
  WorkspacesDetailedDocument,
} from "../generated/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { globalId, sdkWorkspaces, startTestGateway } from "./fixture.ts";

let gateway: TestGateway;
let all: Workspace[];

before(async () => {
  gateway = await startTestGateway();
  all = await sdkWorkspaces(gateway.client);
});
after(() => gateway.close());

/** A workspace as the schema should show it: AWS's members, camelCased, absent ones null. */
function expectedWorkspace(w: Workspace) {
  const p = w.WorkspaceProperties ?? {};
  return {
    id: globalId("Workspace", w.WorkspaceId!),
    workspaceId: w.WorkspaceId,
    directoryId: w.DirectoryId ?? null,
    userName: w.UserName ?? null,
    ipAddress: w.IpAddress ?? null,
    ipv6Address: w.Ipv6Address ?? null,
    state: w.State ?? null,
    bundleId: w.BundleId ?? null,
    subnetId: w.SubnetId ?? null,
    errorMessage: w.ErrorMessage ?? null,
    errorCode: w.ErrorCode ?? null,
    computerName: w.ComputerName ?? null,
    volumeEncryptionKey: w.VolumeEncryptionKey ?? null,
    userVolumeEncryptionEnabled: w.UserVolumeEncryptionEnabled ?? null,
    rootVolumeEncryptionEnabled: w.RootVolumeEncryptionEnabled ?? null,
    workspaceName: w.WorkspaceName ?? null,
    workspaceProperties: {
      runningMode: p.RunningMode ?? null,
      runningModeAutoStopTimeoutInMinutes: p.RunningModeAutoStopTimeoutInMinutes ?? null,
      rootVolumeSizeGib: p.RootVolumeSizeGib ?? null,
      userVolumeSizeGib: p.UserVolumeSizeGib ?? null,
      computeTypeName: p.ComputeTypeName ?? null,
      protocols: p.Protocols ?? null,
      operatingSystemName: p.OperatingSystemName ?? null,
      globalAccelerator: p.GlobalAccelerator
        ? { mode: p.GlobalAccelerator.Mode ?? null, preferredProtocol: p.GlobalAccelerator.PreferredProtocol ?? null }
        : null,
    },
    modificationStates: (w.ModificationStates ?? []).map((m) => ({
      id: globalId("ModificationState", `${w.WorkspaceId}/${m.Resource}`),
      resource: m.Resource ?? null,
      state: m.State ?? null,
    })),
    relatedWorkspaces: (w.RelatedWorkspaces ?? []).map((r) => ({
      workspaceId: r.WorkspaceId ?? null,
      region: r.Region ?? null,
      state: r.State ?? null,
      type: r.Type ?? null,
    })),
    dataReplicationSettings: w.DataReplicationSettings
      ? {
          dataReplication: w.DataReplicationSettings.DataReplication ?? null,
          recoverySnapshotTime: w.DataReplicationSettings.RecoverySnapshotTime?.toISOString() ?? null,
        }
      : null,
    standbyWorkspacesProperties: (w.StandbyWorkspacesProperties ?? []).map((s) => ({
      standbyWorkspaceId: s.StandbyWorkspaceId ?? null,
      dataReplication: s.DataReplication ?? null,
      recoverySnapshotTime: s.RecoverySnapshotTime?.toISOString() ?? null,
    })),
  };
}

function expectedBundle(b: WorkspaceBundle) {
  return {
    id: globalId("Bundle", b.BundleId!),
    bundleId: b.BundleId,
    name: b.Name ?? null,
    owner: b.Owner ?? null,
    description: b.Description ?? null,
    imageId: b.ImageId ?? null,
    rootStorage: b.RootStorage ? { capacity: Number(b.RootStorage.Capacity) } : null,
    userStorage: b.UserStorage ? { capacity: Number(b.UserStorage.Capacity) } : null,
    computeType: b.ComputeType ? { name: b.ComputeType.Name ?? null } : null,
    lastUpdatedTime: b.LastUpdatedTime?.toISOString() ?? null,
    creationTime: b.CreationTime?.toISOString() ?? null,
    state: b.State ?? null,
    bundleType: b.BundleType ?? null,
  };
}

/** Every member AWS sent is one the schema shows (so the comparisons above leave nothing out). */
function assertCovers(aws: object, graphql: Record<string, unknown>, path: string) {
  for (const [member, value] of Object.entries(aws)) {
    if (value === undefined) continue;
    const field = member.charAt(0).toLowerCase() + member.slice(1);
    assert.ok(field in graphql, `${path}.${member} is not in the schema`);
  }
}

describe("every member, as AWS gives it", () => {
  it("all 60 workspaces and their bundles match DescribeWorkspaces and DescribeWorkspaceBundles", async () => {
    const response = await gateway.execute(WorkspacesDetailedDocument, { first: 60 });
    assert.equal(response.errors, undefined);
    const nodes = response.data!.workspaces!.edges.map((e) => e.node);
    assert.equal(nodes.length, all.length);
    const bundleIds = [...new Set(all.map((w) => w.BundleId!))];
    const bundles = new Map<string, WorkspaceBundle>();
    for (let i = 0; i < bundleIds.length; i += 25) {
      const out = await gateway.client.send(new DescribeWorkspaceBundlesCommand({ BundleIds: bundleIds.slice(i, i + 25) }));
      for (const b of out.Bundles!) bundles.set(b.BundleId!, b);
    }
    nodes.forEach((node, i) => {
      const aws = all[i]!;
      const { bundle, ...workspace } = node;
      assert.deepEqual(workspace, expectedWorkspace(aws));
      assert.deepEqual(bundle, expectedBundle(bundles.get(aws.BundleId!)!));
      assertCovers(aws, workspace, aws.WorkspaceId!);
      assertCovers(aws.WorkspaceProperties!, workspace.workspaceProperties!, `${aws.WorkspaceId}.WorkspaceProperties`);
      for (const [j, related] of (aws.RelatedWorkspaces ?? []).entries()) {
        assertCovers(related, workspace.relatedWorkspaces[j]!, `${aws.WorkspaceId}.RelatedWorkspaces`);
      }
      for (const [j, standby] of (aws.StandbyWorkspacesProperties ?? []).entries()) {
        assertCovers(standby, workspace.standbyWorkspacesProperties[j]!, `${aws.WorkspaceId}.StandbyWorkspacesProperties`);
      }
      if (aws.DataReplicationSettings) {
        assertCovers(aws.DataReplicationSettings, workspace.dataReplicationSettings!, `${aws.WorkspaceId}.DataReplicationSettings`);
      }
      assertCovers(bundles.get(aws.BundleId!)!, bundle!, aws.BundleId!);
    });
    // The seed covers the optional members: errors, encryption keys, auto-stop timeouts, names, IPv6 addresses, standbys.
    assert.ok(
      nodes.some((n) => n.workspaceName !== null),
      "no named workspace",
    );
    assert.ok(
      nodes.some((n) => n.ipv6Address !== null),
      "no workspace with an IPv6 address",
    );
    assert.ok(
      nodes.some((n) => n.standbyWorkspacesProperties.length > 0 && n.dataReplicationSettings?.recoverySnapshotTime),
      "no primary with a standby",
    );
    assert.ok(
      nodes.some((n) => n.workspaceProperties!.protocols?.[0] === "WSP"),
      "no workspace streaming over WSP",
    );
    assert.ok(
      nodes.some((n) => n.errorCode !== null && n.errorMessage !== null),
      "no workspace in ERROR",
    );
    assert.ok(
      nodes.some((n) => n.volumeEncryptionKey !== null && n.rootVolumeEncryptionEnabled === true),
      "no encrypted workspace",
    );
    assert.ok(
      nodes.some((n) => n.workspaceProperties!.runningModeAutoStopTimeoutInMinutes !== null),
      "no AUTO_STOP workspace",
    );
    assert.ok(
      nodes.some((n) => n.workspaceProperties!.runningModeAutoStopTimeoutInMinutes === null),
      "no ALWAYS_ON workspace",
    );
  });

  it("workspace(workspaceId) matches the SDK's DescribeWorkspaces for the same ID", async () => {
    for (const aws of [all.find((w) => w.ErrorCode)!, all.find((w) => w.VolumeEncryptionKey)!, all[0]!]) {
      const out = await gateway.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [aws.WorkspaceId!] }));
      const response = await gateway.execute(WorkspaceByIdDocument, { workspaceId: aws.WorkspaceId! });
      assert.equal(response.errors, undefined);
      const { bundle, ...workspace } = response.data!.workspace!;
      assert.deepEqual(workspace, expectedWorkspace(out.Workspaces![0]!));
      assert.equal(bundle!.bundleId, aws.BundleId);
    }
  });
});

describe("node(id) and lookups", () => {
  it("node(id) of a Workspace", async () => {
    const aws = all[5]!;
    const response = await gateway.execute(NodeByIdDocument, { id: globalId("Workspace", aws.WorkspaceId!) });
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data!.node, {
      __typename: "Workspace",
      id: globalId("Workspace", aws.WorkspaceId!),
      workspaceId: aws.WorkspaceId,
      state: aws.State,
    });
  });

  it("node(id) of a Bundle", async () => {
    const bundleId = all[5]!.BundleId!;
    const aws = (await gateway.client.send(new DescribeWorkspaceBundlesCommand({ BundleIds: [bundleId] }))).Bundles![0]!;
    const response = await gateway.execute(NodeByIdDocument, { id: globalId("Bundle", bundleId) });
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data!.node, { __typename: "Bundle", id: globalId("Bundle", bundleId), bundleId, name: aws.Name });
  });

  it("node(id) of a ModificationState", async () => {
    const target = all.find((w) => w.State === "AVAILABLE" && !w.WorkspaceProperties!.ComputeTypeName!.startsWith("GRAPHICS"))!;
    const compute = target.WorkspaceProperties!.ComputeTypeName === "POWER" ? "POWERPRO" : "POWER";
    await gateway.client.send(
      new ModifyWorkspacePropertiesCommand({
        WorkspaceId: target.WorkspaceId,
        WorkspaceProperties: { ComputeTypeName: compute },
      }),
    );
    const workspace = await gateway.execute(WorkspaceModificationsDocument, { workspaceId: target.WorkspaceId! });
    assert.equal(workspace.errors, undefined);
    assert.equal(workspace.data!.workspace!.state, "UPDATING");
    const id = globalId("ModificationState", `${target.WorkspaceId}/COMPUTE_TYPE`);
    assert.deepEqual(workspace.data!.workspace!.modificationStates, [
      { id, resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED", workspace: { workspaceId: target.WorkspaceId } },
    ]);

    const node = await gateway.execute(NodeByIdDocument, { id });
    assert.equal(node.errors, undefined);
    assert.deepEqual(node.data!.node, {
      __typename: "ModificationState",
      id,
      resource: "COMPUTE_TYPE",
      modificationState: "UPDATE_INITIATED",
      workspace: { workspaceId: target.WorkspaceId },
    });
    // A resource the workspace is not modifying is no node.
    const none = await gateway.execute(NodeByIdDocument, { id: globalId("ModificationState", `${target.WorkspaceId}/ROOT_VOLUME`) });
    assert.equal(none.errors, undefined);
    assert.equal(none.data!.node, null);
  });

  it("node(id) of a well-formed ID AWS does not have is null", async () => {
    for (const id of [globalId("Workspace", "ws-doesnotexist1"), globalId("Bundle", "wsb-doesnotexist1")]) {
      await gateway.resetAwsCalls();
      const response = await gateway.execute(NodeByIdDocument, { id });
      assert.equal(response.errors, undefined, id);
      assert.equal(response.data!.node, null, id);
      // Asked, not assumed: AWS was called once.
      const calls = await gateway.awsCalls();
      assert.equal(
        Object.values(calls).reduce((a, b) => a + b, 0),
        1,
        JSON.stringify(calls),
      );
    }
  });

  it("workspace(workspaceId) and bundle(bundleId) are null for IDs AWS does not have", async () => {
    const workspace = await gateway.execute(WorkspaceByIdDocument, { workspaceId: "ws-doesnotexist1" });
    assert.equal(workspace.errors, undefined);
    assert.equal(workspace.data!.workspace, null);
    const bundle = await gateway.execute(BundleByIdDocument, { bundleId: "wsb-doesnotexist1" });
    assert.equal(bundle.errors, undefined);
    assert.equal(bundle.data!.bundle, null);
  });

  it("malformed IDs are VALIDATION errors naming the argument, with no AWS call", async () => {
    await gateway.resetAwsCalls();
    const workspace = await gateway.execute(WorkspaceByIdDocument, { workspaceId: "i-0123456789" });
    assert.equal(workspace.errors?.[0]?.extensions?.code, "VALIDATION");
    assert.equal(workspace.errors?.[0]?.extensions?.field, "workspaceId");
    const bundle = await gateway.execute(BundleByIdDocument, { bundleId: "ws-0123456789" });
    assert.equal(bundle.errors?.[0]?.extensions?.code, "VALIDATION");
    assert.equal(bundle.errors?.[0]?.extensions?.field, "bundleId");
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("a node ID that is not a global ID, or names no node type, is a VALIDATION error with no AWS call", async () => {
    await gateway.resetAwsCalls();
    for (const id of ["%%%not-base64%%%", Buffer.from("no-colon").toString("base64"), Buffer.from("Foo:bar").toString("base64")]) {
      const response = await gateway.execute(NodeByIdDocument, { id });
      assert.equal(response.errors?.length, 1, `one error for ${id}`);
      assert.equal(response.errors?.[0]?.extensions?.code, "VALIDATION", `code for ${id}: ${JSON.stringify(response.errors)}`);
      assert.equal(response.errors?.[0]?.extensions?.rule, "globalId");
      assert.equal(response.data?.node, null);
    }
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("a malformed ID among nodes(ids:) fails its own item; the other IDs and root fields are answered", async () => {
    const [first, second] = (await sdkWorkspaces(gateway.client)).slice(0, 2);
    const ids = [globalId("Workspace", first!.WorkspaceId!), "not-a-global-id", globalId("Workspace", second!.WorkspaceId!)];
    await gateway.resetAwsCalls();
    const response = await gateway.post({
      query: "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Workspace { workspaceId } } bundles(first: 1) { edges { cursor } } }",
      variables: { ids },
    });
    const { data, errors } = (await response.json()) as {
      data: any;
      errors?: { path?: unknown[]; extensions?: Record<string, unknown> }[];
    };
    assert.deepEqual(data.nodes, [{ workspaceId: first!.WorkspaceId }, null, { workspaceId: second!.WorkspaceId }]);
    assert.equal(data.bundles.edges.length, 1);
    assert.deepEqual(
      errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.field, e.extensions?.rule]),
      [[["nodes", 1], "VALIDATION", "id", "globalId"]],
    );
    // One DescribeWorkspaces for both WorkSpaces, none for the malformed ID.
    assert.equal((await gateway.awsCalls()).DescribeWorkspaces, 1);
  });

  it("a global ID holding a malformed AWS ID is a VALIDATION error naming id and the ID's rule, with no AWS call", async () => {
    await gateway.resetAwsCalls();
    const cases = [
      [globalId("Workspace", "bad"), "pattern", 'holds the Workspace ID "bad", which must match ^ws-[0-9a-z]{8,63}$'],
      [globalId("Bundle", "ws-0123456789"), "pattern", 'holds the Bundle ID "ws-0123456789", which must match ^wsb-[0-9a-z]{8,63}$'],
      [globalId("Directory", "d-1"), "length", 'holds the Directory ID "d-1", which must be 10 to 65 characters long'],
      [
        globalId("ModificationState", "bad/COMPUTE_TYPE"),
        "pattern",
        'holds the ModificationState ID "bad/COMPUTE_TYPE", which must match ^ws-[0-9a-z]{8,63}$',
      ],
    ] as const;
    for (const [id, rule, detail] of cases) {
      const response = await gateway.execute(NodeByIdDocument, { id });
      assert.equal(response.data?.node, null);
      assert.deepEqual(
        response.errors?.map((e) => [e.message, e.extensions]),
        [[`id: ${detail}`, { code: "VALIDATION", retryable: false, field: "id", rule }]],
      );
    }
    assert.deepEqual(await gateway.awsCalls(), {});
  });
});
