// Where a CPU profile of the gateway (node --cpu-prof) spent its time: self time by function and by package.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SectionResult } from "./harness.ts";
import { round } from "./harness.ts";

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** A package name for a script URL: node_modules/<pkg>, the project's own path, or node's internals. */
function packageOf(url: string, functionName: string): string {
  if (url === "") return functionName;
  if (url.startsWith("node:")) return "node (internal)";
  const path = url.replace(/^file:\/\//, "");
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return match ? match[1]! : path.replace(ROOT, "");
}

function top(self: Map<string, number>, busy: number, count: number, key: string): Record<string, string | number>[] {
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => ({ [key]: name, "self %": round((100 * us) / busy) }));
}

export function profileTables(file: string, count = 15): SectionResult[] {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = frames.get(id)!;
    if (functionName === "(idle)") return;
    const us = profile.timeDeltas[i] ?? 0;
    busy += us;
    const where = url === "" ? "" : ` ${url.replace(/^file:\/\//, "").replace(ROOT, "")}:${lineNumber + 1}`;
    const name = `${functionName || "(anonymous)"}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  });
  const notes = [`${file.replace(ROOT, "")}; share of the gateway's busy (non-idle) CPU time`];
  return [
    { title: "Gateway CPU profile under the throughput load: self time by package", rows: top(byPackage, busy, count, "package"), notes },
    {
      title: "Gateway CPU profile under the throughput load: self time by function",
      rows: top(byFunction, busy, count, "function"),
      notes,
    },
  ];
}
