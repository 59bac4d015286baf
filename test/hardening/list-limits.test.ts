// A request's lists and errors are bounded, so no one request stalls the gateway: a list argument longer than
// MAX_LIST_ITEMS is refused before its variables are coerced or costed, a malformed global ID costs what a well-formed
// one does, and a response holds a few typed errors and a summary of the rest rather than one per item without end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TestGateway } from "../gateway/fixture.ts";
import { startTestGateway } from "../gateway/fixture.ts";
import type { GraphQLResponse } from "../support/graphql.ts";

const NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }";

/** Malformed global IDs, each `"n",` in the body: 60,000 of them are the finding's 240 KB. */
const malformed = (count: number) => Array.from({ length: count }, (_, i) => String(i % 10));

describe("bounded lists and errors", () => {
  let gateway: TestGateway;
  before(async () => {
    // The default limits, as deployed.
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  const send = async (body: unknown) => {
    const response = await gateway.post(body);
    const text = await response.text();
    return { status: response.status, text, body: JSON.parse(text) as GraphQLResponse<Record<string, unknown>> };
  };

  it("refuses nodes(ids:) with 60,000 IDs before it runs, naming the rule and the limit, and /health answers meanwhile", async () => {
    const body = JSON.stringify({ query: NODES, variables: { ids: malformed(60_000) } });
    assert.ok(body.length > 200_000 && body.length < 256 * 1024, `${body.length} bytes, within MAX_BODY_BYTES`);
    const started = performance.now();
    const refusal = send(body).then((answer) => ({ ...answer, ms: performance.now() - started }));
    // Sent while the refusal is on its way: a gateway busy with it for seconds would answer this late too.
    const health = fetch(`${gateway.origin}/health`).then((response) => ({ status: response.status, ms: performance.now() - started }));
    const [refused, healthy] = await Promise.all([refusal, health]);
    assert.equal(refused.status, 400);
    assert.equal(refused.body.data, undefined, "refused before execution: no data at all");
    assert.deepEqual(
      refused.body.errors?.map((e) => ({ path: e.path, ...e.extensions })),
      [{ path: undefined, code: "QUERY_TOO_COMPLEX", retryable: false, rule: "listSize", limit: 2_500, actual: 60_000, field: "$ids" }],
    );
    assert.ok(refused.text.length < 1_000, `${refused.text.length} bytes answered`);
    assert.deepEqual(await gateway.awsCalls(), {});
    assert.equal(healthy.status, 200);
    // Generous bounds for a busy machine (the bench measures the milliseconds): the finding took 6.7 s for both.
    assert.ok(refused.ms < 2_000, `refused after ${Math.round(refused.ms)} ms`);
    assert.ok(healthy.ms < 2_000, `/health answered after ${Math.round(healthy.ms)} ms`);
  });

  it("refuses a list over the limit anywhere in a variable: nested in input objects, and in lists of them", async () => {
    const tooMany = Array.from({ length: 2_501 }, () => "x");
    const cases: [string, Record<string, unknown>, string][] = [
      ["query ($f: WorkspacesFilter) { workspaces(filter: $f) { edges { cursor } } }", { f: { workspaceIds: tooMany } }, "$f.workspaceIds"],
      [
        "query ($f: DirectoriesFilter) { directories(filter: $f) { edges { cursor } } }",
        {
          f: {
            filters: [
              { name: "WORKSPACE_TYPE", values: ["PERSONAL"] },
              { name: "WORKSPACE_TYPE", values: tooMany },
            ],
          },
        },
        "$f.filters[1].values",
      ],
      ["query ($r: [String!]) { bundles(regions: $r) { edges { cursor } } }", { r: tooMany }, "$r"],
      [
        "mutation ($i: StopWorkspacesInput!) { stopWorkspaces(input: $i) { __typename } }",
        { i: { workspaceIds: tooMany } },
        "$i.workspaceIds",
      ],
    ];
    for (const [query, variables, field] of cases) {
      const { status, body } = await send({ query, variables });
      assert.equal(status, 400, field);
      assert.deepEqual(
        body.errors?.map((e) => [e.extensions?.rule, e.extensions?.limit, e.extensions?.actual, e.extensions?.field]),
        [["listSize", 2_500, 2_501, field]],
      );
    }
    const literal = `{ nodes(ids: [${Array.from({ length: 2_501 }, () => '"x"').join(" ")}]) { id } }`;
    const { body } = await send({ query: literal });
    assert.deepEqual(
      body.errors?.map((e) => [e.extensions?.rule, e.extensions?.actual]),
      [["listSize", 2_501]],
    );
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("costs a malformed global ID as a well-formed one: 3,000 of them over two aliases are over MAX_COST", async () => {
    const { status, body } = await send({
      query: "query ($ids: [ID!]!) { a: nodes(ids: $ids) { id } b: nodes(ids: $ids) { id } }",
      variables: { ids: malformed(1_500) },
    });
    assert.equal(status, 400);
    assert.deepEqual(
      body.errors?.map((e) => [e.extensions?.code, e.extensions?.rule, e.extensions?.actual]),
      [["QUERY_TOO_COMPLEX", "cost", 120]],
    );
  });

  it("answers 2,500 malformed IDs with 25 typed errors and one that counts the rest and gives their first paths", async () => {
    const { status, body } = await send({ query: NODES, variables: { ids: malformed(2_500) } });
    assert.equal(status, 200);
    assert.equal((body.data!.nodes as unknown[]).length, 2_500);
    const errors = body.errors!;
    assert.equal(errors.length, 26);
    assert.deepEqual(
      errors.slice(0, 25).map((e) => [e.path, e.extensions?.code, e.extensions?.rule]),
      Array.from({ length: 25 }, (_, i) => [["nodes", i], "VALIDATION", "globalId"]),
    );
    const summary = errors[25]!;
    assert.deepEqual(summary.extensions, {
      code: "ERRORS_OMITTED",
      retryable: false,
      count: 2_475,
      codes: { VALIDATION: 2_475 },
      paths: Array.from({ length: 10 }, (_, i) => ["nodes", 25 + i]),
    });
    assert.match(summary.message, /2,475 more errors/);
  });
});
