// What the sections of `npm run bench` share: servers run as child processes (so what is measured has an event loop
// and a heap of its own), GraphQL over HTTP, the emulator's call counts, and the statistics of the figures.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface ChildServer {
  /** Where it listens, as it prints it: a GraphQL endpoint, or the emulator's base URL. */
  url: string;
  pid: number;
  /** Resident set size now, in MB (Linux: read from /proc). */
  rssMb(): number;
  close(): Promise<void>;
}

const children = new Set<ChildProcess>();
// A bench that fails midway must not leave servers running.
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/**
 * Runs a TypeScript entry point under node (not the tsx CLI, whose extra process would hide the server's pid) and
 * waits for it to print where it listens.
 */
export async function startChild(
  script: string,
  options: { env?: Record<string, string>; args?: string[]; nodeArgs?: string[] } = {},
): Promise<ChildServer> {
  const { env = {}, args = [], nodeArgs = [] } = options;
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
    cwd: ROOT,
    // As deployed: graphql-js (in every server here) skips its development checks in production.
    env: { ...process.env, NODE_NO_WARNINGS: "1", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      children.delete(child);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const match = / on (http:\/\/[^\s/]+(?:\/graphql)?)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`${script} exited (${child.exitCode ?? child.signalCode}) before listening`)));
  });
  return {
    url,
    pid: child.pid!,
    rssMb: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024,
    close: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The emulator on its own (`npm run emulator`), so that reaching it crosses a process boundary, as reaching AWS does;
 * `workspaces` in every account of each of `regions`.
 */
export function startEmulatorProcess(workspaces: number, latencyMs = 0, regions: readonly string[] = ["us-east-1"]): Promise<ChildServer> {
  const args = ["--port", "0", "--workspaces", String(workspaces), "--latency-ms", String(latencyMs), "--seed", "1"];
  return startChild("src/emulator/cli.ts", { args: [...args, "--regions", regions.join(",")] });
}

/** The SDK's standard configuration (environment variables), pointing at an emulator. */
export const awsEnv = (emulatorUrl: string) => ({
  AWS_REGION: "us-east-1",
  AWS_ENDPOINT_URL_WORKSPACES: emulatorUrl,
  // The gateway asks STS whose the keys are: the emulator answers for it too.
  AWS_ENDPOINT_URL_STS: emulatorUrl,
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
});

/** The key every bench client sends (servers without authentication ignore it). */
export const BENCH_KEY = "bench-key-0123456789abcdef";
export const AUTHORIZATION = { authorization: `Bearer ${BENCH_KEY}` };

/** The gateway as deployed (`npm start`), on the emulator through the SDK's standard configuration. */
export function startGatewayProcess(emulatorUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ChildServer> {
  return startChild("src/main.ts", {
    // With an API key, as production requires; no AWS rate limit, which would cap the gateway at its rate.
    env: {
      WORKSPACES_BACKEND: "aws",
      ...awsEnv(emulatorUrl),
      PORT: "0",
      GATEWAY_API_KEYS: `${BENCH_KEY}:read+write`,
      AWS_RATE_LIMIT: "0",
      ...env,
    },
    nodeArgs,
  });
}

interface GraphQLBody<T> {
  data?: T;
  errors?: unknown[];
}

// node:http with keep-alive, as the AWS SDK uses it, so a timed GraphQL request carries no more client overhead than
// a timed SDK call (fetch costs about 0.4 ms more per request here).
const agent = new Agent({ keepAlive: true });

function post(url: string, body: string, key = BENCH_KEY): Promise<{ status: number; text: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path: pathname,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${key}` },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        response.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The data of a GraphQL response; any error fails the bench, since its figures would not mean what they say. */
export async function graphql<T>(url: string, query: string, variables?: Record<string, unknown>): Promise<T> {
  const { status, text } = await post(url, JSON.stringify({ query, variables }));
  const body = JSON.parse(text) as GraphQLBody<T>;
  if (status !== 200 || body.errors || !body.data) throw new Error(`GraphQL ${status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** A GraphQL request under `key`, answered or not: its HTTP status and its errors' codes. */
export async function postGraphQL(url: string, body: string, key: string): Promise<{ status: number; errors: string[] }> {
  const { status, text } = await post(url, body, key);
  const { errors = [] } = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
  return { status, errors: errors.map((error) => error.extensions?.code ?? "(none)") };
}

/** Calls the emulator served since the last reset, by operation, from its stats endpoint. */
export async function awsCalls(emulatorUrl: string): Promise<Record<string, number>> {
  const response = await fetch(`${emulatorUrl}/_emulator/stats`);
  return ((await response.json()) as { requests: Record<string, number> }).requests;
}

/** The same by the caller's partition, `<account>/<region>`. */
export async function awsCallsByPartition(emulatorUrl: string): Promise<Record<string, Record<string, number>>> {
  const response = await fetch(`${emulatorUrl}/_emulator/stats`);
  return ((await response.json()) as { partitions: Record<string, Record<string, number>> }).partitions;
}

export async function resetAwsCalls(emulatorUrl: string): Promise<void> {
  await fetch(`${emulatorUrl}/_emulator/reset-stats`, { method: "POST" });
}

export const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, n) => sum + n, 0);

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (samples: number[]) => percentile(samples, 50);

export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

export type Cell = string | number;

/** One table of the report: rows of named cells; a row with a target says whether it was met. */
export interface SectionResult {
  title: string;
  rows: Record<string, Cell>[];
  notes: string[];
}

export const verdict = (met: boolean) => (met ? "PASS" : "MISS");
