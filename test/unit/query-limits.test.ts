// The document checks that run before anything reaches AWS: depth and alias/directive counts (query-limits.ts),
// and the cost of an operation with its variables against the real schema (query-cost.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { DocumentNode, FragmentDefinitionNode, OperationDefinitionNode } from "graphql";
import { Kind, parse } from "graphql";
import { CONNECTION_SIZE } from "../../src/aws/session.ts";
import { loadConfig } from "../../src/config.ts";
import { operationCost } from "../../src/http/query-cost.ts";
import { countOf, depthOf } from "../../src/http/query-limits.ts";
import { schema } from "../../src/schema/index.ts";

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  return Object.fromEntries(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
}

/** depthOf of the first operation of `source`, as the validation rule computes it. */
function depth(source: string): number {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  assert.ok(operation, "the document has no operation");
  return depthOf(operation.selectionSet, fragmentsOf(document));
}

function cost(source: string, variables?: Record<string, unknown>, operationName?: string): number {
  return operationCost({
    schema,
    document: parse(source),
    variables,
    operationName,
    defaultPageSize: CONNECTION_SIZE.default,
    callWeight: 0,
  });
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
function dashboardQuery(): string {
  const source = readFileSync(new URL("../../src/server.ts", import.meta.url), "utf8");
  const match = /const DEFAULT_QUERY = `([^`]*)`/.exec(source);
  assert.ok(match, "DEFAULT_QUERY not found in src/server.ts");
  return match[1]!;
}

describe("depthOf", () => {
  it("counts nested fields, a leaf at the root being depth 1", () => {
    assert.equal(depth("{ a }"), 1);
    assert.equal(depth("{ a b c }"), 1);
    assert.equal(depth("{ a { b { c } } }"), 3);
    assert.equal(depth("{ a { b } x { y { z { w } } } }"), 4, "the deepest branch wins");
  });

  it("adds nothing for an inline fragment, only for the fields in it", () => {
    assert.equal(depth("{ a { ... on T { b { c } } } }"), 3);
    assert.equal(depth("{ ... on Query { a } }"), 1);
    assert.equal(depth("{ a { ... @include(if: true) { ... on T { b } } } }"), 2);
  });

  it("inlines named fragments where they are spread", () => {
    const source = "query { a { ...F } } fragment F on T { b { c { d } } }";
    assert.equal(depth(source), 4);
    assert.equal(depth("query { ...G } fragment G on Query { a { ...F } } fragment F on T { b }"), 2);
    assert.equal(depth("query { a { ...F } b { c { ...F } } } fragment F on T { x }"), 3, "the same fragment spread twice");
  });

  it("counts an unknown fragment as nothing", () => {
    assert.equal(depth("query { a { ...Missing } }"), 1);
  });

  it("stops at a fragment cycle instead of recursing forever", () => {
    assert.equal(depth("query { ...A } fragment A on Query { a { ...A } }"), 1);
    assert.equal(depth("query { ...A } fragment A on Query { a { ...B } } fragment B on T { b { ...A } }"), 2);
    assert.equal(depth("query { x { ...A ...B } } fragment A on T { a { ...B } } fragment B on T { b { ...A } }"), 3);
  });

  it("skips introspection fields (__schema, __type), however deep", () => {
    const introspection = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }";
    assert.equal(depth(introspection), 0);
    assert.equal(depth('{ __type(name: "Workspace") { fields { type { ofType { ofType { name } } } } } a { b } }'), 2);
    assert.equal(depth("{ a { __typename } }"), 2, "__typename is an ordinary leaf");
  });

  it("handles a missing selection set", () => {
    assert.equal(depthOf(undefined, {}), 0);
  });

  // width^levels = 2,097,152 paths but only 8 distinct fragments: a memoized depth takes microseconds.
  it("is linear in the fragments, not exponential in their spreads (fragment fan-out of ~120 tokens)", () => {
    const source = fragmentFanOut(8, 7);
    const started = performance.now();
    const found = depth(source);
    const elapsed = performance.now() - started;
    assert.equal(found, 4);
    assert.ok(elapsed < 100, `depthOf took ${elapsed.toFixed(0)} ms on an 8-wide, 7-deep fragment fan-out`);
  });
});

describe("countOf", () => {
  it("counts aliased fields anywhere in the document, fragments included", () => {
    assert.deepEqual(countOf(parse("{ a b { c } }")), { aliases: 0, directives: 0 });
    assert.deepEqual(countOf(parse("{ x: a y: a { z: c } }")).aliases, 3);
    assert.equal(countOf(parse("query { ...F } fragment F on Query { p: a q: b }")).aliases, 2);
    assert.equal(countOf(parse("{ ... on Query { p: a } }")).aliases, 1);
    assert.equal(countOf(parse('{ a(alias: "x: y") }')).aliases, 0, "an argument value is not an alias");
  });

  it("counts directives on fields, fragments, spreads, operations and variables", () => {
    assert.equal(countOf(parse("{ a @include(if: true) @skip(if: false) }")).directives, 2);
    assert.equal(countOf(parse("query Q @a { ...F @b ... @c { x } } fragment F on Query @d { y @e }")).directives, 5);
    assert.equal(countOf(parse("query ($v: Int @dv) { a }")).directives, 1);
    assert.equal(countOf(parse("{ a b c }")).directives, 0);
  });

  it("counts repeats: the same directive or alias written twice counts twice", () => {
    assert.deepEqual(countOf(parse("{ x: a @skip(if: false) x: a @skip(if: false) }")), { aliases: 2, directives: 2 });
  });
});

describe("operationCost", () => {
  const WORKSPACE_PAGE = "edges { node { workspaceId } }"; // edges 1 + node 1 + workspaceId 1 = 3 per item

  it("costs 1 per field, leaves included; __typename is free", () => {
    assert.equal(cost('{ workspace(workspaceId: "ws-abcdefgh1") { workspaceId } }'), 2);
    assert.equal(cost('{ workspace(workspaceId: "ws-abcdefgh1") { workspaceId state userName } }'), 4);
    assert.equal(cost('{ workspace(workspaceId: "ws-abcdefgh1") { workspaceProperties { runningMode rootVolumeSizeGib } } }'), 4);
    assert.equal(cost("{ __typename }"), 0);
  });

  it("multiplies what is under a connection by `first`", () => {
    assert.equal(cost(`{ workspaces(first: 10) { ${WORKSPACE_PAGE} } }`), 1 + 10 * 3);
    assert.equal(cost(`{ workspaces(first: 1) { ${WORKSPACE_PAGE} } }`), 1 + 3);
    assert.equal(cost(`{ workspaces(first: 100) { ${WORKSPACE_PAGE} pageInfo { hasNextPage } } }`), 1 + 100 * (3 + 2));
  });

  it("takes `first` from the variables", () => {
    const source = `query ($n: Int) { workspaces(first: $n) { ${WORKSPACE_PAGE} } }`;
    assert.equal(cost(source, { n: 7 }), 1 + 7 * 3);
    assert.equal(cost(source, { n: 100 }), 1 + 100 * 3);
  });

  it("uses the default page size when `first` is not given, null, or a variable left out", () => {
    const page = 1 + CONNECTION_SIZE.default * 3;
    assert.equal(cost(`{ workspaces { ${WORKSPACE_PAGE} } }`), page);
    assert.equal(cost(`{ workspaces(first: null) { ${WORKSPACE_PAGE} } }`), page);
    assert.equal(cost(`query ($n: Int) { workspaces(first: $n) { ${WORKSPACE_PAGE} } }`, {}), page);
    assert.equal(cost(`query ($n: Int) { workspaces(first: $n) { ${WORKSPACE_PAGE} } }`), page);
  });

  // The executor applies a variable's default when the request leaves it out: `first` is then 100, not 25.
  it("uses a variable's default value when the request leaves the variable out", () => {
    const source = `query ($n: Int = 100) { workspaces(first: $n) { ${WORKSPACE_PAGE} } }`;
    assert.equal(cost(source, {}), 1 + 100 * 3);
    const nested =
      "query ($n: Int = 100) { bundles(first: $n) { edges { node { workspaces(first: $n) { edges { node { workspaceId } } } } } } }";
    assert.ok(cost(nested, {}) > loadConfig({}).limits.cost, `cost ${cost(nested, {})} with first defaulting to 100 twice`);
  });

  it("multiplies by the length of an ID list argument, written or in a variable", () => {
    assert.equal(cost('{ nodes(ids: ["a", "b", "c"]) { id } }'), 1 + 3 * 1);
    assert.equal(cost('{ nodes(ids: ["a", "b", "c"]) { id ... on Workspace { workspaceId state } } }'), 1 + 3 * 3);
    const ids = Array.from({ length: 40 }, (_, i) => `id-${i}`);
    assert.equal(cost("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids }), 1 + 40);
    assert.equal(cost("{ nodes(ids: []) { id } }"), 1 + 1 * 1, "an empty list still counts its selection once");
  });

  it("multiplies nested connections: 100 bundles of 100 WorkSpaces is far above the default limit", () => {
    const nested = "{ bundles(first: 100) { edges { node { workspaces(first: 100) { edges { node { workspaceId } } } } } } }";
    // workspaces: 1 + 100 * 3 = 301; node 1 + 301; edges 1 + 302; bundles 1 + 100 * 303
    assert.equal(cost(nested), 30_301);
    assert.ok(cost(nested) > loadConfig({}).limits.cost);
    const small = "{ bundles(first: 2) { edges { node { workspaces(first: 3) { edges { node { workspaceId } } } } } } }";
    assert.equal(cost(small), 1 + 2 * (1 + 1 + (1 + 3 * 3)));
  });

  it("counts named and inline fragments on the type they name", () => {
    const named = `query { workspaces(first: 2) { edges { node { ...W } } } } fragment W on Workspace { workspaceId state }`;
    assert.equal(cost(named), 1 + 2 * (1 + 1 + 2));
    const inline = "query { workspaces(first: 2) { edges { node { ... on Workspace { workspaceId state } } } } }";
    assert.equal(cost(inline), cost(named));
    const nestedFragment = `query { ...Q } fragment Q on Query { workspaces(first: 4) { edges { node { ...W } } } }
      fragment W on Workspace { bundle { ...B } } fragment B on Bundle { bundleId name }`;
    assert.equal(cost(nestedFragment), 1 + 4 * (1 + 1 + (1 + 2)));
  });

  it("prices the operation named by operationName", () => {
    const source = `query Small { workspaces(first: 1) { ${WORKSPACE_PAGE} } } query Big { workspaces(first: 50) { ${WORKSPACE_PAGE} } }`;
    assert.equal(cost(source, undefined, "Small"), 4);
    assert.equal(cost(source, undefined, "Big"), 151);
    assert.equal(cost(source), 4, "the first operation without a name");
    assert.equal(cost(source, undefined, "Missing"), 0);
  });

  it("terminates on a fragment cycle", () => {
    assert.equal(cost('query { ...A } fragment A on Query { workspace(workspaceId: "x") { workspaceId } ...A }'), 2);
  });

  it("prices mutations with their input lists as written", () => {
    const source = "mutation ($input: ModifyWorkspacePropertiesInput!) { modifyWorkspaceProperties(input: $input) { __typename } }";
    const input = { modifications: [{ workspaceId: "ws-abcdefgh1", workspaceProperties: {} }] };
    assert.equal(cost(source, { input }), 1);
  });

  it("adds the weight of an AWS call per page a list field needs, and none for lookups the loaders batch", () => {
    const weighed = (source: string) =>
      operationCost({ schema, document: parse(source), defaultPageSize: CONNECTION_SIZE.default, callWeight: 100 });
    assert.equal(weighed(`{ workspaces(first: 25) { ${WORKSPACE_PAGE} } }`), 1 + 100 + 25 * 3);
    assert.equal(weighed(`{ workspaces(first: 26) { ${WORKSPACE_PAGE} } }`), 1 + 200 + 26 * 3);
    assert.equal(weighed('{ nodes(ids: ["a", "b"]) { id } }'), 1 + 100 + 2);
    assert.equal(weighed('{ workspace(workspaceId: "ws-abcdefgh1") { bundle { name } } }'), 1 + 2);
    // A hundred bundles each listing its WorkSpaces: a hundred AWS calls, over the default limit.
    const fanOut = "{ bundles(first: 100) { edges { node { workspaces(first: 1) { edges { node { workspaceId } } } } } } }";
    assert.ok(weighed(fanOut) > loadConfig({}).limits.cost, `cost ${weighed(fanOut)}`);
  });

  it("lets the GraphiQL dashboard query through the default limit", () => {
    const dashboard = dashboardQuery();
    const limit = loadConfig({}).limits.cost;
    for (const variables of [undefined, {}, { first: 10 }, { first: 100 }]) {
      const found = operationCost({
        schema,
        document: parse(dashboard),
        variables,
        defaultPageSize: CONNECTION_SIZE.default,
        callWeight: 100,
      });
      assert.ok(found > 0 && found < limit, `dashboard cost ${found} with ${JSON.stringify(variables)}`);
    }
  });

  // width^levels = 262,144 paths but only 7 distinct fragments (each spread of one fragment has the same cost).
  it("is linear in the fragments, not exponential in their spreads (fragment fan-out of ~100 tokens)", () => {
    const source = fragmentFanOut(8, 6);
    const started = performance.now();
    const found = cost(source);
    const elapsed = performance.now() - started;
    assert.ok(found > 0);
    assert.ok(elapsed < 100, `operationCost took ${elapsed.toFixed(0)} ms on an 8-wide, 6-deep fragment fan-out`);
  });
});
