// What operators rely on: JSON logs with a request ID and no secrets, Prometheus metrics (on a listener of their own,
// as in production), health and readiness (the graceful shutdown on SIGTERM is in shutdown.test.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../src/logger.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { settingsFrom, startTestGateway } from "../gateway/fixture.ts";
import { eventually } from "../subscriptions/helpers.ts";

const KEY = "ops-secret-key-0123456789";

describe("logs, metrics, health", () => {
  let gateway: TestGateway;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    const logger = createLogger("debug", { write: (line: string) => void lines.push(JSON.parse(line)) });
    gateway = await startTestGateway({}, settingsFrom({ GATEWAY_API_KEYS: `${KEY}:read+write`, METRICS_PORT: "0" }), logger);
  });
  after(() => gateway.close());

  it("writes one JSON line per request, under the request ID it returns, without the credential", async () => {
    const probe = () =>
      gateway.post({ query: "query Probe { workspaces(first: 1) { edges { cursor } } }" }, { authorization: `Bearer ${KEY}` });
    await (await probe()).text();
    // The second time the document comes from the parser cache: its operation is still named.
    const response = await probe();
    const requestId = response.headers.get("x-request-id");
    assert.match(requestId ?? "", /^[0-9a-f-]{36}$/);
    await response.text();
    // The line is written when the response closes, which a client may see after its body.
    await eventually(() => lines.some((l) => l.requestId === requestId && l.msg === "request"), "the request's log line");
    const line = lines.find((l) => l.requestId === requestId && l.msg === "request")!;
    assert.equal(line.status, 200);
    assert.equal(line.operation, "Probe");
    assert.match(String(line.principal), /^key:[0-9a-f]{12}$/);
    assert.equal(typeof line.durationMs, "number");
    const unauthorized = await gateway.post(
      { query: "{ __typename }" },
      { authorization: "Bearer wrong-key-but-long-enough", "x-request-id": "client-trace-42" },
    );
    assert.equal(unauthorized.headers.get("x-request-id"), "client-trace-42");
    await unauthorized.text();
    await eventually(() => lines.some((l) => l.requestId === "client-trace-42"), "the refused request's log line");
    assert.equal(lines.find((l) => l.requestId === "client-trace-42")?.status, 401);
    const everything = JSON.stringify(lines);
    assert.doesNotMatch(everything, new RegExp(KEY));
    assert.doesNotMatch(everything, /wrong-key-but-long-enough/);
  });

  it("logs a client's typed errors at debug under the request ID, never as unexpected errors", async () => {
    const query = '{ workspaces(after: "garbage") { edges { cursor } } workspace(workspaceId: "bad") { state } }';
    const response = await gateway.post({ query }, { authorization: `Bearer ${KEY}`, "x-request-id": "typed-errors-1" });
    const { errors } = (await response.json()) as { errors: { extensions: { code: string } }[] };
    assert.deepEqual(errors.map((e) => e.extensions.code).sort(), ["INVALID_CURSOR", "VALIDATION"]);
    await eventually(() => lines.some((l) => l.requestId === "typed-errors-1" && l.msg === "request"), "the request's log line");
    const answered = lines.filter((l) => l.msg === "error answered" && l.requestId === "typed-errors-1");
    assert.deepEqual(answered.map((l) => [l.level, l.code, l.path]).sort(), [
      [20, "INVALID_CURSOR", "workspaces"],
      [20, "VALIDATION", "workspace"],
    ]);
    assert.deepEqual(
      lines.filter((l) => (l.level as number) >= 40),
      [],
    );
  });

  it("exports request durations, AWS calls by outcome, throttles, retries, shared reads and loader batch sizes", async () => {
    await gateway.post({ query: "{ workspaces(first: 5) { edges { node { bundle { name } } } } }" }, { authorization: `Bearer ${KEY}` });
    const text = await gateway.metrics();
    for (const name of [
      "workspaces_gateway_request_duration_seconds_bucket",
      "workspaces_aws_requests_total",
      "workspaces_aws_throttles_total",
      "workspaces_aws_retries_total",
      "workspaces_aws_coalesced_reads_total",
      "workspaces_loader_batch_size_bucket",
    ]) {
      assert.match(text, new RegExp(`^# (HELP|TYPE) ${name.replace(/_bucket$/, "")} `, "m"), name);
    }
    assert.match(text, /workspaces_gateway_request_duration_seconds_count\{route="\/graphql",status="200"\} [1-9]/);
    assert.match(text, /workspaces_loader_batch_size_count\{loader="bundle"\} [1-9]/);
  });

  it("is live at /health and ready at /ready while AWS answers", async () => {
    assert.equal((await fetch(`${gateway.origin}/health`)).status, 200);
    const ready = await fetch(`${gateway.origin}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready" });
  });
});
