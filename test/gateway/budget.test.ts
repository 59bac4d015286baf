// What a query costs in AWS calls: the dashboard in 1 + 1 (1 once bundles are cached), the console's main screen in one
// call of each operation it needs, 100 nodes in 4 parallel batches, and nothing fetched twice in a request.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import { DEFAULT_QUERY } from "../../src/server.ts";
import {
  ConsoleMainScreenDocument,
  DashboardDocument,
  NodesByIdsDocument,
  WorkspaceModificationsDocument,
  WorkspacesCursorsDocument,
} from "../generated/graphql.ts";
import { eventually } from "../subscriptions/helpers.ts";
import type { TestGateway } from "./fixture.ts";
import { globalId, sdkWorkspaces, startTestGateway } from "./fixture.ts";

describe("call budget: the dashboard", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  it("costs 1 DescribeWorkspaces + 1 DescribeWorkspaceBundles cold, then 1 DescribeWorkspaces warm", async () => {
    await gateway.resetAwsCalls();
    const cold = await gateway.execute(DashboardDocument, { first: 25 });
    assert.equal(cold.errors, undefined);
    const edges = cold.data!.workspaces!.edges;
    assert.equal(edges.length, 25);
    assert.ok(
      edges.every((e) => e.node.bundle?.name && e.node.bundle.computeType?.name),
      "a workspace lacks its bundle",
    );
    // The 25 workspaces use several bundles, all fetched in the one call.
    assert.ok(new Set(edges.map((e) => e.node.bundle!.name)).size > 1, "all 25 workspaces share one bundle");
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 });

    await gateway.resetAwsCalls();
    const warm = await gateway.execute(DashboardDocument, { first: 25 });
    assert.equal(warm.errors, undefined);
    assert.deepEqual(warm.data, cold.data);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1 });
  });

  it("a list fetch primes the workspace loader: a lookup of a listed workspace later in the request is free", async () => {
    const listed = (await gateway.execute(WorkspacesCursorsDocument, { first: 5 })).data!.workspaces!.edges.map((e) => e.node.workspaceId);
    const all = await sdkWorkspaces(gateway.client);
    const target = all.find(
      (w) => listed.includes(w.WorkspaceId!) && w.State === "AVAILABLE" && !w.WorkspaceProperties!.ComputeTypeName!.startsWith("GRAPHICS"),
    )!;
    assert.ok(target, "no AVAILABLE non-graphics workspace among the first 5");
    const compute = target.WorkspaceProperties!.ComputeTypeName === "STANDARD" ? "PERFORMANCE" : "STANDARD";
    await gateway.client.send(
      new ModifyWorkspacePropertiesCommand({
        WorkspaceId: target.WorkspaceId,
        WorkspaceProperties: { ComputeTypeName: compute },
      }),
    );

    // ModificationState.workspace looks its workspace up through the loader, after the list has primed it.
    const query = `{
      workspaces(first: 5) { edges { node { workspaceId modificationStates { resource workspace { workspaceId userName } } } } }
    }`;
    await gateway.resetAwsCalls();
    const body = (await (await gateway.post({ query })).json()) as {
      errors?: unknown;
      data: {
        workspaces: {
          edges: {
            node: { workspaceId: string; modificationStates: { resource: string; workspace: { workspaceId: string; userName: string } }[] };
          }[];
        };
      };
    };
    assert.equal(body.errors, undefined);
    const node = body.data.workspaces.edges.find((e) => e.node.workspaceId === target.WorkspaceId)!.node;
    assert.deepEqual(node.modificationStates, [
      { resource: "COMPUTE_TYPE", workspace: { workspaceId: target.WorkspaceId, userName: target.UserName } },
    ]);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1 });

    // Without the list, the same lookup does cost a call: the zero above is the priming, not a cache across requests.
    await gateway.resetAwsCalls();
    const alone = await gateway.execute(WorkspaceModificationsDocument, { workspaceId: target.WorkspaceId! });
    assert.equal(alone.data!.workspace!.modificationStates[0]!.workspace!.workspaceId, target.WorkspaceId);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1 });
  });
});

describe("call budget: the console's main screen", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ workspaces: 110 });
  });
  after(() => gateway.close());

  const ONE_OF_EACH = {
    DescribeWorkspaces: 1,
    DescribeWorkspaceBundles: 1,
    DescribeWorkspaceDirectories: 1,
    DescribeWorkspacesConnectionStatus: 1,
  };

  it("costs one call of each operation cold for 25 WorkSpaces with bundle, directory and connection status; no bundle call warm", async () => {
    await gateway.resetAwsCalls();
    const cold = await gateway.execute(ConsoleMainScreenDocument, { first: 25 });
    assert.equal(cold.errors, undefined);
    const nodes = cold.data!.workspaces!.edges.map((e) => e.node);
    assert.equal(nodes.length, 25);
    assert.ok(
      nodes.every((n) => n.bundle?.name && n.directory?.workspaceDirectoryName && n.connectionStatus?.connectionState),
      "a WorkSpace lacks its bundle, directory or connection status",
    );
    assert.ok(new Set(nodes.map((n) => n.directory!.directoryId)).size > 1, "all 25 WorkSpaces share one directory");
    assert.deepEqual(await gateway.awsCalls(), ONE_OF_EACH);

    await gateway.resetAwsCalls();
    const warm = await gateway.execute(ConsoleMainScreenDocument, { first: 25 });
    assert.equal(warm.errors, undefined);
    assert.deepEqual(await gateway.awsCalls(), {
      DescribeWorkspaces: 1,
      DescribeWorkspaceDirectories: 1,
      DescribeWorkspacesConnectionStatus: 1,
    });
  });

  it("costs one DescribeWorkspaces more with pageInfo.hasNextPage, when the page ends where AWS's does and only the next can tell", async () => {
    await gateway.resetAwsCalls();
    const query = "{ workspaces(first: 25) { edges { node { workspaceId } } pageInfo { hasNextPage } } }";
    const body = (await (await gateway.post({ query })).json()) as { data: { workspaces: { pageInfo: { hasNextPage: boolean } } } };
    assert.equal(body.data.workspaces.pageInfo.hasNextPage, true);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 2 });
  });

  it("costs the same for GraphiQL's default document, the main screen as docs/examples.md shows it", async () => {
    const fresh = await startTestGateway({ workspaces: 110 });
    try {
      await fresh.resetAwsCalls();
      const response = await fresh.post({ query: DEFAULT_QUERY });
      const body = (await response.json()) as { data?: { workspaces: { edges: unknown[] } }; errors?: unknown };
      assert.equal(body.errors, undefined);
      assert.equal(body.data!.workspaces.edges.length, 25);
      assert.deepEqual(await fresh.awsCalls(), ONE_OF_EACH);
    } finally {
      await fresh.close();
    }
  });

  it("grows by one call per 25 WorkSpaces for the lists and statuses, not per WorkSpace: 100 cost 4 + 4 + 1 + 1", async () => {
    const fresh = await startTestGateway({ workspaces: 110 });
    try {
      await fresh.resetAwsCalls();
      const response = await fresh.execute(ConsoleMainScreenDocument, { first: 100 });
      assert.equal(response.errors, undefined);
      assert.equal(response.data!.workspaces!.edges.length, 100);
      assert.deepEqual(await fresh.awsCalls(), {
        DescribeWorkspaces: 4,
        DescribeWorkspacesConnectionStatus: 4,
        DescribeWorkspaceDirectories: 1,
        DescribeWorkspaceBundles: 1,
      });
    } finally {
      await fresh.close();
    }
  });
});

describe("call budget: nodes", () => {
  let gateway: TestGateway;
  let ids: string[];
  before(async () => {
    gateway = await startTestGateway({ workspaces: 110 });
    const page = await gateway.execute(WorkspacesCursorsDocument, { first: 100 });
    ids = page.data!.workspaces!.edges.map((e) => e.node.workspaceId);
    assert.equal(ids.length, 100);
  });
  after(() => gateway.close());

  it("nodes(ids: 100 workspace IDs) costs exactly 4 DescribeWorkspaces, made concurrently", async () => {
    await gateway.resetAwsCalls();
    // AWS answers nothing until all four calls have reached it: they can only all arrive if made concurrently.
    const release = gateway.emulator!.hold();
    const pending = gateway.execute(NodesByIdsDocument, { ids: ids.map((id) => globalId("Workspace", id)) });
    await eventually(async () => (await gateway.awsCalls()).DescribeWorkspaces === 4, "4 DescribeWorkspaces in flight at once");
    release();
    const result = await pending;
    assert.equal(result.errors, undefined);
    assert.deepEqual(
      result.data!.nodes.map((n) => (n?.__typename === "Workspace" ? n.workspaceId : null)),
      ids,
    );
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 4 });
  });

  it("the same ID asked twice is fetched once", async () => {
    await gateway.resetAwsCalls();
    const twice = [ids[0]!, ids[1]!, ids[0]!].map((id) => globalId("Workspace", id));
    const result = await gateway.execute(NodesByIdsDocument, { ids: twice });
    assert.deepEqual(
      result.data!.nodes.map((n) => (n?.__typename === "Workspace" ? n.workspaceId : null)),
      [ids[0], ids[1], ids[0]],
    );
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1 });
  });
});
