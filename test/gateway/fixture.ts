// A real gateway over HTTP on a real emulator, and a typed client for the documents codegen generated.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Workspace } from "@aws-sdk/client-workspaces";
import { paginateDescribeWorkspaces, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import type { PartitionRef } from "../../src/aws/fleet.ts";
import { Fleet, Partition } from "../../src/aws/fleet.ts";
import { Upstream } from "../../src/aws/upstream.ts";
import type { GatewayConfig } from "../../src/config.ts";
import { loadConfig } from "../../src/config.ts";
import type { EmulatorSettings, RunningEmulator } from "../../src/emulator/index.ts";
import { DEFAULT_ACCOUNT_ID, startEmulator } from "../../src/emulator/index.ts";
import type { Logger } from "../../src/logger.ts";
import type { RunningGateway } from "../../src/server.ts";
import { createGatewayHandler, startGateway } from "../../src/server.ts";
import { createBundleCache } from "../../src/shared/bundle-cache/memory.ts";
import { IdempotencyStore } from "../../src/shared/idempotency/memory.ts";
import type { Schedule } from "../../src/watch/workspace-watch.ts";
import { WorkspaceWatch } from "../../src/watch/workspace-watch.ts";
import type { GraphQLResponse } from "../support/graphql.ts";

/** A plain SDK client on the emulator: a second client, independent of the gateway's own. */
export function sdkClientFor(emulator: RunningEmulator): WorkSpacesClient {
  return new WorkSpacesClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
}

export interface TestGateway extends RunningGateway {
  /** A plain SDK client on the gateway's emulator, to see what AWS holds without going through the gateway. */
  client: WorkSpacesClient;
  execute<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>>;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Calls the emulator received, by operation, since the last reset. */
  awsCalls(): Promise<Record<string, number>>;
  resetAwsCalls(): Promise<void>;
  /** The gateway's origin (scheme, host and port), where /health is served, and /metrics unless it has a listener of its own. */
  origin: string;
  /** The text of GET /metrics, wherever it is served. */
  metrics(): Promise<string>;
}

/** The emulator's default partition: its default account in the first region, where the seed's own IDs are. */
export const HOME: PartitionRef = { accountId: DEFAULT_ACCOUNT_ID, region: "us-east-1" };

/** A Relay global ID, as the gateway makes them: base64 of `Type:<account>/<region>/<id>`. */
export const globalId = (type: string, id: string, partition: PartitionRef = HOME) =>
  Buffer.from(`${type}:${partition.accountId}/${partition.region}/${id}`).toString("base64");

/** Every workspace, in listing order, read through the SDK client directly (so not through the gateway's schema). */
export async function sdkWorkspaces(client: WorkSpacesClient): Promise<Workspace[]> {
  const all: Workspace[] = [];
  for await (const page of paginateDescribeWorkspaces({ client }, {})) all.push(...(page.Workspaces ?? []));
  return all;
}

/** The value of a counter or gauge sample in Prometheus text, 0 when absent. */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  const labelText = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labelText}} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(" ") + 1));
}

/**
 * The gateway on its embedded emulator. One region unless the emulator settings name more (the gateway then serves
 * each of them unless `overrides.regions` says otherwise), so a test that is not about partitions needs none.
 */
export async function startTestGateway(
  emulator: Partial<EmulatorSettings> = {},
  overrides: Partial<GatewayConfig> = {},
  logger?: Logger,
): Promise<TestGateway> {
  const base = loadConfig({});
  const emulatorSettings = { ...base.emulator, port: 0, workspaces: 60, regions: ["us-east-1"], ...emulator };
  const gateway = await startGateway(
    {
      ...base,
      port: 0,
      logLevel: "silent",
      // Tests send from one caller far more than a person would; the fairness tests turn quotas on.
      callerRateLimit: 0,
      regions: emulatorSettings.regions,
      ...overrides,
      emulator: emulatorSettings,
    },
    logger,
  );
  // What start-up asked (STS GetCallerIdentity) is no test's business.
  gateway.emulator!.resetStats();
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const emulatorUrl = gateway.emulator!.url;
  const origin = new URL(gateway.url).origin;
  const client = sdkClientFor(gateway.emulator!);
  return {
    ...gateway,
    client,
    close: async () => {
      client.destroy();
      await gateway.close();
    },
    post,
    origin,
    async metrics() {
      const response = await fetch(gateway.metricsUrl ?? `${origin}/metrics`);
      return response.text();
    },
    async execute(document, variables) {
      const response = await post({ query: print(document), variables });
      return (await response.json()) as GraphQLResponse<never>;
    },
    async awsCalls() {
      const response = await fetch(`${emulatorUrl}/_emulator/stats`);
      return ((await response.json()) as { requests: Record<string, number> }).requests;
    },
    async resetAwsCalls() {
      await fetch(`${emulatorUrl}/_emulator/reset-stats`, { method: "POST" });
    },
  };
}

export interface ClockedGateway {
  url: string;
  /** A plain SDK client on the emulator, beside the gateway's own. */
  client: WorkSpacesClient;
  emulator: RunningEmulator;
  /** Milliseconds since the epoch, read by both the gateway and the emulator; move it by hand. */
  clock: { now: number };
  /** The subscriptions' polling loop, on the fake clock. */
  watch: WorkspaceWatch;
  execute<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>>;
  close(): Promise<void>;
}

/**
 * The gateway's own handler, client, bundle cache and watch on an emulator, all reading one fake clock, so tests
 * can move time by hours (startGateway takes no clock). Assembled as startGateway assembles them; `schedule` lets
 * a test fire the watch's ticks itself.
 */
export async function startClockedGateway(
  emulatorSettings: Partial<EmulatorSettings> = {},
  options: { cursorSecret?: string; bundleCacheTtlMs?: number; start?: number; schedule?: Schedule } = {},
): Promise<ClockedGateway> {
  const clock = { now: options.start ?? Date.UTC(2025, 0, 1) };
  const now = () => clock.now;
  const emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 60, ...emulatorSettings, clock: now });
  const client = sdkClientFor(emulator);
  const upstream = new Upstream({
    endpoint: emulator.url,
    region: HOME.region,
    credentials: { accessKeyId: "emulator", secretAccessKey: "emulator" },
  });
  const bundleCache = createBundleCache(options.bundleCacheTtlMs ?? 5 * 60_000, now);
  const fleet = new Fleet([new Partition(HOME.accountId, HOME.region, upstream, bundleCache)]);
  const watch = new WorkspaceWatch(fleet, { intervalMs: 5_000, clock: now, schedule: options.schedule });
  const yoga = createGatewayHandler(
    {
      fleet,
      cursorSecret: options.cursorSecret ?? "test-secret",
      idempotency: new IdempotencyStore({ clock: now }),
      watch,
      clock: now,
    },
    // As startTestGateway: one test client sends what many people would, so quotas are off.
    { ...loadConfig({}), logLevel: "silent", callerRateLimit: 0 },
  );
  const server = createServer((request, response) => yoga(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return {
    url,
    client,
    emulator,
    clock,
    watch,
    async execute(document, variables) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
    async close() {
      watch.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      client.destroy();
      fleet.destroy();
      await emulator.close();
    },
  };
}

/** The settings the gateway reads from these environment variables, as overrides for startTestGateway. */
export function settingsFrom(env: NodeJS.ProcessEnv): Partial<GatewayConfig> {
  // No pre-stop delay: a test's gateway closes at once; the regions are the test's emulator's.
  const {
    port: _port,
    emulator: _emulator,
    regions: _regions,
    logLevel: _logLevel,
    shutdownDelayMs: _delay,
    ...settings
  } = loadConfig(env);
  return settings;
}

const AWS_ENVIRONMENT = [
  "AWS_ENDPOINT_URL_WORKSPACES",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_PROFILE",
] as const;
const savedAwsEnvironment = Object.fromEntries(AWS_ENVIRONMENT.map((key) => [key, process.env[key]]));

/** The SDK's standard variables, as an operator sets them, pointing WORKSPACES_BACKEND=aws at `endpoint`. */
export function useAwsEnvironment(endpoint: string) {
  for (const key of AWS_ENVIRONMENT) delete process.env[key];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_WORKSPACES: endpoint,
    AWS_ENDPOINT_URL_STS: endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "standalone",
    AWS_SECRET_ACCESS_KEY: "standalone",
  });
}

export function restoreAwsEnvironment() {
  for (const key of AWS_ENVIRONMENT) {
    if (savedAwsEnvironment[key] === undefined) delete process.env[key];
    else process.env[key] = savedAwsEnvironment[key];
  }
}
