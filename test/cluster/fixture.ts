// Gateways as deployed behind a load balancer: each a process of its own (`npm start`'s entry point), on one emulator
// through the SDK's standard configuration, sharing one real redis-server through REDIS_URL.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { metricValue } from "../gateway/fixture.ts";
import type { GraphQLResponse } from "../support/graphql.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** One cursor secret for all, as docs/production.md asks of instances behind one load balancer. */
const CURSOR_SECRET = "cluster-test-cursor-secret-0123456789abcdef";

/** createWorkspaces, with what the cluster tests check of its answer. */
export const CREATE = `mutation ($input: CreateWorkspacesInput!) {
  createWorkspaces(input: $input) {
    __typename
    ... on CreateWorkspacesPayload { replayed results { __typename ... on Workspace { workspaceId state } ... on Error { code } } }
    ... on ValidationError { code rule }
  }
}`;

export interface CreateAnswer {
  createWorkspaces: {
    __typename: string;
    replayed?: boolean;
    results?: { __typename: string; workspaceId?: string; code?: string }[];
    rule?: string;
  } | null;
}

export interface ClusterGateway {
  url: string;
  origin: string;
  /** Its JSON log lines so far. */
  logs: Record<string, unknown>[];
  post<T = Record<string, unknown>>(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: GraphQLResponse<T> }>;
  /** A sample of its /metrics, 0 when absent. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** Dies at once (SIGKILL), holding whatever it held: no lease given up, no connection closed. */
  kill(): Promise<void>;
  /** Shuts down as on SIGTERM. */
  close(): Promise<void>;
}

export async function startClusterGateway(
  emulatorUrl: string,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<ClusterGateway> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_NO_WARNINGS: "1",
      NODE_ENV: "test",
      WORKSPACES_BACKEND: "aws",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_WORKSPACES: emulatorUrl,
      AWS_ENDPOINT_URL_STS: emulatorUrl,
      AWS_ACCESS_KEY_ID: "cluster",
      AWS_SECRET_ACCESS_KEY: "cluster",
      PORT: "0",
      LOG_LEVEL: "info",
      CURSOR_SECRET,
      REDIS_URL: redisUrl,
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      logs.push(record);
      if (typeof record.url === "string") resolve(record.url);
    });
    void exited.then(() => reject(new Error(`the gateway exited (${child.exitCode ?? child.signalCode}) before listening`)));
  });
  const origin = new URL(url).origin;
  const stop = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    origin,
    logs,
    async post<T>(body: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as GraphQLResponse<T> };
    },
    async metric(name, labels = {}) {
      const text = await (await fetch(`${origin}/metrics`)).text();
      if (Object.keys(labels).length > 0) return metricValue(text, name, labels);
      const line = text.split("\n").find((l) => l.startsWith(`${name} `));
      return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
    },
    kill: () => stop("SIGKILL"),
    close: () => stop("SIGTERM"),
  };
}

/** Several gateways at once (their start-ups overlap). */
export function startClusterGateways(
  count: number,
  emulatorUrl: string,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<ClusterGateway[]> {
  return Promise.all(Array.from({ length: count }, () => startClusterGateway(emulatorUrl, redisUrl, env)));
}
