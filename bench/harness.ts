// What the sections of `npm run bench` share beside the child processes (test/support/processes.ts): GraphQL over
// HTTP, the emulator's call counts, and the statistics of the figures.
import { Agent } from "node:http";
import { DescribeWorkspacesCommand, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { postJson } from "../test/support/post-json.ts";
import { BENCH_KEY } from "../test/support/processes.ts";

interface GraphQLBody<T> {
  data?: T;
  errors?: unknown[];
}

// Kept alive, as the AWS SDK's: fetch costs about 0.4 ms more per request here.
const agent = new Agent({ keepAlive: true });

export function post(url: string, body: string, key = BENCH_KEY): Promise<{ status: number; text: string }> {
  return postJson(url, body, { agent, headers: { authorization: `Bearer ${key}` } });
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

/** The WorkSpaces' IDs, read from the emulator directly, so that finding them costs the gateway nothing. */
export async function workspaceIdsOf(emulatorUrl: string): Promise<string[]> {
  const client = new WorkSpacesClient({
    endpoint: emulatorUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new DescribeWorkspacesCommand({ NextToken: token }));
    ids.push(...(page.Workspaces ?? []).map((w) => w.WorkspaceId!));
    token = page.NextToken;
  } while (token);
  client.destroy();
  return ids;
}
