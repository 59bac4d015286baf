// `npm run bench:emulator`: what one DescribeWorkspaces page costs the emulator at 1,000 and at 100,000 workspaces,
// through the real AWS SDK client over HTTP. A page should cost about the same whatever the fleet size (target:
// within 2x), since a NextToken resumes by binary search rather than by walking the listing.
//
// Both emulators run side by side and are measured in alternating blocks, so drift (GC, CPU frequency, other load)
// falls on both alike. Kinds of page measured:
//   first  a first page, no NextToken
//   deep   a page resumed from a NextToken 90% into the listing
//   walk   every page of a complete walk through the listing with the paginator's NextTokens
// Exits 0 whatever the figures; the ratio column says how they compare with the target.
import { mkdirSync, writeFileSync } from "node:fs";
import { DescribeWorkspacesCommand, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import type { RunningEmulator } from "../src/emulator/index.ts";
import { startEmulator } from "../src/emulator/index.ts";

const SIZES = [1_000, 100_000] as const;
const WARMUP_CALLS = 300;
const BLOCK = 25;
const BLOCKS = 24; // 600 timed calls per size and kind
const WALK_PAGES_MIN = 2_000; // the small fleet is walked repeatedly until it has served as many pages
const TARGET_RATIO = 2;

interface Target {
  size: number;
  emulator: RunningEmulator;
  client: WorkSpacesClient;
  startupMs: number;
  deepToken: string;
  samples: Record<Kind, number[]>;
}

type Kind = "first" | "deep" | "walk";
const KINDS: Kind[] = ["first", "deep", "walk"];

async function timePage(
  target: Target,
  nextToken: string | undefined,
): Promise<{ ms: number; nextToken: string | undefined; count: number }> {
  const started = performance.now();
  const page = await target.client.send(new DescribeWorkspacesCommand({ NextToken: nextToken }));
  const ms = performance.now() - started;
  return { ms, nextToken: page.NextToken, count: page.Workspaces?.length ?? 0 };
}

async function start(size: number): Promise<Target> {
  const started = performance.now();
  const emulator = await startEmulator({ port: 0, workspaces: size, seed: 1 });
  const startupMs = performance.now() - started;
  const client = new WorkSpacesClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  return { size, emulator, client, startupMs, deepToken: "", samples: { first: [], deep: [], walk: [] } };
}

/** One complete walk through the listing, timing every page; keeps the token found 90% of the way in. */
async function walk(target: Target, record: boolean): Promise<number> {
  const deepAt = Math.floor(target.size * 0.9);
  let token: string | undefined;
  let served = 0;
  let pages = 0;
  do {
    const page = await timePage(target, token);
    if (record) target.samples.walk.push(page.ms);
    served += page.count;
    pages++;
    token = page.nextToken;
    if (!target.deepToken && token && served >= deepAt) target.deepToken = token;
  } while (token);
  if (served !== target.size) throw new Error(`walked ${served} workspaces of ${target.size}`);
  return pages;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { pages: sorted.length, median: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

const pad = (value: string, width: number) => value.padStart(width);
const ms = (value: number) => value.toFixed(3);

async function main() {
  const benchStarted = performance.now();
  const targets: Target[] = [];
  for (const size of SIZES) targets.push(await start(size));

  // Warm up (JIT, sockets), and find each listing's deep token with one untimed walk.
  for (const target of targets) {
    for (let i = 0; i < WARMUP_CALLS; i++) await timePage(target, undefined);
    await walk(target, false);
    if (!target.deepToken) throw new Error(`no deep token for ${target.size}`);
  }

  // First and deep pages, in alternating blocks.
  for (let block = 0; block < BLOCKS; block++) {
    for (const kind of ["first", "deep"] as const) {
      const order = block % 2 === 0 ? targets : [...targets].reverse();
      for (const target of order) {
        for (let i = 0; i < BLOCK; i++) {
          const page = await timePage(target, kind === "first" ? undefined : target.deepToken);
          if (page.count !== 25) throw new Error(`a ${kind} page of ${target.size} held ${page.count} workspaces`);
          target.samples[kind].push(page.ms);
        }
      }
    }
  }

  // Complete walks: the large fleet once, the small one as often as it takes to serve as many pages (or the minimum).
  const [small, large] = targets as [Target, Target];
  await walk(large, true);
  while (small.samples.walk.length < Math.min(WALK_PAGES_MIN, large.samples.walk.length)) await walk(small, true);

  const rows = targets.flatMap((target) => KINDS.map((kind) => ({ size: target.size, kind, ...summary(target.samples[kind]) })));
  const widths = [12, 6, 7, 12, 10, 18];
  const header = ["workspaces", "page", "pages", "median ms", "p95 ms", "vs 1,000 (median)"];
  console.log(`\nDescribeWorkspaces, one page of 25 through @aws-sdk/client-workspaces over HTTP (node ${process.version})\n`);
  console.log(header.map((h, i) => pad(h, widths[i]!)).join("  "));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  const ratios: Record<Kind, { median: number; p95: number }> = {} as never;
  for (const row of rows) {
    const base = rows.find((r) => r.size === SIZES[0] && r.kind === row.kind)!;
    const ratio = row.median / base.median;
    if (row.size !== SIZES[0]) ratios[row.kind] = { median: ratio, p95: row.p95 / base.p95 };
    const verdict = row.size === SIZES[0] ? "" : `${ratio.toFixed(2)}x ${ratio <= TARGET_RATIO ? "ok" : "OVER"}`;
    console.log(
      [row.size.toLocaleString("en-US"), row.kind, String(row.pages), ms(row.median), ms(row.p95), verdict]
        .map((v, i) => pad(v, widths[i]!))
        .join("  "),
    );
  }
  console.log();
  for (const target of targets) {
    console.log(`startup with ${target.size.toLocaleString("en-US")} workspaces: ${target.startupMs.toFixed(0)} ms`);
  }
  const worst = Math.max(...KINDS.map((k) => ratios[k].median));
  console.log(
    `worst median ratio ${worst.toFixed(2)}x (target within ${TARGET_RATIO}x): ${worst <= TARGET_RATIO ? "within target" : "OVER TARGET"}`,
  );
  console.log(`bench took ${((performance.now() - benchStarted) / 1000).toFixed(1)} s`);

  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/emulator-pagination.json", import.meta.url),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        rows,
        ratios,
        startupMs: Object.fromEntries(targets.map((t) => [t.size, Math.round(t.startupMs)])),
      },
      null,
      2,
    )}\n`,
  );

  for (const target of targets) {
    target.client.destroy();
    await target.emulator.close();
  }
}

await main();
