// Tracing as a collector sees it: the real gateway process, turned on by the standard OTEL_* variables, exports with
// the OpenTelemetry SDK's OTLP/HTTP exporter (protobuf, then JSON) to a receiver this test runs. A request sent with a
// W3C traceparent makes one trace: the operation's span under the client's, and a span per AWS call attempt under it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../../src/config.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";

const ROOT = join(import.meta.dirname, "../..");

type Attribute = string | number | boolean;

interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 2 is SERVER, 3 CLIENT. */
  kind: number;
  /** 0 unset, 1 ok, 2 error. */
  status: number;
  attributes: Record<string, Attribute>;
}

// --- OTLP's protobuf encoding, only as far as spans go (opentelemetry/proto/trace/v1/trace.proto's field numbers).

type Field = { field: number; value: number | Uint8Array };

function fieldsOf(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const [field, wire] = [Math.floor(key / 8), key % 8];
    const width = wire === 1 ? 8 : wire === 5 ? 4 : wire === 2 ? varint() : 0;
    fields.push({ field, value: wire === 0 ? varint() : bytes.subarray(at, at + width) });
    at += width;
  }
  return fields;
}

const all = (bytes: Uint8Array, field: number) =>
  fieldsOf(bytes)
    .filter((f) => f.field === field)
    .map((f) => f.value);
const one = (bytes: Uint8Array, field: number) => all(bytes, field)[0];
const hex = (value: unknown) => (value ? Buffer.from(value as Uint8Array).toString("hex") : "");
const text = (value: unknown) => Buffer.from(value as Uint8Array).toString("utf8");

function anyValue(bytes: Uint8Array): Attribute {
  const [{ field, value }] = fieldsOf(bytes) as [Field];
  if (field === 1) return text(value);
  if (field === 2) return value === 1;
  if (field === 4) return Buffer.from(value as Uint8Array).readDoubleLE();
  return value as number;
}

function protobufSpans(body: Uint8Array): ReceivedSpan[] {
  return all(body, 1).flatMap((resourceSpans) =>
    all(resourceSpans as Uint8Array, 2).flatMap((scopeSpans) =>
      all(scopeSpans as Uint8Array, 2).map((value) => {
        const span = value as Uint8Array;
        const status = one(span, 15) as Uint8Array | undefined;
        return {
          traceId: hex(one(span, 1)),
          spanId: hex(one(span, 2)),
          parentSpanId: hex(one(span, 4)),
          name: text(one(span, 5)),
          kind: one(span, 6) as number,
          status: status ? ((one(status, 3) as number | undefined) ?? 0) : 0,
          attributes: Object.fromEntries(
            all(span, 9).map((kv) => [text(one(kv as Uint8Array, 1)), anyValue(one(kv as Uint8Array, 2) as Uint8Array)]),
          ),
        };
      }),
    ),
  );
}

// --- OTLP's JSON encoding (IDs in hex, as the OTLP/JSON specification has them).

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  attributes?: { key: string; value: Record<string, Attribute> }[];
}

function jsonSpans(body: Uint8Array): ReceivedSpan[] {
  const request = JSON.parse(text(body)) as { resourceSpans: { scopeSpans: { spans: JsonSpan[] }[] }[] };
  return request.resourceSpans.flatMap((r) =>
    r.scopeSpans.flatMap((s) =>
      s.spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? "",
        name: span.name,
        kind: span.kind,
        status: span.status?.code ?? 0,
        attributes: Object.fromEntries(
          (span.attributes ?? []).map(({ key, value }) => {
            const [[kind, raw]] = Object.entries(value) as [[string, Attribute]];
            return [key, kind === "intValue" ? Number(raw) : raw];
          }),
        ),
      })),
    ),
  );
}

/** A collector's OTLP/HTTP endpoint, keeping every span it receives and the content types it was sent. */
async function startReceiver() {
  const spans: ReceivedSpan[] = [];
  const contentTypes = new Set<string>();
  const waiters: (() => void)[] = [];
  const read = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    return request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
  };
  const server = createServer((request, response) => {
    void read(request).then((body) => {
      const type = String(request.headers["content-type"]);
      contentTypes.add(type);
      spans.push(...(type.startsWith("application/json") ? jsonSpans(body) : protobufSpans(body)));
      response.writeHead(200, { "content-type": type }).end(type.startsWith("application/json") ? "{}" : "");
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    contentTypes,
    /** What `check` finds in the spans received so far, once it finds something. */
    async until<T>(check: (spans: ReceivedSpan[]) => T | undefined): Promise<T> {
      for (;;) {
        const found = check(spans);
        if (found !== undefined) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    /** The spans of a trace, once `complete` says they have all arrived. */
    trace(traceId: string, complete: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
      return this.until((all) => {
        const found = all.filter((span) => span.traceId === traceId);
        return complete(found) ? found : undefined;
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The gateway as deployed, on `emulator` through the SDK's standard variables, with `env` on top. */
async function startGateway(emulator: RunningEmulator, env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      LOG_FORMAT: "json",
      NODE_NO_WARNINGS: "1",
      WORKSPACES_BACKEND: "aws",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_WORKSPACES: emulator.url,
      AWS_ENDPOINT_URL_STS: emulator.url,
      AWS_ACCESS_KEY_ID: "tracing",
      AWS_SECRET_ACCESS_KEY: "tracing",
      // Spans leave every 50 ms rather than 5 s.
      OTEL_BSP_SCHEDULE_DELAY: "50",
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => {
      const { url } = JSON.parse(line) as { url?: string };
      if (url) resolve(url);
    });
    void exited.then(() => reject(new Error("the gateway exited before listening")));
  });
  return {
    url,
    /** Sends `query` as a client in trace `traceId` under its span `parentId`. */
    async query(query: string, traceId: string, parentId: string) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", traceparent: `00-${traceId}-${parentId}-01` },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
    },
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const ids = () => ({ traceId: randomBytes(16).toString("hex"), parentId: randomBytes(8).toString("hex") });

const DASHBOARD = "query Dashboard { workspaces(first: 3) { edges { node { workspaceId bundle { name } } } } }";

describe("tracing", () => {
  let emulator: RunningEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 10 });
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver.close();
    await emulator.close();
  });

  describe("OTLP over HTTP with protobuf", () => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    before(async () => {
      gateway = await startGateway(emulator, {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
        AWS_MAX_ATTEMPTS: "2",
        WATCH_POLL_MS: "1000",
      });
    });
    after(() => gateway.close());

    it("makes one trace of a request: the operation's span under the client's, the AWS calls' spans under it", async () => {
      const { traceId, parentId } = ids();
      const result = await gateway.query(DASHBOARD, traceId, parentId);
      assert.equal(result.errors, undefined);
      const spans = await receiver.trace(traceId, (found) => found.length >= 3);
      assert.deepEqual(
        receiver.spans.filter((span) => span.traceId !== traceId),
        [],
        "every span belongs to the client's trace",
      );
      const operation = spans.find((span) => span.name === "query.Dashboard");
      assert.ok(operation, JSON.stringify(spans));
      assert.equal(operation.parentSpanId, parentId);
      assert.equal(operation.kind, 2);
      assert.equal(operation.attributes["graphql.execute.operationName"], "Dashboard");
      const calls = spans.filter((span) => span !== operation);
      assert.deepEqual(calls.map((span) => span.name).sort(), ["WorkSpaces.DescribeWorkspaceBundles", "WorkSpaces.DescribeWorkspaces"]);
      for (const call of calls) {
        assert.equal(call.parentSpanId, operation.spanId);
        assert.equal(call.kind, 3);
        assert.deepEqual(
          { ...call.attributes, "aws.request_id": typeof call.attributes["aws.request_id"] },
          {
            "rpc.system": "aws-api",
            "rpc.service": "WorkSpaces",
            "rpc.method": call.name.replace("WorkSpaces.", ""),
            "cloud.region": "us-east-1",
            "aws.attempt": 1,
            "aws.throttled": false,
            "aws.request_id": "string",
          },
        );
      }
      assert.deepEqual([...receiver.contentTypes], ["application/x-protobuf"]);
    });

    it("gives each attempt of a throttled call its own span, numbered and marked throttled", async () => {
      emulator.settings.throttleRate = 1;
      try {
        const { traceId, parentId } = ids();
        const result = await gateway.query(
          "query Throttled { workspaces(first: 1) { edges { node { workspaceId } } } }",
          traceId,
          parentId,
        );
        assert.equal(result.errors?.[0]?.extensions.code, "THROTTLED");
        const spans = await receiver.trace(traceId, (found) => found.length >= 3);
        const operation = spans.find((span) => span.name === "query.Throttled")!;
        assert.equal(operation.parentSpanId, parentId);
        const attempts = spans.filter((span) => span.name === "WorkSpaces.DescribeWorkspaces");
        assert.deepEqual(
          attempts.map((span) => [span.parentSpanId, span.attributes["aws.attempt"], span.attributes["aws.throttled"], span.status]).sort(),
          [
            [operation.spanId, 1, true, 2],
            [operation.spanId, 2, true, 2],
          ],
        );
      } finally {
        emulator.settings.throttleRate = 0;
      }
    });

    it("traces a subscription under the client's span; the polling loop all subscribers share makes traces of its own", async () => {
      const { traceId, parentId } = ids();
      const first = (await gateway.query("{ workspaces(first: 1) { edges { node { workspaceId } } } }", traceId, parentId)) as {
        data: { workspaces: { edges: { node: { workspaceId: string } }[] } };
      };
      const workspaceId = first.data.workspaces.edges[0]!.node.workspaceId;
      const rootCalls = (spans: ReceivedSpan[]) =>
        spans.filter((span) => span.name === "WorkSpaces.DescribeWorkspaces" && !span.parentSpanId);
      const before = rootCalls(receiver.spans).length;
      const watch = ids();
      const abort = new AbortController();
      const response = await fetch(gateway.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          traceparent: `00-${watch.traceId}-${watch.parentId}-01`,
        },
        body: JSON.stringify({ query: `subscription Watch { workspaceStateChanged(workspaceIds: ["${workspaceId}"]) { __typename } }` }),
        signal: abort.signal,
      });
      const events = response.body!.getReader();
      while (!new TextDecoder().decode((await events.read()).value).includes("event: next"));
      // The loop's first call for the new ID, then a tick (WATCH_POLL_MS later): each the root of a trace.
      const calls = await receiver.until((spans) => (rootCalls(spans).length >= before + 2 ? rootCalls(spans).slice(before) : undefined));
      assert.ok(calls.every((call) => call.traceId !== watch.traceId));
      abort.abort();
      const spans = await receiver.trace(watch.traceId, (found) => found.some((span) => span.name === "subscription.Watch"));
      assert.deepEqual(
        spans.map((span) => [span.name, span.parentSpanId, span.kind]),
        [["subscription.Watch", watch.parentId, 2]],
      );
    });
  });

  describe("OTLP over HTTP with JSON", () => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    before(async () => {
      gateway = await startGateway(emulator, {
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      });
    });
    after(() => gateway.close());

    it("exports the same trace as JSON", async () => {
      receiver.contentTypes.clear();
      const { traceId, parentId } = ids();
      assert.equal((await gateway.query(DASHBOARD, traceId, parentId)).errors, undefined);
      const spans = await receiver.trace(traceId, (found) => found.length >= 3);
      const operation = spans.find((span) => span.name === "query.Dashboard")!;
      assert.equal(operation.parentSpanId, parentId);
      assert.deepEqual(
        spans
          .filter((span) => span !== operation)
          .map((span) => [span.name, span.parentSpanId, span.attributes["aws.attempt"]])
          .sort(),
        [
          ["WorkSpaces.DescribeWorkspaceBundles", operation.spanId, 1],
          ["WorkSpaces.DescribeWorkspaces", operation.spanId, 1],
        ],
      );
      assert.deepEqual([...receiver.contentTypes], ["application/json"]);
    });
  });
});

describe("tracing settings", () => {
  it("is off unless an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp asks for it", () => {
    assert.equal(loadConfig({}).tracing, undefined);
    assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }).tracing, undefined);
    assert.equal(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_TRACES_EXPORTER: "none" }).tracing, undefined);
    assert.deepEqual(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }).tracing, {
      protocol: "http/protobuf",
      endpoint: "http://collector:4318/v1/traces",
    });
    assert.deepEqual(loadConfig({ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" }).tracing, {
      protocol: "http/json",
      endpoint: "http://localhost:4318/v1/traces",
    });
  });

  it("refuses at start-up what it cannot export", () => {
    assert.throws(() => loadConfig({ OTEL_TRACES_EXPORTER: "zipkin" }), /OTEL_TRACES_EXPORTER must be otlp or none, got "zipkin"/);
    assert.throws(
      () => loadConfig({ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }),
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf or http\/json \(gRPC is not exported\), got "grpc"/,
    );
    assert.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector" }), /the OTLP endpoint must be a URL/);
  });
});
