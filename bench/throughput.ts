// Section 3: requests per second of the dashboard query through the gateway against `{ hello }` on bare graphql-yoga,
// emulator latency 0, caches warm. Between them, the floor of any gateway that makes one SDK call per request. Each
// server is a child process, loaded in turn (alternating order) by autocannon at 16 connections.
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildServer } from "../test/support/processes.ts";
import { awsEnv, startChild, startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { graphql, median, round, verdict } from "./harness.ts";
import type { LoadResult } from "./load.ts";
import { load } from "./load.ts";
import type { DashboardData } from "./operations.ts";
import { DASHBOARD } from "./operations.ts";
import { profileTables } from "./profile.ts";

const CONNECTIONS = 16;
const WARMUP_SECONDS = 3;
const ROUND_SECONDS = 5;
const ROUNDS = 4;
const TARGET = 0.3;
const PROFILES = fileURLToPath(new URL("./results/profiles/", import.meta.url));

interface Contender {
  name: string;
  server: ChildServer;
  body: string;
  rounds: LoadResult[];
}

const contender = (name: string, server: ChildServer, query: string, variables?: Record<string, unknown>): Contender => ({
  name,
  server,
  body: JSON.stringify({ query, variables }),
  rounds: [],
});

async function compare(bare: ChildServer, oneCall: ChildServer, gateway: ChildServer, profile: boolean): Promise<SectionResult> {
  const data = await graphql<DashboardData>(gateway.url, DASHBOARD, { first: 25 });
  if (data.workspaces.edges.length !== 25) throw new Error("throughput: the dashboard is incomplete");
  const contenders = [
    contender("bare graphql-yoga, { hello }", bare, "{ hello }"),
    contender("graphql-yoga + 1 SDK call per request (floor)", oneCall, "{ workspaces }"),
    contender("gateway, dashboard (first: 25), warm", gateway, DASHBOARD, { first: 25 }),
  ];
  for (const c of contenders) await load(c.server.url, c.body, CONNECTIONS, WARMUP_SECONDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 === 0 ? contenders : [...contenders].reverse()) {
      c.rounds.push(await load(c.server.url, c.body, CONNECTIONS, ROUND_SECONDS));
    }
  }
  const perSecond = (c: Contender) => c.rounds.reduce((sum, r) => sum + r.perSecond, 0) / c.rounds.length;
  const ours = contenders[2]!;
  const rows = contenders.map((c, i) => {
    const ratio = perSecond(c) / perSecond(contenders[0]!);
    return {
      server: c.name,
      "req/s": Math.round(perSecond(c)),
      "p99 ms": median(c.rounds.map((r) => r.p99Ms)),
      "vs bare yoga": i === 0 ? "" : round(ratio, 2),
      target: c === ours ? `>= ${TARGET}` : "",
      result: c === ours ? verdict(ratio >= TARGET) : "",
    };
  });
  const notes = [
    `${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s after ${WARMUP_SECONDS} s of warm-up each; p99 is the median round's`,
  ];
  if (profile) notes.push("the gateway ran under --cpu-prof, which slows it: take figures from a run without --profile");
  return { title: "3. Throughput against bare graphql-yoga (emulator latency 0)", rows, notes };
}

/** The comparison, and with `profile` the gateway's CPU profile (written when it exits). */
export async function measureThroughput(profile: boolean): Promise<SectionResult[]> {
  const emulator = await startEmulatorProcess(250);
  mkdirSync(PROFILES, { recursive: true });
  const earlier = new Set(readdirSync(PROFILES));
  const gateway = await startGatewayProcess(emulator.url, {}, profile ? ["--cpu-prof", `--cpu-prof-dir=${PROFILES}`] : []);
  const bare = await startChild("bench/bare-yoga.ts");
  const oneCall = await startChild("bench/sdk-yoga.ts", { env: awsEnv(emulator.url) });
  const table = await compare(bare, oneCall, gateway, profile).finally(() =>
    Promise.all([gateway.close(), bare.close(), oneCall.close(), emulator.close()]),
  );
  if (!profile) return [table];
  // Node names profiles CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (tsx's loader
  // hooks run in another).
  const written = readdirSync(PROFILES).find((file) => /\.0\.\d+\.cpuprofile$/.test(file) && !earlier.has(file));
  if (!written) throw new Error(`throughput: the gateway wrote no CPU profile to ${PROFILES}`);
  return [table, ...profileTables(join(PROFILES, written))];
}
