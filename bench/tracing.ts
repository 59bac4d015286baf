// Section 6: what tracing costs. Requests per second of the dashboard through the gateway with tracing off (the
// default: no SDK, the API's no-op tracer) and on (every request sampled, exported by OTLP/HTTP protobuf to a local
// receiver that discards them), emulator latency 0, caches warm, loaded in alternating rounds as in section 3.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChildServer } from "../test/support/processes.ts";
import { startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { median, round } from "./harness.ts";
import type { LoadResult } from "./load.ts";
import { load } from "./load.ts";
import { DASHBOARD } from "./operations.ts";

const CONNECTIONS = 16;
const WARMUP_SECONDS = 3;
const ROUND_SECONDS = 5;
const ROUNDS = 4;

/** An OTLP/HTTP endpoint that reads what it is sent and keeps nothing: the collector's cost is not the gateway's. */
async function startSink() {
  let bytes = 0;
  const server = createServer((request, response) => {
    request.on("data", (chunk: Buffer) => (bytes += chunk.byteLength));
    request.on("end", () => response.writeHead(200, { "content-type": "application/x-protobuf" }).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => bytes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function measureTracing(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(250);
  const sink = await startSink();
  const contenders: { name: string; server: ChildServer; rounds: LoadResult[] }[] = [
    { name: "gateway, tracing off", server: await startGatewayProcess(emulator.url), rounds: [] },
    {
      name: "gateway, tracing on (OTLP/HTTP protobuf, every request sampled)",
      server: await startGatewayProcess(emulator.url, { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url }),
      rounds: [],
    },
  ];
  const body = JSON.stringify({ query: DASHBOARD, variables: { first: 25 } });
  try {
    for (const c of contenders) await load(c.server.url, body, CONNECTIONS, WARMUP_SECONDS);
    for (let i = 0; i < ROUNDS; i++) {
      for (const c of i % 2 === 0 ? contenders : [...contenders].reverse())
        c.rounds.push(await load(c.server.url, body, CONNECTIONS, ROUND_SECONDS));
    }
  } finally {
    await Promise.all([...contenders.map((c) => c.server.close()), emulator.close()]);
    await sink.close();
  }
  if (sink.received() === 0) throw new Error("tracing: the gateway with tracing on exported nothing");
  const perSecond = (c: (typeof contenders)[number]) => c.rounds.reduce((sum, r) => sum + r.perSecond, 0) / c.rounds.length;
  const off = perSecond(contenders[0]!);
  return {
    title: "8. Tracing: throughput with tracing off and on (emulator latency 0)",
    rows: contenders.map((c, i) => ({
      server: c.name,
      "req/s": Math.round(perSecond(c)),
      "p99 ms": median(c.rounds.map((r) => r.p99Ms)),
      "vs tracing off": i === 0 ? "" : round(perSecond(c) / off, 2),
    })),
    notes: [
      `the dashboard (first: 25), warm; ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s after ${WARMUP_SECONDS} s of warm-up each; ${Math.round(sink.received() / 1024)} KB of spans received`,
    ],
  };
}
