// The client contract, over HTTP against the emulator: one root field's failure never takes another's data, a failed
// batch of nodes leaves the others resolved, every code a client sees is one of the ErrorCode enum's, the AWS calls a
// request could cause are refused before any is made, and the small holes found when the gateway was attacked.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { DescribeWorkspacesRequest } from "@aws-sdk/client-workspaces";
import { AwsError } from "../../src/emulator/aws-error.ts";
import { ERROR_CODES } from "../../src/error-codes.ts";
import { schema } from "../../src/schema/index.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { globalId, sdkWorkspaces, startTestGateway } from "./fixture.ts";

type Body = GraphQLResponse<Record<string, unknown>>;

describe("the client contract", () => {
  let gateway: TestGateway;
  let workspaceIds: string[];
  before(async () => {
    gateway = await startTestGateway({}, { bundleCacheTtlMs: 0 });
    workspaceIds = (await sdkWorkspaces(gateway.client)).map((w) => w.WorkspaceId!);
  });
  after(() => gateway.close());
  beforeEach(() => gateway.resetAwsCalls());

  const send = async (body: unknown, headers: Record<string, string> = {}) => (await (await gateway.post(body, headers)).json()) as Body;

  it("has one error vocabulary: the ErrorCode enum holds exactly the codes of src/error-codes.ts", () => {
    const values = schema.getType("ErrorCode") as unknown as { getValues(): { name: string }[] };
    assert.deepEqual(
      values.getValues().map((v) => v.name),
      Object.keys(ERROR_CODES),
    );
  });

  it("returns the other root field's data when one fails (bundles failing, workspaces arriving)", async () => {
    const catalog = gateway.emulator!.world.bundles;
    const describeBundles = catalog.describe;
    catalog.describe = () => {
      throw new AwsError("ServiceUnavailableException", "down", 503);
    };
    try {
      const body = await send({
        query: "{ workspaces(first: 3) { edges { node { workspaceId } } } bundles(filter: { owner: AMAZON }) { edges { cursor } } }",
      });
      assert.equal((body.data!.workspaces as { edges: unknown[] }).edges.length, 3);
      assert.equal(body.data!.bundles, null);
      assert.deepEqual(
        body.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.retryable]),
        [[["bundles"], "UPSTREAM_UNAVAILABLE", true]],
      );
    } finally {
      catalog.describe = describeBundles;
    }
  });

  it("returns the other root field's data when one's cursor is bad", async () => {
    const body = await send({ query: '{ workspaces(after: "") { edges { cursor } } bundles(first: 2) { edges { cursor } } }' });
    assert.equal(body.data!.workspaces, null);
    assert.equal((body.data!.bundles as { edges: unknown[] }).edges.length, 2);
    assert.deepEqual(
      body.errors?.map((e) => [e.path, e.extensions?.code]),
      [[["workspaces"], "INVALID_CURSOR"]],
    );
  });

  it("resolves the other IDs of nodes(ids:) when one batch of 25 fails", async () => {
    const ids = workspaceIds.slice(0, 50);
    const poisoned = ids[30]!;
    const fleet = gateway.emulator!.world.workspaces;
    const describeWorkspaces = fleet.describe;
    fleet.describe = (request: DescribeWorkspacesRequest) => {
      if (request.WorkspaceIds?.includes(poisoned)) throw new AwsError("ThrottlingException", "Rate exceeded");
      return describeWorkspaces.call(fleet, request);
    };
    try {
      const body = await send({
        query: "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Workspace { workspaceId } } }",
        variables: { ids: ids.map((id) => globalId("Workspace", id)) },
      });
      const nodes = body.data!.nodes as ({ workspaceId: string } | null)[];
      const failedBatch = nodes.indexOf(null);
      assert.ok(failedBatch === 0 || failedBatch === 25, `the failed batch starts at ${failedBatch}`);
      const resolved = nodes.filter((n) => n !== null).map((n) => n!.workspaceId);
      assert.equal(resolved.length, 25);
      assert.deepEqual(
        resolved,
        ids.filter((_, i) => i < failedBatch || i >= failedBatch + 25),
      );
      assert.equal(body.errors?.length, 25);
      assert.ok(body.errors!.every((e) => e.extensions?.code === "THROTTLED" && e.path?.[0] === "nodes"));
    } finally {
      fleet.describe = describeWorkspaces;
    }
  });

  it("refuses a request that could cause more AWS calls than MAX_COST before any call: aliases, batches and variables add up", async () => {
    const change = (i: number) => ({ workspaceId: workspaceIds[i]!, workspaceProperties: { runningMode: "AUTO_STOP" } });
    const input = { modifications: Array.from({ length: 25 }, (_, i) => change(i)) };
    const aliased = `mutation ($input: ModifyWorkspacePropertiesInput!) { ${Array.from(
      { length: 20 },
      (_, i) => `m${i}: modifyWorkspaceProperties(input: $input) { __typename }`,
    ).join(" ")} }`;
    const refused = await send({ query: aliased, variables: { input } });
    assert.equal(refused.data, undefined);
    assert.deepEqual(
      refused.errors?.map((e) => [e.extensions?.code, e.extensions?.rule, e.extensions?.actual]),
      [["QUERY_TOO_COMPLEX", "cost", 20 * 27]],
    );
    // Four operations of up to 27 calls in one batched request: the fourth goes over 100.
    const single = {
      query: "mutation ($input: ModifyWorkspacePropertiesInput!) { modifyWorkspaceProperties(input: $input) { __typename } }",
      variables: { input },
    };
    const batch = (await (await gateway.post([single, single, single, single])).json()) as Body[];
    assert.deepEqual(
      batch.map((b) => b.errors?.[0]?.extensions?.rule ?? "ran"),
      ["ran", "ran", "ran", "cost"],
    );
    const calls = await gateway.awsCalls();
    assert.equal(calls.ModifyWorkspaceProperties, 3 * 25, "the refused operation sent nothing");
  });

  it('refuses after: "" as INVALID_CURSOR, not as the first page', async () => {
    const body = await send({ query: '{ workspaces(first: 1, after: "") { edges { cursor } } }' });
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ["INVALID_CURSOR"],
    );
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("masks an unparsable JSON body: BAD_REQUEST, nothing of the body echoed", async () => {
    for (const text of ['{ "query": "{ __typename }", "secret-token-1234', "not json {{{ secret-token-1234"]) {
      const response = await gateway.post(text);
      const answer = await response.text();
      assert.doesNotMatch(answer, /secret-token|originalError|SyntaxError|position/i, answer);
      assert.deepEqual(
        (JSON.parse(answer) as Body).errors?.map((e) => [e.extensions?.code, e.extensions?.retryable]),
        [["BAD_REQUEST", false]],
      );
    }
  });

  it("codes variables that do not fit the document BAD_USER_INPUT (HTTP 400), as the document's own errors", async () => {
    const query = "query ($first: Int!) { workspaces(first: $first) { edges { cursor } } }";
    for (const variables of [{ first: "many" }, {}]) {
      for (const accept of ["application/json", "application/graphql-response+json"]) {
        const response = await gateway.post({ query, variables }, { accept });
        assert.equal(response.status, 400);
        assert.deepEqual(
          ((await response.json()) as Body).errors?.map((e) => [e.extensions?.code, e.extensions?.retryable]),
          [["BAD_USER_INPUT", false]],
        );
      }
    }
    const subscription = await gateway.post(
      { query: "subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) { __typename } }", variables: { ids: 5 } },
      { accept: "application/graphql-response+json" },
    );
    assert.deepEqual(
      ((await subscription.json()) as Body).errors?.map((e) => e.extensions?.code),
      ["BAD_USER_INPUT"],
    );
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("refuses modify items with nothing to change, and create items with volume sizes of zero or below, before any call", async () => {
    const modified = await send({
      query: `mutation { modifyWorkspaceProperties(input: { modifications: [{ workspaceId: "${workspaceIds[0]}", workspaceProperties: {} }] }) {
        ... on ModifyWorkspacePropertiesPayload { results { __typename ... on ValidationError { field rule } } } } }`,
    });
    assert.deepEqual((modified.data!.modifyWorkspaceProperties as { results: unknown[] }).results, [
      { __typename: "ValidationError", field: "input.modifications[0].workspaceProperties", rule: "empty" },
    ]);
    const created = await send({
      query: `mutation { createWorkspaces(input: { workspaces: [
        { directoryId: "d-906734e2f1", userName: "volume-a", bundleId: "wsb-8vbljg4r6", workspaceProperties: { rootVolumeSizeGib: -5 } }
        { directoryId: "d-906734e2f1", userName: "volume-b", bundleId: "wsb-8vbljg4r6", workspaceProperties: { userVolumeSizeGib: 0 } }
      ] }) { ... on CreateWorkspacesPayload { results { __typename ... on ValidationError { field rule } } } } }`,
    });
    assert.deepEqual((created.data!.createWorkspaces as { results: unknown[] }).results, [
      { __typename: "ValidationError", field: "input.workspaces[0].workspaceProperties.rootVolumeSizeGib", rule: "range" },
      { __typename: "ValidationError", field: "input.workspaces[1].workspaceProperties.userVolumeSizeGib", rule: "range" },
    ]);
    assert.deepEqual(await gateway.awsCalls(), {});
  });
});

describe("field suggestions", () => {
  const MODIFY = (mode: string) =>
    `modifyWorkspaceProperties(input: { modifications: [{ workspaceId: "ws-abcdefgh1", workspaceProperties: { runningMode: ${mode} } }] }) { __typename }`;
  /** The messages of answers to a field, an enum value and a variable's value that are each one letter off. */
  const messages = async (introspection: boolean) => {
    const gateway = await startTestGateway({}, { introspection });
    try {
      const bodies = [
        { query: "{ workspaces { edges { nod { workspaceId } } } }" },
        { query: `mutation { ${MODIFY("AUTO_STP")} }` },
        { query: `mutation ($m: RunningMode!) { ${MODIFY("$m")} }`, variables: { m: "AUTO_STP" } },
      ];
      const answers = await Promise.all(bodies.map(async (body) => (await (await gateway.post(body)).json()) as Body));
      return answers.map((answer) => answer.errors?.map((e) => e.message).join(" ") ?? "");
    } finally {
      await gateway.close();
    }
  };

  it("names no field or enum value in 'Did you mean' when introspection is off (production)", async () => {
    const [field, value, variable] = await messages(false);
    assert.equal(field, 'Cannot query field "nod" on type "WorkspaceEdge".');
    assert.match(value!, /Value "AUTO_STP" does not exist in "RunningMode" enum\.$/);
    assert.match(variable!, /Value "AUTO_STP" does not exist in "RunningMode" enum\.$/);
  });

  it("keeps graphql-js's suggestions when introspection is on (development)", async () => {
    const [field, value, variable] = await messages(true);
    assert.match(field!, /Did you mean "node"\?/);
    assert.match(value!, /Did you mean the enum value "AUTO_STOP"\?/);
    assert.match(variable!, /Did you mean the enum value "AUTO_STOP"\?/);
  });
});
