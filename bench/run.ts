// `npm run bench`: the gateway against what users would write instead (the SDK directly) and against the ceiling of
// its own HTTP server (bare graphql-yoga), side by side in one run, since on a shared machine only ratios mean much.
// Prints one table per section and writes them to bench/results/<timestamp>.json and latest.json, and when every
// section ran, as Markdown into bench/RESULTS.md.
//   npm run bench -- --only latency,throughput   some sections (aws-calls, latency, throughput, scale, fan-out, fairness, validation, tracing, fleet, scale-out)
//   npm run bench -- --profile                   also a CPU profile of the gateway under the throughput load
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { measureAwsCalls } from "./aws-calls.ts";
import { measureFairness } from "./fairness.ts";
import { measureFanOut, measureSubscriptionFanOut } from "./fan-out.ts";
import { measureFleet } from "./fleet.ts";
import type { SectionResult } from "./harness.ts";
import { measureLatency } from "./latency.ts";
import type { BenchRun } from "./report.ts";
import { missedTargets, RESULTS_FILE, resultsPage, textTable } from "./report.ts";
import { measureScale } from "./scale.ts";
import { measureScaleOut } from "./scale-out.ts";
import { measureThroughput } from "./throughput.ts";
import { measureTracing } from "./tracing.ts";
import { measureValidation } from "./validation.ts";

const { values } = parseArgs({ options: { only: { type: "string" }, profile: { type: "boolean", default: false } } });

const SECTIONS: Record<string, () => Promise<SectionResult[]>> = {
  "aws-calls": async () => [await measureAwsCalls()],
  latency: async () => [await measureLatency()],
  throughput: () => measureThroughput(values.profile),
  scale: async () => [await measureScale()],
  "fan-out": async () => [await measureFanOut(), await measureSubscriptionFanOut()],
  fairness: async () => [await measureFairness()],
  validation: measureValidation,
  tracing: async () => [await measureTracing()],
  fleet: async () => [await measureFleet()],
  "scale-out": measureScaleOut,
};

const chosen = values.only?.split(",") ?? Object.keys(SECTIONS);
const unknown = chosen.filter((name) => !(name in SECTIONS));
if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(", ")}; sections: ${Object.keys(SECTIONS).join(", ")}`);

const started = performance.now();
const results: SectionResult[] = [];
console.log(`workspaces-gateway bench, node ${process.version}, ${availableParallelism()} CPUs\n`);
for (const name of chosen) {
  for (const section of await SECTIONS[name]!()) {
    console.log(`${textTable(section)}\n`);
    results.push(section);
  }
}
const seconds = (performance.now() - started) / 1000;
const misses = missedTargets(results);
console.log(`bench took ${seconds.toFixed(0)} s; ${misses === 0 ? "every target met" : `${misses} target(s) missed`}`);

const date = new Date().toISOString();
const report: BenchRun = { date, node: process.version, cpus: availableParallelism(), seconds: Math.round(seconds), sections: results };
const dir = new URL("./results/", import.meta.url);
mkdirSync(dir, { recursive: true });
const json = `${JSON.stringify(report, null, 2)}\n`;
writeFileSync(new URL(`${date.replace(/[:.]/g, "-")}.json`, dir), json);
writeFileSync(new URL("latest.json", dir), json);
// The page's tables come from one run: a run of some sections leaves them as they are.
if (values.only === undefined) {
  writeFileSync(RESULTS_FILE, resultsPage(readFileSync(RESULTS_FILE, "utf8"), report));
  console.log("tables written to bench/RESULTS.md");
}
