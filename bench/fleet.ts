// Section 9: the dashboard over one partition and over four (two regions of two accounts, the second through a role
// assumed over the emulator's STS), the emulator adding 50 ms per call. Each partition holds 24 WorkSpaces and the page
// takes them all, so each partition answers in one DescribeWorkspaces (a full page of 25 would carry a token, as on
// AWS, and cost a second): asked at once, four partitions cost about what one does.
// Cold: gateways with the bundle cache off; warm: the default cache. The four are timed in turn, in a rotating order.
import { DEFAULT_ACCOUNT_ID } from "../src/emulator/index.ts";
import { startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { awsCalls, awsCallsByPartition, graphql, median, percentile, resetAwsCalls, round, timed, total, verdict } from "./harness.ts";
import type { DashboardData } from "./operations.ts";
import { DASHBOARD } from "./operations.ts";

const LATENCY_MS = 50;
const PER_PARTITION = 24;
const REGIONS = ["us-east-1", "eu-west-1"];
const ROLE_ARN = "arn:aws:iam::210987654321:role/WorkSpacesReader";
const WARMUP_ROUNDS = 5;
const ROUNDS = 60;
const TARGET = 1.3; // the 4-partition median against the 1-partition one

type Name = "one cold" | "four cold" | "one warm" | "four warm";

const describe = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([op, n]) => `${op} ${n}`)
    .join(" + ");

/** The calls summed over partitions, and each partition's (as one line when they are alike). */
function callsOf(byPartition: Record<string, Record<string, number>>) {
  const sum: Record<string, number> = {};
  for (const calls of Object.values(byPartition)) for (const [op, n] of Object.entries(calls)) sum[op] = (sum[op] ?? 0) + n;
  const each = [...new Set(Object.values(byPartition).map(describe))];
  const perPartition =
    each.length === 1 && Object.keys(byPartition).length > 1
      ? `each: ${each[0]}`
      : Object.entries(byPartition)
          .map(([key, calls]) => `${key}: ${describe(calls)}`)
          .join("; ");
  return { sum, perPartition, partitions: Object.keys(byPartition).length };
}

export async function measureFleet(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(PER_PARTITION, LATENCY_MS, REGIONS);
  const one = { WORKSPACES_REGIONS: REGIONS[0]! };
  const four = { WORKSPACES_REGIONS: REGIONS.join(","), WORKSPACES_ROLE_ARNS: ROLE_ARN };
  const cold = { BUNDLE_CACHE_TTL_MS: "0" };
  const gateways = {
    "one cold": await startGatewayProcess(emulator.url, { ...one, ...cold }),
    "four cold": await startGatewayProcess(emulator.url, { ...four, ...cold }),
    "one warm": await startGatewayProcess(emulator.url, one),
    "four warm": await startGatewayProcess(emulator.url, four),
  };
  try {
    const partitionsOf = (name: Name) => (name.startsWith("one") ? 1 : 4);
    const dashboard = async (name: Name) => {
      const first = PER_PARTITION * partitionsOf(name);
      const data = await graphql<DashboardData>(gateways[name].url, DASHBOARD, { first });
      const { edges } = data.workspaces;
      if (edges.length !== first || !edges.every((e) => e.node.bundle)) throw new Error(`fleet: ${name}'s dashboard is incomplete`);
    };
    const names = Object.keys(gateways) as Name[];
    const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
    // The warm-up also assumes the role and, warm, fills the bundle caches.
    await resetAwsCalls(emulator.url);
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        const { ms } = await timed(() => dashboard(name));
        if (round >= WARMUP_ROUNDS) samples[name].push(ms);
      }
    }
    const assumed = (await awsCalls(emulator.url)).AssumeRole ?? 0;
    const rows: SectionResult["rows"] = [];
    for (const name of names) {
      await resetAwsCalls(emulator.url);
      await dashboard(name);
      const calls = callsOf(await awsCallsByPartition(emulator.url));
      if (calls.partitions !== partitionsOf(name)) throw new Error(`fleet: ${name} called ${calls.partitions} partitions`);
      const [kind, cache] = name.split(" ") as ["one" | "four", "cold" | "warm"];
      const base = median(samples[`one ${cache}`]);
      const ratio = median(samples[name]) / base;
      rows.push({
        dashboard:
          kind === "one"
            ? `1 partition (${DEFAULT_ACCOUNT_ID}/${REGIONS[0]}), first: ${PER_PARTITION}, ${cache}`
            : `4 partitions (2 accounts × 2 regions), first: ${PER_PARTITION * 4}, ${cache}`,
        "AWS calls": describe(calls.sum),
        total: total(calls.sum),
        "per partition": calls.perPartition,
        "median ms": round(median(samples[name])),
        "p95 ms": round(percentile(samples[name], 95)),
        "vs 1 partition": kind === "one" ? "" : round(ratio, 3),
        target: kind === "one" ? "" : `<= ${TARGET}`,
        result: kind === "one" ? "" : verdict(ratio <= TARGET),
      });
    }
    return {
      title: `9. Fleet: the dashboard over 1 and over 4 partitions (emulator +${LATENCY_MS} ms per call)`,
      rows,
      notes: [
        `${PER_PARTITION} workspaces per partition, all on the page, so each partition answers in one page; the second account through ` +
          `${ROLE_ARN} over the emulator's STS; cold = bundle cache off; ${ROUNDS} rounds after ${WARMUP_ROUNDS} of ` +
          `warm-up; ratios of medians; calls from the emulator's /_emulator/stats, one request each after the timing; ` +
          `STS AssumeRole ${assumed} over all the rounds (the role's keys last an hour)`,
      ],
    };
  } finally {
    await Promise.all(Object.values(gateways).map((gateway) => gateway.close()));
    await emulator.close();
  }
}
