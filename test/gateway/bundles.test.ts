// Bundles: AWS's public ones by owner, the account's own by default, by ID, their workspaces, and the cross-request
// cache with its TTL.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceBundlesCommand } from "@aws-sdk/client-workspaces";
import { BundleByIdDocument, BundlesPageDocument, DashboardDocument } from "../generated/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { sdkWorkspaces, startClockedGateway, startTestGateway } from "./fixture.ts";

let gateway: TestGateway;
let all: Workspace[];

before(async () => {
  gateway = await startTestGateway();
  all = await sdkWorkspaces(gateway.client);
});
after(() => gateway.close());

describe("bundles", () => {
  it("filter owner: AMAZON lists AWS's 12 public bundles, GRAPHICSPRO and POWERPRO among them", async () => {
    const aws = (await gateway.client.send(new DescribeWorkspaceBundlesCommand({ Owner: "AMAZON" }))).Bundles!;
    await gateway.resetAwsCalls();
    const response = await gateway.execute(BundlesPageDocument, { filter: { owner: "AMAZON" } });
    assert.equal(response.errors, undefined);
    const nodes = response.data!.bundles!.edges.map((e) => e.node);
    assert.equal(nodes.length, 12);
    assert.deepEqual(
      nodes.map((n) => n.bundleId),
      aws.map((b) => b.BundleId),
    );
    assert.ok(
      nodes.every((n) => n.owner === "AMAZON"),
      "a listed bundle is not AMAZON's",
    );
    const computes = new Set(nodes.map((n) => n.computeType?.name));
    for (const compute of ["VALUE", "STANDARD", "PERFORMANCE", "POWER", "POWERPRO", "GRAPHICS", "GRAPHICSPRO"]) {
      assert.ok(computes.has(compute as never), `no ${compute} bundle`);
    }
    assert.equal(response.data!.bundles!.pageInfo.hasNextPage, false);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceBundles: 1 });
  });

  it("no filter lists the account's 3 own bundles", async () => {
    const response = await gateway.execute(BundlesPageDocument, {});
    assert.equal(response.errors, undefined);
    const nodes = response.data!.bundles!.edges.map((e) => e.node);
    assert.deepEqual(
      nodes.map((n) => n.bundleId),
      ["wsb-acct0std1", "wsb-acct0ppr2", "wsb-acct0gpr3"],
    );
    assert.ok(
      nodes.every((n) => n.owner === "123456789012"),
      "a listed bundle is not the account's",
    );
    assert.deepEqual(
      nodes.map((n) => n.computeType?.name),
      ["STANDARD", "POWERPRO", "GRAPHICSPRO"],
    );
  });

  it("filter owner: ACCOUNT is the account's bundles too", async () => {
    const response = await gateway.execute(BundlesPageDocument, { filter: { owner: "ACCOUNT" } });
    assert.deepEqual(
      response.data!.bundles!.edges.map((e) => e.node.bundleId),
      ["wsb-acct0std1", "wsb-acct0ppr2", "wsb-acct0gpr3"],
    );
  });

  it("filter bundleIds returns those bundles, public or not, and nothing for unknown IDs", async () => {
    const response = await gateway.execute(BundlesPageDocument, {
      filter: { bundleIds: ["wsb-acct0ppr2", "wsb-3t36q0xfc", "wsb-doesnotexist1"] },
    });
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data!.bundles!.edges.map((e) => [e.node.bundleId, e.node.computeType?.name]).sort(), [
      ["wsb-3t36q0xfc", "GRAPHICSPRO"],
      ["wsb-acct0ppr2", "POWERPRO"],
    ]);
  });

  it("an invalid bundleIds filter is a VALIDATION error naming the path, with no AWS call", async () => {
    await gateway.resetAwsCalls();
    const response = await gateway.execute(BundlesPageDocument, { filter: { bundleIds: ["wsb-acct0ppr2", "nope"] } });
    assert.equal(response.errors?.[0]?.extensions?.code, "VALIDATION");
    assert.equal(response.errors?.[0]?.extensions?.field, "filter.bundleIds[1]");
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("bundle { workspaces } lists only that bundle's workspaces", async () => {
    const counts = new Map<string, number>();
    for (const w of all) counts.set(w.BundleId!, (counts.get(w.BundleId!) ?? 0) + 1);
    const [bundleId] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
    const expected = all.filter((w) => w.BundleId === bundleId).map((w) => w.WorkspaceId);
    assert.ok(expected.length >= 2, "no bundle has 2 workspaces");
    const response = await gateway.execute(BundleByIdDocument, { bundleId, first: 100 });
    assert.equal(response.errors, undefined);
    const bundle = response.data!.bundle!;
    assert.equal(bundle.bundleId, bundleId);
    assert.deepEqual(
      bundle.workspaces!.edges.map((e) => e.node.workspaceId),
      expected,
    );
    assert.ok(
      bundle.workspaces!.edges.every((e) => e.node.bundleId === bundleId),
      "a workspace of another bundle",
    );
    assert.equal(bundle.workspaces!.pageInfo.hasNextPage, false);

    // Its cursors page that list, and only that list.
    const firstPage = await gateway.execute(BundleByIdDocument, { bundleId, first: 1 });
    const cursor = firstPage.data!.bundle!.workspaces!.pageInfo.endCursor!;
    const rest = await gateway.execute(BundleByIdDocument, { bundleId, first: 100, after: cursor });
    assert.deepEqual(
      rest.data!.bundle!.workspaces!.edges.map((e) => e.node.workspaceId),
      expected.slice(1),
    );
    const other = [...counts.keys()].find((id) => id !== bundleId)!;
    const foreign = await gateway.execute(BundleByIdDocument, { bundleId: other, first: 1, after: cursor });
    assert.equal(foreign.errors?.[0]?.extensions?.code, "INVALID_CURSOR");
  });

  it("a bundle no workspace uses has an empty workspaces connection", async () => {
    const small = await startTestGateway({ workspaces: 2 });
    try {
      const used = new Set((await sdkWorkspaces(small.client)).map((w) => w.BundleId));
      const owned = (await small.execute(BundlesPageDocument, {})).data!.bundles!.edges.map((e) => e.node.bundleId);
      const unused = owned.find((id) => !used.has(id))!;
      const response = await small.execute(BundleByIdDocument, { bundleId: unused });
      assert.equal(response.errors, undefined);
      assert.equal(response.data!.bundle!.bundleId, unused);
      assert.deepEqual(response.data!.bundle!.workspaces!.edges, []);
      assert.equal(response.data!.bundle!.workspaces!.pageInfo.hasNextPage, false);
      assert.equal(response.data!.bundle!.workspaces!.pageInfo.endCursor, null);
    } finally {
      await small.close();
    }
  });
});

describe("the bundle cache", () => {
  it("listed bundles are cached: a dashboard after bundles(owner: AMAZON) + bundles() needs no bundle call", async () => {
    const fresh = await startTestGateway();
    try {
      await fresh.execute(BundlesPageDocument, { filter: { owner: "AMAZON" } });
      await fresh.execute(BundlesPageDocument, {});
      await fresh.resetAwsCalls();
      const dashboard = await fresh.execute(DashboardDocument, { first: 25 });
      assert.ok(
        dashboard.data!.workspaces!.edges.every((e) => e.node.bundle !== null),
        "a workspace lacks its bundle",
      );
      assert.deepEqual(await fresh.awsCalls(), { DescribeWorkspaces: 1 });
    } finally {
      await fresh.close();
    }
  });

  it("with bundleCacheTtlMs: 0 every dashboard pays a DescribeWorkspaceBundles", async () => {
    const uncached = await startTestGateway({}, { bundleCacheTtlMs: 0 });
    try {
      for (let i = 0; i < 3; i++) {
        await uncached.resetAwsCalls();
        const dashboard = await uncached.execute(DashboardDocument, { first: 25 });
        assert.equal(dashboard.errors, undefined);
        assert.ok(
          dashboard.data!.workspaces!.edges.every((e) => e.node.bundle !== null),
          "a workspace lacks its bundle",
        );
        assert.deepEqual(await uncached.awsCalls(), { DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 }, `query ${i + 1}`);
      }
    } finally {
      await uncached.close();
    }
  });

  it("a cached bundle expires after the TTL", async () => {
    // On a clock of its own, moved by hand: a busy machine cannot make the cache expire early.
    const shortLived = await startClockedGateway({}, { bundleCacheTtlMs: 5 * 60_000 });
    const calls = async () => {
      const { requests } = shortLived.emulator.stats();
      shortLived.emulator.resetStats();
      return requests;
    };
    try {
      await shortLived.execute(DashboardDocument, { first: 25 });
      await calls();
      shortLived.clock.now += 5 * 60_000 - 1;
      await shortLived.execute(DashboardDocument, { first: 25 });
      assert.deepEqual(await calls(), { DescribeWorkspaces: 1 });
      shortLived.clock.now += 2;
      await shortLived.execute(DashboardDocument, { first: 25 });
      assert.deepEqual(await calls(), { DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 });
    } finally {
      await shortLived.close();
    }
  });
});
