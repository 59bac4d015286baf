// AWS's enums grow: a value the schema does not know becomes null, and the rest of the response is unharmed; only
// `state`, non-null because AWS always sends it, fails its field with a typed error naming the value.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DescribeWorkspaceBundlesResult, DescribeWorkspacesResult } from "@aws-sdk/client-workspaces";
import { Compute, type RunningMode, WorkspaceState } from "@aws-sdk/client-workspaces";
import { knownValue } from "../../src/schema/enums.ts";
import { WorkspaceByIdDocument, WorkspacesDetailedDocument } from "../generated/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { startTestGateway } from "./fixture.ts";

describe("knownValue", () => {
  it("passes the values of the enum through", () => {
    assert.equal(knownValue(WorkspaceState, "AVAILABLE"), "AVAILABLE");
    assert.equal(knownValue(Compute, "GRAPHICSPRO"), "GRAPHICSPRO");
  });

  it("is null for a value it does not know, in another case, and for none", () => {
    assert.equal(knownValue(WorkspaceState, "HIBERNATED"), null);
    assert.equal(knownValue(Compute, "QUANTUM"), null);
    assert.equal(knownValue(Compute, "available"), null);
    assert.equal(knownValue(WorkspaceState, undefined), null);
  });
});

describe("unknown enum values from AWS, through HTTP", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, { bundleCacheTtlMs: 0 });
  });
  after(() => gateway.close());

  /** Replaces what the emulator answers for DescribeWorkspaces / DescribeWorkspaceBundles with a changed copy. */
  function alterAws(
    workspace: (result: DescribeWorkspacesResult) => void,
    bundles: (result: DescribeWorkspaceBundlesResult) => void = () => {},
  ) {
    const { workspaces: store, bundles: catalog } = gateway.emulator!.world;
    const describeWorkspaces = store.describe;
    const describeBundles = catalog.describe;
    store.describe = (request) => {
      const result = describeWorkspaces.call(store, request);
      workspace(result);
      return result;
    };
    catalog.describe = (request) => {
      const result = describeBundles.call(catalog, request);
      bundles(result);
      return result;
    };
    return () => {
      store.describe = describeWorkspaces;
      catalog.describe = describeBundles;
    };
  }

  it("a workspace of compute QUANTUM, running SOMETIMES_ON, comes back with those fields null, and no errors", async () => {
    const before = await gateway.execute(WorkspacesDetailedDocument, { first: 3 });
    const target = before.data!.workspaces!.edges[1]!.node;
    const restore = alterAws(
      (result) => {
        const workspace = result.Workspaces!.find((w) => w.WorkspaceId === target.workspaceId)!;
        workspace.WorkspaceProperties!.ComputeTypeName = "QUANTUM" as Compute;
        workspace.WorkspaceProperties!.RunningMode = "SOMETIMES_ON" as RunningMode;
        workspace.ModificationStates = [{ Resource: "GPU_COUNT" as never, State: "UPDATE_DREAMING" as never }];
      },
      (result) => {
        for (const bundle of result.Bundles ?? []) bundle.ComputeType = { Name: "QUANTUM" as Compute };
      },
    );
    try {
      const response = await gateway.execute(WorkspacesDetailedDocument, { first: 3 });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const nodes = response.data!.workspaces!.edges.map((e) => e.node);
      assert.equal(nodes.length, 3);
      const altered = nodes[1]!;
      assert.equal(altered.workspaceId, target.workspaceId);
      assert.equal(altered.state, target.state);
      assert.equal(altered.workspaceProperties!.computeTypeName, null);
      assert.equal(altered.workspaceProperties!.runningMode, null);
      assert.deepEqual(
        altered.modificationStates.map((m) => [m.resource, m.state]),
        [[null, null]],
      );
      assert.equal(altered.bundle!.computeType!.name, null);
      // Everything else is as before.
      assert.equal(altered.userName, target.userName);
      assert.equal(altered.workspaceProperties!.rootVolumeSizeGib, target.workspaceProperties!.rootVolumeSizeGib);
      assert.equal(altered.bundle!.name, target.bundle!.name);
      assert.deepEqual(nodes[0]!.state, before.data!.workspaces!.edges[0]!.node.state);
      assert.notEqual(nodes[0]!.state, null);
      assert.deepEqual(nodes[2]!.workspaceProperties, before.data!.workspaces!.edges[2]!.node.workspaceProperties);
    } finally {
      restore();
    }
  });

  it("a HIBERNATED state, which the schema does not know, is UPSTREAM_ERROR at that field, naming the value", async () => {
    const listed = await gateway.execute(WorkspacesDetailedDocument, { first: 1 });
    const workspaceId = listed.data!.workspaces!.edges[0]!.node.workspaceId;
    const restore = alterAws((result) => {
      for (const workspace of result.Workspaces ?? []) workspace.State = "HIBERNATED" as WorkspaceState;
    });
    try {
      const response = await gateway.execute(WorkspaceByIdDocument, { workspaceId });
      assert.deepEqual(
        response.errors?.map((e) => [e.path, e.extensions?.code, e.message]),
        [[["workspace", "state"], "UPSTREAM_ERROR", 'state: AWS sent "HIBERNATED", which this gateway does not know; upgrade it.']],
      );
      assert.deepEqual(response.data, { workspace: null });
    } finally {
      restore();
    }
  });
});
