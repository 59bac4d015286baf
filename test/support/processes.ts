// Servers run as child processes, for the bench and the tests that need a process of its own (so what is measured
// has an event loop and a heap of its own): the emulator, and the gateway as deployed.

import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

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

/** What the bench's gateways take for /metrics, which production serves only to its operators. */
const METRICS_TOKEN = "bench-metrics-token-0123456789abcdef";

/** The text of a gateway process's GET /metrics. */
export async function scrapeMetrics(gateway: ChildServer): Promise<string> {
  const response = await fetch(new URL("/metrics", gateway.url), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}

/** The gateway as deployed (`npm start`), on the emulator through the SDK's standard configuration. */
export function startGatewayProcess(emulatorUrl: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<ChildServer> {
  return startChild("src/main.ts", {
    // With an API key and a cursor secret, as production requires; no AWS rate limit, which would cap the gateway at its rate.
    env: {
      WORKSPACES_BACKEND: "aws",
      ...awsEnv(emulatorUrl),
      PORT: "0",
      GATEWAY_API_KEYS: `${BENCH_KEY}:read+write`,
      CURSOR_SECRET: "bench-cursor-secret-0123456789abcdef",
      METRICS_TOKEN,
      AWS_RATE_LIMIT: "0",
      ...env,
    },
    nodeArgs,
  });
}
