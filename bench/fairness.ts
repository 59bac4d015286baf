// Section 6: fairness. Ten ordinary callers, each with its own key, load a dashboard of their own 25 WorkSpaces every
// half second (one DescribeWorkspaces by ID, bundles cached); in a second run, an abusive caller also keeps four requests for 2,500 WorkSpaces
// by ID (100 AWS calls each, the most a request may cost) in flight, and sends again a tenth of a second after each
// refusal, ignoring Retry-After. The gateway runs with production's budget, AWS_RATE_LIMIT=50, default quotas, and the
// emulator adds 50 ms to each call. Each run gets a fresh gateway, so neither inherits the other's quotas or caches.
import { startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { awsCalls, percentile, postGraphQL, resetAwsCalls, round, total, verdict, workspaceIdsOf } from "./harness.ts";

const LATENCY_MS = 50;
const RATE_LIMIT = 50;
const ORDINARY_CALLERS = 10;
const ORDINARY_PAUSE_MS = 500;
const ABUSER_IN_FLIGHT = 4;
const ABUSER_IDS = 2_500;
const ABUSER_PAUSE_AFTER_REFUSAL_MS = 100;
const WARMUP_SECONDS = 3;
const RUN_SECONDS = 20;
const TARGET = 1.5;

const keyOf = (name: string) => `bench-${name}-0123456789abcdef`;
const ORDINARY = Array.from({ length: ORDINARY_CALLERS }, (_, i) => `ordinary${i}`);
const NODES = "query Flood($ids: [ID!]!) { nodes(ids: $ids) { id } }";
const MINE = `query Mine($ids: [String!]!) {
  workspaces(first: 25, filter: { workspaceIds: $ids }) { edges { node { workspaceId state bundle { name computeType { name } } } } }
}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Run {
  /** Ordinary callers' dashboard latencies (ms) after the warm-up. */
  latencies: number[];
  ordinaryFailures: number;
  abuser: { sent: number; answered: number; rateLimited: number; otherErrors: number };
  awsCallsPerSecond: number;
  busiestSecond: number;
}

async function run(emulatorUrl: string, workspaceIds: string[], withAbuser: boolean): Promise<Run> {
  const gateway = await startGatewayProcess(emulatorUrl, {
    AWS_RATE_LIMIT: String(RATE_LIMIT),
    GATEWAY_API_KEYS: [...ORDINARY, "abuser"].map((name) => `${keyOf(name)}:read`).join(","),
  });
  const result: Run = {
    latencies: [],
    ordinaryFailures: 0,
    abuser: { sent: 0, answered: 0, rateLimited: 0, otherErrors: 0 },
    awsCallsPerSecond: 0,
    busiestSecond: 0,
  };
  const started = performance.now();
  const measuredFrom = started + WARMUP_SECONDS * 1000;
  const endsAt = measuredFrom + RUN_SECONDS * 1000;
  try {
    await resetAwsCalls(emulatorUrl);
    const ordinary = ORDINARY.map(async (name, i) => {
      const body = JSON.stringify({ query: MINE, variables: { ids: workspaceIds.slice(25 * i, 25 * (i + 1)) } });
      // Spread over the first pause, as people do not click together.
      await sleep((ORDINARY_PAUSE_MS / ORDINARY_CALLERS) * i);
      while (performance.now() < endsAt) {
        const sentAt = performance.now();
        const { status, errors } = await postGraphQL(gateway.url, body, keyOf(name));
        if (status !== 200 || errors.length > 0) result.ordinaryFailures += 1;
        if (sentAt >= measuredFrom) result.latencies.push(performance.now() - sentAt);
        await sleep(ORDINARY_PAUSE_MS);
      }
    });
    const flood = JSON.stringify({
      query: NODES,
      variables: { ids: workspaceIds.map((id) => Buffer.from(`Workspace:123456789012/us-east-1/${id}`).toString("base64")) },
    });
    const abuser = Array.from({ length: withAbuser ? ABUSER_IN_FLIGHT : 0 }, async () => {
      while (performance.now() < endsAt) {
        result.abuser.sent += 1;
        const { errors } = await postGraphQL(gateway.url, flood, keyOf("abuser"));
        if (errors.length === 0) result.abuser.answered += 1;
        else if (errors.every((code) => code === "RATE_LIMITED")) {
          result.abuser.rateLimited += 1;
          await sleep(ABUSER_PAUSE_AFTER_REFUSAL_MS);
        } else result.abuser.otherErrors += 1;
      }
    });
    await Promise.all([...ordinary, ...abuser]);
    const seconds = (performance.now() - started) / 1000;
    result.awsCallsPerSecond = total(await awsCalls(emulatorUrl)) / seconds;
    const stats = (await (await fetch(`${emulatorUrl}/_emulator/stats`)).json()) as { busiestSecond: Record<string, number> };
    result.busiestSecond = Math.max(0, ...Object.values(stats.busiestSecond));
    return result;
  } finally {
    await gateway.close();
  }
}

export async function measureFairness(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(ABUSER_IDS, LATENCY_MS);
  try {
    const ids = (await workspaceIdsOf(emulator.url)).slice(0, ABUSER_IDS);
    const alone = await run(emulator.url, ids, false);
    const abused = await run(emulator.url, ids, true);
    const p95 = (r: Run) => percentile(r.latencies, 95);
    const row = (name: string, r: Run, target: boolean) => ({
      run: name,
      "ordinary p50 ms": round(percentile(r.latencies, 50)),
      "ordinary p95 ms": round(p95(r)),
      "p95 vs alone": round(p95(r) / p95(alone), 2),
      "ordinary failed": r.ordinaryFailures,
      "abuser sent": r.abuser.sent,
      "abuser answered": r.abuser.answered,
      "abuser RATE_LIMITED": r.abuser.rateLimited,
      "abuser other errors": r.abuser.otherErrors,
      "AWS calls/s": round(r.awsCallsPerSecond),
      "busiest second": r.busiestSecond,
      target: target ? `p95 <= ${TARGET}x, busiest <= ${RATE_LIMIT}, 0 failed` : `busiest <= ${RATE_LIMIT}`,
      result: verdict(
        r.busiestSecond <= RATE_LIMIT &&
          (!target || (p95(r) / p95(alone) <= TARGET && r.ordinaryFailures === 0 && r.abuser.rateLimited > 0)),
      ),
    });
    return {
      title: `6. Fairness: ten ordinary callers and one abusive one (AWS_RATE_LIMIT=${RATE_LIMIT}, emulator +${LATENCY_MS} ms per call)`,
      rows: [row("ten ordinary callers alone", alone, false), row("with the abuser", abused, true)],
      notes: [
        `ordinary: a dashboard each every ${ORDINARY_PAUSE_MS} ms, ${RUN_SECONDS} s measured after ${WARMUP_SECONDS} s; abuser: ${ABUSER_IN_FLIGHT} requests of ${ABUSER_IDS.toLocaleString("en-US")} IDs in flight`,
        "busiest second: the most AWS calls the emulator received in one second of the clock",
      ],
    };
  } finally {
    await emulator.close();
  }
}
