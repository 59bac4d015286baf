// Relay connections over AWS's NextToken pages: sizes, chained pages, cursors that resume anywhere, exact
// hasNextPage, signed and expiring cursors, and filters checked before any AWS call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import { encodeCursor } from "../../src/aws/cursor.ts";
import type { WorkspacesFilter } from "../generated/graphql.ts";
import { DashboardDocument, WorkspacesCursorsDocument, WorkspacesPageDocument } from "../generated/graphql.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { HOME, sdkWorkspaces, startTestGateway } from "./fixture.ts";

const SECRET = "test-secret";
/** The unfiltered workspaces list over every partition served, as its cursors name it. */
const LISTING = 'workspaces:{}@["*","*"]';
/** A walk's positions with the default partition at `offset` of its first page. */
const atOffset = (offset: number) => ({ [`${HOME.accountId}/${HOME.region}`]: { token: null, offset } });
const HOUR_MS = 60 * 60 * 1000;

let gateway: TestGateway;
/** Every workspace in AWS's listing order, through the SDK. */
let all: Workspace[];
let allIds: string[];

before(async () => {
  gateway = await startTestGateway({}, { cursorSecret: SECRET });
  all = await sdkWorkspaces(gateway.client);
  allIds = all.map((w) => w.WorkspaceId!);
  assert.equal(allIds.length, 60);
});
after(() => gateway.close());

function onlyError(response: GraphQLResponse<unknown>) {
  assert.equal(response.errors?.length, 1, JSON.stringify(response));
  return response.errors![0]!;
}

describe("connection size", () => {
  it("first defaults to 25", async () => {
    const page = await gateway.execute(WorkspacesCursorsDocument, {});
    assert.deepEqual(
      page.data!.workspaces!.edges.map((e) => e.node.workspaceId),
      allIds.slice(0, 25),
    );
  });

  it("first may be 100 but not 101 or 0, refused as VALIDATION naming first, before any AWS call", async () => {
    const hundred = await gateway.execute(WorkspacesCursorsDocument, { first: 100 });
    assert.equal(hundred.errors, undefined);
    assert.equal(hundred.data!.workspaces!.edges.length, 60);
    for (const first of [101, 0, -1]) {
      await gateway.resetAwsCalls();
      const response = await gateway.execute(WorkspacesCursorsDocument, { first });
      const error = onlyError(response);
      assert.equal(error.extensions?.code, "VALIDATION");
      assert.equal(error.extensions?.field, "first");
      assert.match(error.message, /^first: /);
      assert.deepEqual(error.path, ["workspaces"]);
      assert.deepEqual(response.data, { workspaces: null });
      assert.deepEqual(await gateway.awsCalls(), {});
    }
  });

  it("first: 60 chains 3 AWS pages of 25, 25 and 10", async () => {
    await gateway.resetAwsCalls();
    const page = await gateway.execute(WorkspacesPageDocument, { first: 60 });
    assert.deepEqual(
      page.data!.workspaces!.edges.map((e) => e.node.workspaceId),
      allIds,
    );
    assert.equal(page.data!.workspaces!.pageInfo.hasNextPage, false);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 3 });
  });
});

describe("cursors", () => {
  it("every edge's cursor resumes right after that edge, mid-page and at page ends alike", async () => {
    const full = await gateway.execute(WorkspacesPageDocument, { first: 60 });
    const edges = full.data!.workspaces!.edges;
    assert.equal(edges.length, 60);
    for (let k = 0; k < edges.length; k++) {
      const next = await gateway.execute(WorkspacesPageDocument, { first: 3, after: edges[k]!.cursor });
      assert.equal(next.errors, undefined, `after edge ${k}: ${JSON.stringify(next.errors)}`);
      const got = next.data!.workspaces!.edges.map((e) => e.node.workspaceId);
      assert.deepEqual(got, allIds.slice(k + 1, k + 4), `after edge ${k}`);
      assert.equal(next.data!.workspaces!.pageInfo.hasNextPage, k + 4 < allIds.length, `hasNextPage after edge ${k}`);
    }
  });

  it("paging with first: 7 visits every workspace exactly once, and hasNextPage is false only at the end", async () => {
    const visited: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: GraphQLResponse<{
        workspaces: { edges: { node: { workspaceId: string } }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } | null;
      }> = await gateway.execute(WorkspacesPageDocument, { first: 7, after });
      assert.equal(page.errors, undefined);
      const { edges, pageInfo } = page.data!.workspaces!;
      visited.push(...edges.map((e) => e.node.workspaceId));
      pages++;
      if (!pageInfo.hasNextPage) break;
      assert.equal(edges.length, 7);
      after = pageInfo.endCursor!;
      assert.ok(pages < 20, "paging does not end");
    }
    assert.equal(pages, 9);
    assert.deepEqual(visited, allIds);
  });

  it("pageInfo: startCursor and endCursor are the first and last edges' cursors; no previous page going forward", async () => {
    const page = await gateway.execute(WorkspacesPageDocument, { first: 4 });
    const { edges, pageInfo } = page.data!.workspaces!;
    assert.equal(pageInfo.startCursor, edges[0]!.cursor);
    assert.equal(pageInfo.endCursor, edges[3]!.cursor);
    assert.equal(pageInfo.hasPreviousPage, false);
    assert.equal(pageInfo.hasNextPage, true);
  });

  it("a tampered cursor is INVALID_CURSOR, in an HTTP 200 with errors", async () => {
    const page = await gateway.execute(WorkspacesPageDocument, { first: 2 });
    const cursor = page.data!.workspaces!.edges[0]!.cursor;
    const [payload, mac] = cursor.split(".") as [string, string];
    const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { o: number };
    const forged = `${Buffer.from(JSON.stringify({ ...body, o: body.o + 10 })).toString("base64url")}.${mac}`;
    for (const bad of [forged, `${payload}.${mac.slice(0, -2)}AA`, "not-a-cursor", `${cursor}.extra`]) {
      await gateway.resetAwsCalls();
      const response = await gateway.post({
        query: "query($after: String) { workspaces(after: $after) { edges { cursor } } }",
        variables: { after: bad },
      });
      assert.equal(response.status, 200);
      const error = onlyError((await response.json()) as GraphQLResponse<unknown>);
      assert.equal(error.extensions?.code, "INVALID_CURSOR", bad);
      assert.deepEqual(await gateway.awsCalls(), {});
    }
  });

  it("a cursor from a filtered list is INVALID_CURSOR in the unfiltered one", async () => {
    const directoryId = all[0]!.DirectoryId!;
    const filtered = await gateway.execute(WorkspacesPageDocument, { first: 2, filter: { directory: { directoryId } } });
    const cursor = filtered.data!.workspaces!.edges[0]!.cursor;
    // The same cursor does resume the filtered list...
    const same = await gateway.execute(WorkspacesPageDocument, { first: 1, after: cursor, filter: { directory: { directoryId } } });
    assert.deepEqual(
      same.data!.workspaces!.edges.map((e) => e.node.workspaceId),
      [filtered.data!.workspaces!.edges[1]!.node.workspaceId],
    );
    // ...but not another.
    const error = onlyError(await gateway.execute(WorkspacesPageDocument, { first: 1, after: cursor }));
    assert.equal(error.extensions?.code, "INVALID_CURSOR");
  });

  it("a cursor older than 24 hours is CURSOR_EXPIRED; the same cursor issued now works", async () => {
    const position = atOffset(3);
    const fresh = encodeCursor(SECRET, LISTING, position, Date.now() - HOUR_MS);
    const ok = await gateway.execute(WorkspacesCursorsDocument, { first: 2, after: fresh });
    assert.equal(ok.errors, undefined);
    assert.deepEqual(
      ok.data!.workspaces!.edges.map((e) => e.node.workspaceId),
      allIds.slice(3, 5),
    );

    const stale = encodeCursor(SECRET, LISTING, position, Date.now() - 25 * HOUR_MS);
    await gateway.resetAwsCalls();
    const response = await gateway.execute(WorkspacesCursorsDocument, { first: 2, after: stale });
    const error = onlyError(response);
    assert.equal(error.extensions?.code, "CURSOR_EXPIRED");
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("a cursor signed with another secret is INVALID_CURSOR", async () => {
    const foreign = encodeCursor("another-secret", LISTING, atOffset(3), Date.now());
    const error = onlyError(await gateway.execute(WorkspacesCursorsDocument, { first: 2, after: foreign }));
    assert.equal(error.extensions?.code, "INVALID_CURSOR");
  });
});

describe("hasNextPage is exact, and paid for only when asked", () => {
  let fifty: TestGateway;
  before(async () => {
    fifty = await startTestGateway({ workspaces: 50 });
  });
  after(() => fifty.close());

  it("50 workspaces by 25: the second page has no next page although AWS returned a NextToken", async () => {
    await fifty.resetAwsCalls();
    const first = await fifty.execute(WorkspacesPageDocument, { first: 25 });
    assert.equal(first.data!.workspaces!.edges.length, 25);
    assert.equal(first.data!.workspaces!.pageInfo.hasNextPage, true);
    // The page was full and carried a token: one more call told whether anything follows.
    assert.deepEqual(await fifty.awsCalls(), { DescribeWorkspaces: 2 });

    await fifty.resetAwsCalls();
    const second = await fifty.execute(WorkspacesPageDocument, { first: 25, after: first.data!.workspaces!.pageInfo.endCursor });
    assert.equal(second.data!.workspaces!.edges.length, 25);
    assert.equal(second.data!.workspaces!.pageInfo.hasNextPage, false);
    assert.deepEqual(await fifty.awsCalls(), { DescribeWorkspaces: 2 });
    const ids = [...first.data!.workspaces!.edges, ...second.data!.workspaces!.edges].map((e) => e.node.workspaceId);
    assert.equal(new Set(ids).size, 50);
  });

  it("a query without pageInfo does not pay the peek", async () => {
    await fifty.resetAwsCalls();
    const dashboard = await fifty.execute(DashboardDocument, { first: 25 });
    assert.equal(dashboard.data!.workspaces!.edges.length, 25);
    assert.equal((await fifty.awsCalls()).DescribeWorkspaces, 1);

    await fifty.resetAwsCalls();
    const cursors = await fifty.execute(WorkspacesCursorsDocument, { first: 25 });
    assert.equal(cursors.data!.workspaces!.edges.length, 25);
    assert.deepEqual(await fifty.awsCalls(), { DescribeWorkspaces: 1 });
  });
});

describe("filters", () => {
  async function listIds(filter: WorkspacesFilter) {
    const page = await gateway.execute(WorkspacesPageDocument, { first: 100, filter });
    assert.equal(page.errors, undefined, JSON.stringify(page.errors));
    assert.equal(page.data!.workspaces!.pageInfo.hasNextPage, false);
    return page.data!.workspaces!.edges.map((e) => e.node);
  }

  it("workspaceIds returns just those workspaces", async () => {
    const wanted = [allIds[7]!, allIds[42]!, allIds[3]!];
    const nodes = await listIds({ workspaceIds: [...wanted, "ws-doesnotexist1"] });
    assert.deepEqual(nodes.map((n) => n.workspaceId).sort(), [...wanted].sort());
  });

  it("directory returns the workspaces of that directory only", async () => {
    const directories = [...new Set(all.map((w) => w.DirectoryId!))];
    assert.equal(directories.length, 2);
    for (const directoryId of directories) {
      const nodes = await listIds({ directory: { directoryId } });
      const expected = all.filter((w) => w.DirectoryId === directoryId).map((w) => w.WorkspaceId);
      assert.ok(expected.length > 0 && expected.length < all.length, "the directory filter cannot be told from none");
      assert.deepEqual(
        nodes.map((n) => n.workspaceId),
        expected,
      );
      assert.ok(
        nodes.every((n) => n.directoryId === directoryId),
        "a workspace of another directory",
      );
    }
  });

  it("directory with userName returns that user's workspaces there only", async () => {
    const target = all[17]!;
    const nodes = await listIds({ directory: { directoryId: target.DirectoryId!, userName: target.UserName! } });
    assert.deepEqual(
      nodes.map((n) => [n.workspaceId, n.userName, n.directoryId]),
      [[target.WorkspaceId, target.UserName, target.DirectoryId]],
    );
    const otherDirectory = all.find((w) => w.DirectoryId !== target.DirectoryId)!.DirectoryId!;
    assert.deepEqual(await listIds({ directory: { directoryId: otherDirectory, userName: target.UserName! } }), []);
  });

  it("bundleId returns the workspaces of that bundle only", async () => {
    const bundleId = all[0]!.BundleId!;
    const nodes = await listIds({ bundleId });
    const expected = all.filter((w) => w.BundleId === bundleId).map((w) => w.WorkspaceId);
    assert.ok(expected.length < all.length, "the bundle filter cannot be told from none");
    assert.deepEqual(
      nodes.map((n) => n.workspaceId),
      expected,
    );
    assert.ok(
      nodes.every((n) => n.bundleId === bundleId),
      "a workspace of another bundle",
    );
  });

  it("two filters at once is a GraphQL validation error (@oneOf), with no AWS call", async () => {
    await gateway.resetAwsCalls();
    const literal = await gateway.post({
      query: `{ workspaces(filter: { bundleId: "${all[0]!.BundleId}", workspaceIds: ["${allIds[0]}"] }) { edges { cursor } } }`,
    });
    const literalBody = (await literal.json()) as GraphQLResponse<unknown>;
    assert.equal(literalBody.data, undefined);
    assert.equal(onlyError(literalBody).extensions?.code, "BAD_USER_INPUT");
    assert.match(literalBody.errors![0]!.message, /WorkspacesFilter/);

    // The generated types forbid this too; the cast sends it anyway, as an untyped client could.
    const twoFilters = { bundleId: all[0]!.BundleId!, directory: { directoryId: all[0]!.DirectoryId! } } as unknown as WorkspacesFilter;
    const variables = await gateway.execute(WorkspacesPageDocument, { filter: twoFilters });
    assert.equal(variables.data, undefined);
    assert.match(onlyError(variables).message, /WorkspacesFilter/);
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("invalid filter values are VALIDATION errors naming the GraphQL path, with no AWS call", async () => {
    const ids26 = Array.from({ length: 26 }, (_, i) => `ws-${String(i).padStart(9, "0")}`);
    const cases: [WorkspacesFilter, string, string][] = [
      [{ workspaceIds: ["bad-id"] }, "filter.workspaceIds[0]", "pattern"],
      [{ workspaceIds: [allIds[0]!, "WS-UPPERCASE1"] }, "filter.workspaceIds[1]", "pattern"],
      [{ workspaceIds: ids26 }, "filter.workspaceIds", "listSize"],
      [{ workspaceIds: [] }, "filter.workspaceIds", "listSize"],
      [{ directory: { directoryId: "d-nothex!!xx" } }, "filter.directory.directoryId", "pattern"],
      [{ directory: { directoryId: "d-12" } }, "filter.directory.directoryId", "length"],
      [{ directory: { directoryId: all[0]!.DirectoryId!, userName: "" } }, "filter.directory.userName", "length"],
      [{ bundleId: "bundle-1" }, "filter.bundleId", "pattern"],
    ];
    for (const [filter, field, rule] of cases) {
      await gateway.resetAwsCalls();
      const response = await gateway.execute(WorkspacesPageDocument, { filter });
      const error = onlyError(response);
      assert.equal(error.extensions?.code, "VALIDATION", JSON.stringify(filter));
      assert.equal(error.extensions?.field, field, JSON.stringify(filter));
      assert.equal(error.extensions?.rule, rule, JSON.stringify(filter));
      assert.ok(error.message.startsWith(`${field}: `), error.message);
      assert.deepEqual(await gateway.awsCalls(), {}, JSON.stringify(filter));
    }
  });
});
