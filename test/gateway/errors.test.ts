// AWS failures as GraphQL errors: a stable extensions.code, nothing of the upstream response carried over, a
// failing field failing alone, and an unreachable upstream answered (never a 500, never a hang).

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEFAULT_CALL_POLICY } from "../../src/aws/upstream.ts";
import { AwsError } from "../../src/emulator/aws-error.ts";
import { DashboardDocument, WorkspacesCursorsDocument } from "../generated/graphql.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { startTestGateway } from "./fixture.ts";

/** What an upstream error may carry and a client must never see: an ARN, an account ID, a request ID, an endpoint. */
const SECRET_MESSAGE =
  "Refused arn:aws:workspaces:us-east-1:123456789012:workspace/ws-leakedleak for account 123456789012, " +
  "request 0d4f5c3e-8a1b-4c2d-9e7f-112233445566, via http://127.0.0.1:4566/";

function assertNothingLeaked(text: string) {
  const { errors = [] } = JSON.parse(text) as GraphQLResponse<unknown>;
  assert.ok(errors.length > 0, "expected errors");
  for (const needle of [
    "requestId",
    "RequestId",
    "arn:",
    "127.0.0.1",
    "localhost",
    "ws-leakedleak",
    "123456789012",
    "0d4f5c3e-8a1b-4c2d-9e7f-112233445566",
    "$metadata",
    "stack",
  ]) {
    assert.ok(!text.includes(needle), `response carries ${JSON.stringify(needle)}: ${text}`);
  }
  // No stack frames: no "at " in any error, and no file positions.
  assert.ok(!JSON.stringify(errors).includes("at "), `an error carries a stack frame: ${text}`);
  assert.doesNotMatch(text, /\.(ts|js|mjs):\d+:\d+/);
  assert.doesNotMatch(text, /\\n\s+at /);
}

async function postText(gateway: TestGateway, query: string, variables: Record<string, unknown> = {}) {
  const response = await gateway.post({ query, variables });
  return { status: response.status, text: await response.text() };
}

describe("AWS errors as gateway errors", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  it("throttling is THROTTLED (retryable) after the configured attempts, in an HTTP 200, leaking nothing", async () => {
    gateway.emulator!.settings.throttleRate = 1;
    try {
      await gateway.resetAwsCalls();
      const { status, text } = await postText(gateway, "{ workspaces(first: 5) { edges { node { workspaceId } } } }");
      assert.equal(status, 200);
      const body = JSON.parse(text) as GraphQLResponse<unknown>;
      assert.deepEqual(body.data, { workspaces: null });
      assert.equal(body.errors?.length, 1);
      assert.deepEqual(body.errors![0]!.extensions, { code: "THROTTLED", retryable: true, awsErrorCode: "ThrottlingException" });
      assert.deepEqual(body.errors![0]!.path, ["workspaces"]);
      assertNothingLeaked(text);
      assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: DEFAULT_CALL_POLICY.maxAttempts });
    } finally {
      gateway.emulator!.settings.throttleRate = 0;
    }
    const recovered = await gateway.execute(WorkspacesCursorsDocument, { first: 5 });
    assert.equal(recovered.errors, undefined);
    assert.equal(recovered.data!.workspaces!.edges.length, 5);
  });

  const mapped: [string, number, string][] = [
    ["AccessDeniedException", 400, "ACCESS_DENIED"],
    ["ResourceNotFoundException", 400, "NOT_FOUND"],
    ["InvalidParameterValuesException", 400, "INVALID_PARAMETER"],
    ["ResourceLimitExceededException", 400, "LIMIT_EXCEEDED"],
    ["SomeNewException", 400, "UPSTREAM_ERROR"],
    ["InternalFailure", 500, "UPSTREAM_UNAVAILABLE"],
    ["ServiceUnavailableException", 503, "UPSTREAM_UNAVAILABLE"],
  ];
  for (const [type, status, code] of mapped) {
    it(`AWS's ${type} (HTTP ${status}) is ${code}, leaking nothing`, async () => {
      const fleet = gateway.emulator!.world.workspaces;
      const describe = fleet.describe;
      fleet.describe = () => {
        throw new AwsError(type, SECRET_MESSAGE, status);
      };
      try {
        const response = await postText(gateway, "{ workspaces(first: 5) { edges { node { workspaceId } } } }");
        assert.equal(response.status, 200);
        const body = JSON.parse(response.text) as GraphQLResponse<unknown>;
        assert.equal(body.errors?.[0]?.extensions?.code, code, response.text);
        // AWS's own name stays beside ours where AWS refused (4xx); a 5xx is only "unavailable".
        assert.equal(body.errors?.[0]?.extensions?.awsErrorCode, status < 500 ? type : undefined, response.text);
        assertNothingLeaked(response.text);
      } finally {
        fleet.describe = describe;
      }
    });
  }
});

describe("a failing field fails alone", () => {
  let gateway: TestGateway;
  before(async () => {
    // Bundles never cached, so every dashboard asks AWS for them.
    gateway = await startTestGateway({}, { bundleCacheTtlMs: 0 });
  });
  after(() => gateway.close());

  it("workspaces arrive when their bundles cannot: bundle null, UPSTREAM_UNAVAILABLE at each bundle's path", async () => {
    const catalog = gateway.emulator!.world.bundles;
    const describe = catalog.describe;
    catalog.describe = () => {
      throw new AwsError("ServiceUnavailableException", SECRET_MESSAGE, 503);
    };
    try {
      const response = await gateway.post({
        query:
          "query($first: Int) { workspaces(first: $first) { edges { node { workspaceId state bundle { name computeType { name } } } } } }",
        variables: { first: 10 },
      });
      assert.equal(response.status, 200);
      const text = await response.text();
      const body = JSON.parse(text) as GraphQLResponse<{
        workspaces: { edges: { node: { workspaceId: string; state: string; bundle: unknown } }[] };
      }>;
      const edges = body.data!.workspaces!.edges;
      assert.equal(edges.length, 10);
      assert.ok(
        edges.every((e) => /^ws-/.test(e.node.workspaceId) && e.node.state !== null && e.node.bundle === null),
        JSON.stringify(edges),
      );
      assert.equal(body.errors!.length, 10);
      assert.deepEqual(body.errors!.map((e) => e.path).sort(), edges.map((_, i) => ["workspaces", "edges", i, "node", "bundle"]).sort());
      assert.deepEqual(new Set(body.errors!.map((e) => e.extensions?.code)), new Set(["UPSTREAM_UNAVAILABLE"]));
      assertNothingLeaked(text);
    } finally {
      catalog.describe = describe;
    }
    const recovered = await gateway.execute(DashboardDocument, { first: 10 });
    assert.equal(recovered.errors, undefined);
    assert.ok(
      recovered.data!.workspaces!.edges.every((e) => e.node.bundle?.name),
      "bundles did not come back",
    );
  });
});

describe("upstream gone", () => {
  it("with the emulator closed a query is UPSTREAM_UNAVAILABLE, in an HTTP 200, promptly", { timeout: 20_000 }, async () => {
    const gateway = await startTestGateway();
    try {
      await gateway.emulator!.close();
      const started = performance.now();
      const { status, text } = await postText(gateway, "{ workspaces(first: 5) { edges { node { workspaceId } } } }");
      assert.equal(status, 200);
      const body = JSON.parse(text) as GraphQLResponse<unknown>;
      assert.deepEqual(body.data, { workspaces: null });
      assert.deepEqual(
        body.errors?.map((e) => e.extensions?.code),
        ["UPSTREAM_UNAVAILABLE"],
      );
      assertNothingLeaked(text);
      assert.ok(performance.now() - started < 10_000, "the query took over 10 s");
    } finally {
      // The emulator is already closed; closing the gateway (and so it again) must still succeed.
      await gateway.close();
    }
  });
});
