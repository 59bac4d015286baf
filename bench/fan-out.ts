// Section 5: 100 concurrent clients running the dashboard query against a freshly started gateway, the emulator adding
// 50 ms per call so reads overlap as they do against AWS: AWS calls per second against GraphQL requests per second.
// Identical reads in flight at once are what coalescing folds into one call, so calls per request show whether it works.

import { startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { awsCalls, round, total, verdict } from "./harness.ts";
import { load } from "./load.ts";
import { DASHBOARD } from "./operations.ts";

const CLIENTS = 100;
const SECONDS = 10;
const LATENCY_MS = 50;
const TARGET = 0.1; // AWS calls per GraphQL request: at least 10 requests served per call

export async function measureFanOut(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(250, LATENCY_MS);
  const gateway = await startGatewayProcess(emulator.url);
  try {
    const result = await load(gateway.url, JSON.stringify({ query: DASHBOARD, variables: { first: 25 } }), CLIENTS, SECONDS);
    const calls = await awsCalls(emulator.url);
    const perRequest = total(calls) / result.requests;
    const perSecond = (n: number) => round(n / result.seconds);
    return {
      title: `5. Fan-out: ${CLIENTS} concurrent clients on the dashboard (emulator +${LATENCY_MS} ms per call, cold start)`,
      rows: [
        { measure: "GraphQL requests", count: result.requests, "per second": perSecond(result.requests) },
        ...Object.entries(calls).map(([op, n]) => ({ measure: `AWS calls: ${op}`, count: n, "per second": perSecond(n) })),
        {
          measure: "AWS calls per GraphQL request",
          count: round(perRequest, 3),
          target: `<= ${TARGET}`,
          result: verdict(perRequest <= TARGET),
        },
      ],
      notes: [
        `${SECONDS} s of autocannon at ${CLIENTS} connections; calls from the emulator's /_emulator/stats; GraphQL p99 ${result.p99Ms} ms`,
      ],
    };
  } finally {
    await gateway.close();
    await emulator.close();
  }
}
