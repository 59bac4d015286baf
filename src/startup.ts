// What a person starting the gateway reads: where it listens and what it is backed by, or in one line why it could not
// listen, naming the setting to change.
import type { GatewayConfig } from "./config.ts";

/** The WorkSpaces API the gateway calls: the embedded emulator, an endpoint the SDK was pointed at, or AWS. */
export function describeBackend(config: Pick<GatewayConfig, "backend" | "regions">, emulatorUrl?: string, env = process.env): string {
  if (config.backend === "emulator") return `the embedded WorkSpaces emulator at ${emulatorUrl}`;
  const regions = config.regions.join(", ");
  const endpointSetting = ["AWS_ENDPOINT_URL_WORKSPACES", "AWS_ENDPOINT_URL"].find((name) => env[name]);
  if (endpointSetting) {
    return `WorkSpaces at ${env[endpointSetting]} (${endpointSetting}), ${config.regions.length > 1 ? "regions" : "region"} ${regions}`;
  }
  return `AWS WorkSpaces in ${regions}`;
}

/** The banner on a terminal: the address to open, what answers behind it (each account and region), and what is on. */
export function banner(
  url: string,
  backend: string,
  config: Pick<GatewayConfig, "graphiql" | "tracing" | "persistedDocuments" | "federationSubgraph">,
  partitions: readonly string[],
  metricsUrl?: string,
): string {
  const documents = config.persistedDocuments;
  const lines = [
    "",
    "  WorkSpaces gateway",
    "",
    config.graphiql ? `  GraphiQL   ${url}` : `  GraphQL    ${url} (GraphiQL off)`,
    `  Backend    ${backend}`,
    `  Partitions ${partitions.join(", ")}`,
    ...(metricsUrl ? [`  Metrics    ${metricsUrl}`] : []),
    ...(config.tracing ? [`  Tracing    OTLP (${config.tracing.protocol}) to ${config.tracing.endpoint}`] : []),
    ...(config.federationSubgraph ? ["  Subgraph   Apollo Federation v2 (_service, _entities)"] : []),
    ...(documents
      ? [`  Documents  ${documents.documents.size} persisted${documents.only ? ", and only these (adhoc scope excepted)" : ""}`]
      : []),
    "",
    "",
  ];
  return lines.join("\n");
}

/** getaddrinfo's codes for a name it could not resolve (no such name; no answer from DNS). */
const UNRESOLVED = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME"]);

/** The setting of the listener (the API's, the embedded emulator's or the metrics') whose port or host failed. */
function listenerSetting(value: unknown, api: unknown, settings: [name: string, value: unknown][], apiSetting: string): string {
  if (value === api) return apiSetting;
  return settings.find(([, own]) => own === value)?.[0] ?? apiSetting;
}

/**
 * One line saying which setting to change when the gateway (or its embedded emulator, or its metrics listener) cannot
 * listen; else undefined.
 */
export function listenFailure(error: unknown, config: Pick<GatewayConfig, "port" | "host" | "emulator" | "metrics">): string | undefined {
  const { code, port, hostname, address } = error as { code?: string; port?: number; hostname?: string; address?: string };
  const { listener } = config.metrics;
  const setting = listenerSetting(
    port,
    config.port,
    [
      ["EMULATOR_PORT", config.emulator.port],
      ["METRICS_PORT", listener?.port],
    ],
    "PORT",
  );
  const host = hostname ?? address ?? config.host;
  const hostSetting = listenerSetting(
    host,
    config.host,
    [
      ["EMULATOR_HOST", config.emulator.host],
      ["METRICS_HOST", listener?.host],
    ],
    "HOST",
  );
  if (code !== undefined && UNRESOLVED.has(code)) {
    return `${hostSetting}=${host} is neither an IP address nor a name that resolves (${code}): set ${hostSetting} to an address of this machine (127.0.0.1, or 0.0.0.0 for all).`;
  }
  switch (code) {
    case "EADDRINUSE":
      return `Port ${port} is in use: set ${setting} to a free port (${setting}=${port! + 1}), or stop what listens there.`;
    case "EACCES":
      return `Port ${port} needs privileges this process does not have: set ${setting} to a port above 1023.`;
    case "EADDRNOTAVAIL":
      return `${hostSetting}=${host} is not an address of this machine: set ${hostSetting} to one of its addresses, or 0.0.0.0 for all.`;
    default:
      return undefined;
  }
}
