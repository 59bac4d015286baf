// The document checks that run before anything reaches AWS: graphql-armor's depth, alias and directive rules as the
// gateway configures them (query-limits.ts), against the real schema, and the AWS calls an operation can cause
// (query-cost.ts), from the costs the schema declares beside its fields.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse, validate } from "graphql";
import { Fleet, Partition } from "../../src/aws/fleet.ts";
import { Upstream } from "../../src/aws/upstream.ts";
import { loadConfig } from "../../src/config.ts";
import { operationCost, subscriptionEventCost } from "../../src/http/query-cost.ts";
import { limitRules, shapeOf } from "../../src/http/query-limits.ts";
import { schema } from "../../src/schema/index.ts";

const LIMITS = { depth: 4, aliases: 2, directives: 2 };

/** The limit errors of `source`, as `rule:actual`. */
function refusals(source: string, limits = LIMITS): string[] {
  return validate(schema, parse(source), limitRules(limits))
    .filter((error) => error.extensions.code === "QUERY_TOO_COMPLEX")
    .map((error) => `${error.extensions.rule}:${error.extensions.actual}`);
}

/**
 * A document of `levels` fragments on Query, each spreading the next `width` times: a few hundred tokens, valid
 * GraphQL (no cycle), whose spreads expand into width^levels paths when fragments are inlined naively.
 */
function fragmentFanOut(width: number, levels: number): string {
  let source = "query Fan { ...F0 }\n";
  for (let i = 0; i < levels; i++)
    source += `fragment F${i} on Query { ${Array(width)
      .fill(`...F${i + 1}`)
      .join(" ")} }\n`;
  return `${source}fragment F${levels} on Query { workspaces(first: 1) { edges { node { workspaceId } } } }\n`;
}

/** The GraphiQL default document, read from server.ts so this test follows it. */
function mainScreenQuery(): string {
  const source = readFileSync(new URL("../../src/server.ts", import.meta.url), "utf8");
  const match = /const DEFAULT_QUERY = `([^`]*)`/.exec(source);
  assert.ok(match, "DEFAULT_QUERY not found in src/server.ts");
  return match[1]!;
}

describe("query limits", () => {
  it("counts depth as nested fields, fragments flattened, and refuses beyond the limit with the depth found", () => {
    assert.deepEqual(refusals("{ workspaces { edges { node { workspaceId } } } }"), []);
    assert.deepEqual(refusals("{ workspaces { edges { node { bundle { name } } } } }"), ["depth:5"]);
    assert.deepEqual(refusals("{ workspaces { edges { ...E } } } fragment E on WorkspaceEdge { node { bundle { name } } }"), ["depth:5"]);
    assert.deepEqual(refusals("{ workspaces { edges { ... on WorkspaceEdge { node { workspaceId } } } } }"), []);
  });

  it("skips introspection, however deep", () => {
    assert.deepEqual(refusals("{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }"), []);
  });

  it("counts aliases and directives anywhere in the document, fragments included", () => {
    assert.deepEqual(refusals("{ a: workspaces { __typename } b: workspaces { __typename } }"), []);
    assert.deepEqual(
      refusals("{ ...F c: bundles { __typename } } fragment F on Query { a: workspaces { __typename } b: workspaces { __typename } }"),
      ["aliases:3"],
    );
    assert.deepEqual(refusals("{ workspaces @include(if: true) @skip(if: false) { __typename } }"), []);
    assert.deepEqual(refusals("{ workspaces @include(if: true) @skip(if: false) { __typename @skip(if: false) } }"), ["directives:3"]);
  });

  // width^levels = 2,097,152 paths but only 8 distinct fragments: the rules remember each fragment.
  it("is linear in the fragments, not exponential in their spreads (fragment fan-out of ~120 tokens)", () => {
    const started = performance.now();
    assert.deepEqual(refusals(fragmentFanOut(8, 7), { depth: 12, aliases: 20, directives: 20 }), []);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1_000, `the limit rules took ${elapsed.toFixed(0)} ms on an 8-wide, 7-deep fragment fan-out`);
  });
});

describe("shapeOf: what validation's work grows with", () => {
  const shape = (source: string) => shapeOf(parse(source));

  it("counts every field written, __typename included, and no pairs when no name repeats", () => {
    assert.deepEqual(shape("{ workspaces { edges { node { workspaceId __typename } } } }"), { fields: 5, fieldPairs: 0 });
  });

  it("counts each pair of fields answering to one name, by alias or by name, as the product of their sizes", () => {
    // Three pageInfo of 2 fields: 3 pairs of 2 × 2.
    assert.equal(shape("{ workspaces { pageInfo { hasNextPage } pageInfo { endCursor } pageInfo { hasNextPage } } }").fieldPairs, 12);
    // Two leaves named a: one pair of 1 × 1; the workspaces and bundles under them differ in name.
    assert.equal(shape("{ a: workspaces { __typename } b: workspaces { __typename } }").fieldPairs, 0);
    assert.equal(shape("{ a: workspaces { __typename } a: bundles { __typename } }").fieldPairs, 4);
    assert.equal(shape(`{ workspaces { edges { node { ${"workspaceId ".repeat(10)} } } } }`).fieldPairs, 45);
  });

  it("counts pairs nested in pairs: a repeated field's sub-selections are compared too", () => {
    // Two edges of 1 + 1 + 2 fields (16), and in each, the two workspaceIds (1 each).
    const source = "{ workspaces { edges { node { workspaceId workspaceId } } edges { node { workspaceId workspaceId } } } }";
    assert.equal(shape(source).fieldPairs, 4 * 4 + 1 + 1);
  });

  it("merges fragments and inline fragments into the set that spreads them", () => {
    const source = `{ workspaces { pageInfo { hasNextPage } ...A ...B ... on WorkspaceConnection { pageInfo { endCursor } } } }
      fragment A on WorkspaceConnection { pageInfo { startCursor } }
      fragment B on WorkspaceConnection { pageInfo { hasPreviousPage } }`;
    // Four pageInfo of 2: 6 pairs of 2 × 2.
    assert.equal(shape(source).fieldPairs, 24);
  });

  it("counts a fragment spread twice in one set once, as execution does", () => {
    const source = "{ workspaces { ...A ...A ...A } } fragment A on WorkspaceConnection { pageInfo { hasNextPage } }";
    assert.equal(shape(source).fieldPairs, 0);
    assert.equal(shape(fragmentFanOut(8, 7)).fieldPairs, 0);
  });

  it("ends at a fragment cycle (which validation refuses)", () => {
    assert.deepEqual(shape("{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }"), { fields: 1, fieldPairs: 0 });
  });
});

describe("operationCost: the AWS calls an operation can cause", () => {
  const cost = (source: string, variables?: Record<string, unknown>, operationName?: string) =>
    operationCost(schema, parse(source), variables, operationName);
  const PAGE = "edges { node { workspaceId } }";

  it("counts a lookup by ID as one call, and fields that call nothing as nothing", () => {
    assert.equal(cost('{ workspace(workspaceId: "ws-abcdefgh1") { workspaceId state userName } }'), 1);
    assert.equal(cost('{ bundle(bundleId: "wsb-abcdefgh1") { name rootStorage { capacity } } }'), 1);
    assert.equal(cost("{ __typename }"), 0);
  });

  it("counts a connection's pages, 25 items each, and one more for the hasNextPage look-ahead", () => {
    assert.equal(cost(`{ workspaces(first: 10) { ${PAGE} } }`), 2);
    assert.equal(cost(`{ workspaces(first: 25) { ${PAGE} pageInfo { hasNextPage } } }`), 2);
    assert.equal(cost(`{ workspaces(first: 26) { ${PAGE} } }`), 3);
    assert.equal(cost(`{ workspaces(first: 100) { ${PAGE} } }`), 5);
    assert.equal(cost(`{ workspaces { ${PAGE} } }`), 2, "the default page size, 25");
  });

  it("counts one more page when resuming after a cursor, which may sit in the middle of an AWS page", () => {
    assert.equal(cost(`{ workspaces(first: 25, after: "c") { ${PAGE} } }`), 3);
  });

  it("takes `first` and `after` from the variables, with their defaults when left out", () => {
    const source = `query ($n: Int = 100, $after: String) { workspaces(first: $n, after: $after) { ${PAGE} } }`;
    assert.equal(cost(source, { n: 7 }), 2);
    assert.equal(cost(source, {}), 5);
    assert.equal(cost(source, { n: 7, after: "c" }), 3);
  });

  it("counts a lookup under each item as its share of a call of 25", () => {
    assert.equal(cost("{ workspaces(first: 25) { edges { node { bundle { name } } } } }"), 3);
    assert.equal(cost("{ workspaces(first: 100) { edges { node { bundle { name } modificationStates { workspace { state } } } } } }"), 13);
  });

  it("counts nodes 25 IDs a call per partition, bundles and WorkSpaces apart", () => {
    const id = (type: string, partition: string, awsId: string) => Buffer.from(`${type}:${partition}/${awsId}`).toString("base64");
    const east = "123456789012/us-east-1";
    const west = "123456789012/eu-west-1";
    const workspace = (i: number, partition = east) => id("Workspace", partition, `ws-${String(i).padStart(9, "0")}`);
    const bundle = (i: number) => id("Bundle", east, `wsb-${String(i).padStart(9, "0")}`);
    const ids = (count: number, make: (i: number) => string) => Array.from({ length: count }, (_, i) => make(i));
    const source = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    assert.equal(cost(source, { ids: ids(25, workspace) }), 1);
    assert.equal(cost(source, { ids: ids(100, workspace) }), 4);
    assert.equal(cost(source, { ids: [...ids(30, workspace), ...ids(3, bundle)] }), 3);
    assert.equal(cost(source, { ids: ids(100, workspace) }), cost(`{ nodes(ids: ${JSON.stringify(ids(100, workspace))}) { id } }`));
    // 20 in each of two partitions: a call each, not one of 40.
    assert.equal(cost(source, { ids: [...ids(20, workspace), ...ids(20, (i) => workspace(i, west))] }), 2);
    // Their bundles are looked up in each partition: one call more than 40 IDs' share.
    const withBundles = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Workspace { bundle { name } } } }";
    assert.equal(cost(withBundles, { ids: [...ids(20, workspace), ...ids(20, (i) => workspace(i, west))] }), 2 + 2 + 1);
  });

  it("counts a list over N partitions N times its pages, and each lookup under it once more per further partition", () => {
    const idle = new Upstream({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
    const partitions = ["123456789012", "210987654321"].flatMap((account) =>
      ["us-east-1", "eu-west-1"].map((region) => new Partition(account, region, idle, null)),
    );
    // The request's context is where a list learns how many partitions it spans.
    const context = { aws: { services: { fleet: new Fleet(partitions) } } };
    const spanned = (source: string) => operationCost(schema, parse(source), {}, undefined, context);
    try {
      const screen = "edges { node { workspaceId bundle { name } directory { alias } } }";
      // 4 × (a page + the look-ahead), 25 × 2 lookups' shares, and 3 more batches for each of the 2 lookups.
      assert.equal(spanned(`{ workspaces(first: 25) { ${screen} } }`), 4 * 2 + 2 + 3 * 2);
      assert.equal(spanned(`{ workspaces(first: 25, regions: ["eu-west-1"]) { ${screen} } }`), 2 * 2 + 2 + 1 * 2);
      assert.equal(spanned(`{ workspaces(first: 25, regions: ["eu-west-1"], accountIds: ["210987654321"]) { ${screen} } }`), 2 + 2);
      assert.equal(cost(`{ workspaces(first: 25) { ${screen} } }`), 2 + 2, "one partition where no request says how many");
    } finally {
      idle.destroy();
    }
  });

  it("multiplies nested lists: a hundred bundles each listing WorkSpaces is over the default limit", () => {
    const limit = loadConfig({}).limits.cost;
    const fanOut = "{ bundles(first: 100) { edges { node { workspaces(first: 1) { edges { node { workspaceId } } } } } } }";
    assert.equal(cost(fanOut), 5 + 100 * 2);
    assert.ok(cost(fanOut) > limit);
  });

  it("counts mutations: one CreateWorkspaces per 25 requests and their bundles' read, one ModifyWorkspaceProperties per item and the reads around", () => {
    const create = "mutation ($input: CreateWorkspacesInput!) { createWorkspaces(input: $input) { __typename } }";
    const request = { directoryId: "d-906734e2f1", userName: "u", bundleId: "wsb-clj85qzj1" };
    assert.equal(cost(create, { input: { workspaces: Array(30).fill(request) } }), 4);
    const modify = "mutation ($input: ModifyWorkspacePropertiesInput!) { modifyWorkspaceProperties(input: $input) { __typename } }";
    const change = { workspaceId: "ws-abcdefgh1", workspaceProperties: { runningMode: "AUTO_STOP" } };
    assert.equal(cost(modify, { input: { modifications: Array(25).fill(change) } }), 27);
    const nested = `mutation ($input: CreateWorkspacesInput!) { createWorkspaces(input: $input) {
      ... on CreateWorkspacesPayload { results { ... on Workspace { bundle { workspaces(first: 1) { edges { cursor } } } } } } } }`;
    assert.equal(cost(nested, { input: { workspaces: Array(10).fill(request) } }), 2 + Math.ceil(10 * (1 / 25 + 2)));
  });

  it("counts WorkSpace actions: one read of the states per 25, their calls (25 a call, Rebuild and Restore one), and each result's read", () => {
    const ids = (count: number) => Array.from({ length: count }, (_, i) => `ws-${String(i).padStart(9, "0")}`);
    const terminate = (selection: string) =>
      `mutation ($ids: [String!]!) { terminateWorkspaces(input: { workspaceIds: $ids, confirm: true }) { ${selection} } }`;
    assert.equal(cost(terminate("__typename"), { ids: ids(100) }), 4 + 4);
    const read = "... on WorkspaceActionPayload { results { ... on WorkspaceActionSuccess { workspace { state } } } }";
    assert.equal(cost(terminate(read), { ids: ids(100) }), 4 + 4 + 4);
    assert.equal(cost(`mutation { rebuildWorkspaces(input: { workspaceIds: ${JSON.stringify(ids(25))} }) { __typename } }`), 1 + 25);
    assert.equal(cost('mutation { restoreWorkspace(input: { workspaceId: "ws-abcdefgh1" }) { __typename } }'), 2);
  });

  it("adds up aliases of the same field", () => {
    const source = `mutation ($input: ModifyWorkspacePropertiesInput!) { a: modifyWorkspaceProperties(input: $input) { __typename }
      b: modifyWorkspaceProperties(input: $input) { __typename } }`;
    const change = { workspaceId: "ws-abcdefgh1", workspaceProperties: { runningMode: "AUTO_STOP" } };
    assert.equal(cost(source, { input: { modifications: Array(25).fill(change) } }), 54);
  });

  it("prices the operation named by operationName", () => {
    const source = `query Small { workspaces(first: 1) { ${PAGE} } } query Big { workspaces(first: 100) { ${PAGE} } }`;
    assert.equal(cost(source, undefined, "Small"), 2);
    assert.equal(cost(source, undefined, "Big"), 5);
    assert.equal(cost(source), 2, "the first operation without a name");
    assert.equal(cost(source, undefined, "Missing"), 0);
  });

  it("lets GraphiQL's default document (the console's main screen) through the default limit", () => {
    const limit = loadConfig({}).limits.cost;
    for (const variables of [undefined, {}, { first: 10 }, { first: 100 }]) {
      const found = cost(mainScreenQuery(), variables);
      assert.ok(found > 0 && found < limit, `main screen cost ${found} with ${JSON.stringify(variables)}`);
    }
  });

  // width^levels = 262,144 paths, but execution collects a fragment spread twice in one place once: so does the cost.
  it("counts a fragment spread many times in one place once, as execution does", () => {
    assert.equal(cost(fragmentFanOut(8, 6)), cost("{ workspaces(first: 1) { edges { node { workspaceId } } } }"));
  });
});

describe("subscriptionEventCost: what each event of a subscription can cost", () => {
  const eventCost = (source: string, variables: Record<string, unknown>) => subscriptionEventCost(schema, parse(source), variables);
  const ids = Array.from({ length: 25 }, (_, i) => `ws-${String(i).padStart(9, "0")}`);

  it("is the lookups selected under the event, for one item; subscribing paid for one event per watched ID", () => {
    const lookups = `subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) {
      ... on Workspace { workspaceId directory { directoryId } connectionStatus { connectionState } } } }`;
    assert.deepEqual(eventCost(lookups, { ids }), { perEvent: 2 / 25, prepaidEvents: 25 });
    const fragment = `subscription ($ids: [String!]!) { ...Watch } fragment Watch on Subscription {
      workspaceStateChanged(workspaceIds: $ids) { ... on Workspace { bundle { name } } } }`;
    assert.deepEqual(eventCost(fragment, { ids: ids.slice(0, 3) }), { perEvent: 1 / 25, prepaidEvents: 3 });
  });

  it("is nothing for events that look nothing up, and for operations that are not subscriptions", () => {
    const plain = "subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) { ... on Workspace { state } } }";
    assert.deepEqual(eventCost(plain, { ids }), { perEvent: 0, prepaidEvents: 25 });
    assert.deepEqual(eventCost("{ workspaces { edges { node { directory { directoryId } } } } }", {}), { perEvent: 0, prepaidEvents: 0 });
  });
});
