// What operators rely on: JSON logs with a request ID and no secrets, Prometheus metrics, health and readiness, and a
// graceful shutdown of the real process on SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../src/logger.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { freePort, settingsFrom, startTestGateway } from "../gateway/fixture.ts";
import { eventually } from "../subscriptions/helpers.ts";

const KEY = "ops-secret-key-0123456789";

describe("logs, metrics, health", () => {
  let gateway: TestGateway;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
    gateway = await startTestGateway({}, settingsFrom({ GATEWAY_API_KEYS: `${KEY}:read+write` }), logger);
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

describe("SIGTERM", () => {
  it("answers /ready with 503 for the pre-stop delay, stops accepting, finishes the request in flight, then exits 0", {
    timeout: 60_000,
  }, async () => {
    const emulatorPort = await freePort();
    // AWS takes 5 s a call: the request in flight outlasts the 3 s pre-stop delay, so it is finished after the
    // gateway stops accepting; every step below waits for what it needs, not for time to pass.
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: {
        ...process.env,
        PORT: "0",
        EMULATOR_PORT: String(emulatorPort),
        EMULATOR_LATENCY_MS: "5000",
        SHUTDOWN_DELAY_MS: "3000",
        NODE_NO_WARNINGS: "1",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const logs: Record<string, unknown>[] = [];
    let buffered = "";
    const started = new Promise<string>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => {
        buffered += chunk;
        for (let end = buffered.indexOf("\n"); end >= 0; end = buffered.indexOf("\n")) {
          const line = JSON.parse(buffered.slice(0, end)) as Record<string, unknown>;
          buffered = buffered.slice(end + 1);
          logs.push(line);
          if (typeof line.url === "string") resolve(line.url);
        }
      });
    });
    const exited = once(child, "exit");
    // A failing step must not leave the gateway running (and the test process waiting for it).
    try {
      const url = await started;
      const inFlight = fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ workspaces(first: 2) { edges { node { workspaceId } } } }" }),
      });
      const awsCalls = async () =>
        ((await (await fetch(`http://127.0.0.1:${emulatorPort}/_emulator/stats`)).json()) as { requests: Record<string, number> }).requests;
      // One call per region of the embedded default, both waiting on AWS.
      await eventually(async () => (await awsCalls()).DescribeWorkspaces === 2, "the request waiting on AWS");
      child.kill("SIGTERM");
      const origin = new URL(url).origin;
      await eventually(async () => (await fetch(`${origin}/ready`)).status === 503, "/ready draining");
      assert.deepEqual(await (await fetch(`${origin}/ready`)).json(), { status: "unavailable", reason: "shutting down" });
      // Still served during the delay, so nothing sent before the load balancer noticed is lost.
      const late = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      assert.equal(late.status, 200);
      const response = await inFlight;
      assert.equal(response.status, 200);
      const body = (await response.json()) as { data: { workspaces: { edges: unknown[] } } };
      assert.equal(body.data.workspaces.edges.length, 2);
      const [code] = await exited;
      assert.equal(code, 0);
      await assert.rejects(fetch(url, { method: "POST", body: "{}" }));
      assert.ok(logs.some((l) => l.msg === "shutting down: finishing in-flight requests"));
      // Every request's line comes before the last one.
      assert.equal(logs.filter((l) => l.msg === "request" && l.path === "/graphql").length, 2);
      assert.equal(logs.at(-1)?.msg, "stopped", JSON.stringify(logs.slice(-4)));
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
