// The gateway's settings, from environment variables only (12-factor), checked at start-up.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { ApiKey } from "./auth/api-keys.ts";
import { parseApiKeys } from "./auth/api-keys.ts";
import type { JwtSettings } from "./auth/jwt.ts";
import { DEFAULT_CALL_POLICY, WRITE_ANSWER_GRACE_MS } from "./aws/upstream.ts";
import { ID_LIST_SIZE, REGION_PATTERN, ROLE_ARN_PATTERN } from "./constraints.ts";
import type { EmulatorSettings } from "./emulator/settings.ts";
import { parseSettings } from "./emulator/settings.ts";
import type { CorsSettings } from "./http/cors.ts";
import type { PersistedDocumentsSettings } from "./http/persisted-documents.ts";
import type { MetricsSettings } from "./http/probes.ts";
import type { QueryLimits } from "./http/query-limits.ts";
import type { TracingSettings } from "./http/tracing.ts";
import type { LogLevel } from "./logger.ts";

export interface GatewayConfig {
  port: number;
  host: string;
  production: boolean;
  /** `emulator` runs the embedded emulator; `aws` uses the SDK's standard configuration. */
  backend: "emulator" | "aws";
  /** The regions served, in the order lists walk them. */
  regions: string[];
  /** A role per further account, assumed beside the default credentials' own account. */
  roleArns: string[];
  bundleCacheTtlMs: number;
  cursorSecret: string;
  apiKeys: ApiKey[];
  jwt?: JwtSettings;
  graphiql: boolean;
  introspection: boolean;
  cors: CorsSettings;
  /** Where /metrics is served: a listener of its own, the API's port (open, or behind a token), or nowhere. */
  metrics: MetricsSettings;
  limits: QueryLimits;
  /** Time allowed to receive a whole request. */
  requestTimeoutMs: number;
  /** Time allowed for a request's AWS calls, retries included; then they are aborted. */
  deadlineMs: number;
  /** Attempts per AWS call, first included, in the SDK's standard retry mode. */
  awsMaxAttempts: number;
  /** Time allowed to each STS call (GetCallerIdentity at start, AssumeRole for roles), connecting included. */
  stsTimeoutMs: number;
  /** The AWS budget: calls per second per account and region; 0 means unlimited. */
  awsRateLimit: number;
  /** The least share of the budget, in percent, subscription polling gets while reads wait too. */
  awsPollSharePercent: number;
  /** Each caller's share of the budget over time: AWS calls per second (0 turns quotas off), and at once. */
  callerRateLimit: number;
  callerBurst: number;
  /** Time given to in-flight requests to finish after SIGTERM; then writes still in flight are cut short. */
  shutdownTimeoutMs: number;
  /** After SIGTERM, how long /ready answers 503 while requests are still accepted, so load balancers move away first. */
  shutdownDelayMs: number;
  logLevel: LogLevel;
  /** `pretty`: a banner and readable lines, for a person at a terminal; `json`: one JSON object per line, for machines. */
  logFormat: "json" | "pretty";
  /** How often the subscriptions' polling loop asks AWS about the watched WorkSpaces, at the most. */
  watchPollMs: number;
  /** Open subscriptions, and distinct WorkSpaces they watch, per caller. */
  watchMaxSubscriptions: number;
  watchMaxWorkspaces: number;
  /** Open subscriptions of all callers together, in this gateway. */
  maxSubscriptions: number;
  /** createWorkspaces results kept for idempotency keys, in bytes: in all, and per caller. */
  idempotencyMaxBytes: number;
  idempotencyMaxBytesPerCaller: number;
  /** Redis (or Valkey) holding what several gateways share; none: this gateway alone, all in memory. */
  redisUrl?: string;
  /** Prepended to every Redis key and channel, so several deployments can share one Redis. */
  redisKeyPrefix: string;
  /** The longest a Redis command may take before Redis counts as down (a hung Redis must not hold requests up). */
  redisTimeoutMs: number;
  /** Knobs of the embedded emulator (EMULATOR_*); port 0 picks a free one. */
  emulator: EmulatorSettings;
  /** Absent when tracing is off. */
  tracing?: TracingSettings;
  persistedDocuments?: PersistedDocumentsSettings;
  /** Serve the schema as an Apollo Federation v2 subgraph (`_entities`, `_service`, `@key`s), for a router to compose. */
  federationSubgraph: boolean;
}

/** What SHUTDOWN_TIMEOUT_MS allows beyond a write's deadline and grace: storing its result for its key, answering it. */
const SHUTDOWN_MARGIN_MS = 2_000;

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function jwtSettings(env: NodeJS.ProcessEnv): JwtSettings | undefined {
  if (!env.JWT_JWKS_URL) return undefined;
  let url: URL;
  try {
    url = new URL(env.JWT_JWKS_URL);
  } catch {
    throw new Error(`JWT_JWKS_URL must be a URL, got "${env.JWT_JWKS_URL}"`);
  }
  if (!env.JWT_ISSUER || !env.JWT_AUDIENCE) throw new Error("JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE");
  return {
    jwksUrl: url.href,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    scopeClaim: env.JWT_SCOPE_CLAIM || "scope",
    scopePrefix: env.JWT_SCOPE_PREFIX ?? "",
  };
}

function redisUrl(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REDIS_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error("REDIS_URL must be a URL such as redis://host:6379 or rediss://:password@host:6380");
  }
  // No echo of the value: it may carry a password.
  if (url.protocol !== "redis:" && url.protocol !== "rediss:")
    throw new Error(`REDIS_URL must start with redis:// or rediss://, not ${url.protocol}//`);
  return raw;
}

/** A comma-separated list's entries, trimmed; an empty entry (a stray comma) is refused. */
function list(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const entries = raw.split(",").map((entry) => entry.trim());
  if (entries.includes("")) throw new Error(`${name} has an empty entry: "${raw}"`);
  const repeated = entries.find((entry, i) => entries.indexOf(entry) !== i);
  if (repeated) throw new Error(`${name} names ${repeated} twice`);
  return entries;
}

/** The regions served: as listed, else the SDK's region (AWS_REGION) or the embedded emulator's regions. */
function regionsOf(env: NodeJS.ProcessEnv, backend: "emulator" | "aws", emulator: EmulatorSettings): string[] {
  const listed = list(env, "WORKSPACES_REGIONS");
  if (!listed) {
    if (backend === "emulator") return emulator.regions;
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (!region) throw new Error("WORKSPACES_BACKEND=aws needs AWS_REGION or WORKSPACES_REGIONS (and credentials from the default chain)");
    return [region];
  }
  for (const region of listed) {
    if (!REGION_PATTERN.test(region)) throw new Error(`WORKSPACES_REGIONS: "${region}" is not a region name (such as eu-west-1)`);
    if (backend === "emulator" && !emulator.regions.includes(region)) {
      throw new Error(
        `WORKSPACES_REGIONS names ${region}, which the embedded emulator does not serve (EMULATOR_REGIONS=${emulator.regions.join(",")})`,
      );
    }
  }
  return listed;
}

/** One IAM role per further account: ARNs as IAM writes them, never two in one account. */
function roleArnsOf(env: NodeJS.ProcessEnv): string[] {
  const arns = list(env, "WORKSPACES_ROLE_ARNS") ?? [];
  const accounts = new Map<string, string>();
  for (const arn of arns) {
    const account = ROLE_ARN_PATTERN.exec(arn)?.[1];
    if (!account) throw new Error(`WORKSPACES_ROLE_ARNS: "${arn}" is not an IAM role's ARN (arn:aws:iam::<account>:role/<name>)`);
    const other = accounts.get(account);
    if (other) throw new Error(`WORKSPACES_ROLE_ARNS names two roles in account ${account} (${other}, ${arn}); one role per account`);
    accounts.set(account, arn);
  }
  return arns;
}

/** The embedded emulator serves two regions unless told otherwise, so the first query already spans them. */
const EMBEDDED_REGIONS = "us-east-1,eu-west-1";

/**
 * Tracing is off unless an OTLP endpoint or OTEL_TRACES_EXPORTER=otlp turns it on (the SDK's own default would be on),
 * and OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn it off; only OTLP over HTTP is exported.
 */
function tracingSettings(env: NodeJS.ProcessEnv): TracingSettings | undefined {
  const exporter = env.OTEL_TRACES_EXPORTER || undefined;
  if (flag(env, "OTEL_SDK_DISABLED", false) || exporter === "none") return undefined;
  if (exporter !== undefined && exporter !== "otlp") throw new Error(`OTEL_TRACES_EXPORTER must be otlp or none, got "${exporter}"`);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || (base && `${base.replace(/\/$/, "")}/v1/traces`);
  if (!endpoint && !exporter) return undefined;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf";
  if (protocol !== "http/protobuf" && protocol !== "http/json") {
    throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (gRPC is not exported), got "${protocol}"`);
  }
  if (endpoint && !URL.canParse(endpoint)) throw new Error(`the OTLP endpoint must be a URL, got "${endpoint}"`);
  return { protocol, endpoint: endpoint || "http://localhost:4318/v1/traces" };
}

/** PERSISTED_DOCUMENTS: comma-separated manifests (JSON of document ID to text, as GraphQL Code Generator's client preset and Relay write them). */
function persistedDocuments(env: NodeJS.ProcessEnv): PersistedDocumentsSettings | undefined {
  const only = flag(env, "PERSISTED_DOCUMENTS_ONLY", false);
  const paths = (env.PERSISTED_DOCUMENTS ?? "")
    .split(",")
    .map((path) => path.trim())
    .filter(Boolean);
  if (paths.length === 0) {
    if (only) throw new Error("PERSISTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS, the manifests of the documents to allow");
    return undefined;
  }
  const documents = new Map<string, string>();
  const manifests = new Map<string, string>();
  for (const path of paths) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      throw new Error(`PERSISTED_DOCUMENTS: cannot read ${path} as JSON (${(error as Error).message})`);
    }
    const entries = manifest !== null && typeof manifest === "object" && !Array.isArray(manifest) ? Object.entries(manifest) : [];
    const bad = entries.find(([, text]) => typeof text !== "string" || text.trim() === "");
    if (entries.length === 0 || bad) {
      throw new Error(
        `PERSISTED_DOCUMENTS: ${path} must be a JSON object of document ID to document text${bad ? `; "${bad[0]}" is not` : ""}`,
      );
    }
    for (const [id, text] of entries) {
      if (documents.has(id) && documents.get(id) !== text)
        throw new Error(`PERSISTED_DOCUMENTS: document ID "${id}" has two different texts`);
      documents.set(id, text as string);
      if (!manifests.has(id)) manifests.set(id, path);
    }
  }
  return { documents, manifests, only };
}

/**
 * CORS_ORIGINS: each entry as a browser sends it in Origin (scheme://host[:port], nothing after), or it would never
 * match; "*" is refused, as any web page could then call the gateway from its users' browsers.
 */
function corsOrigins(env: NodeJS.ProcessEnv): string[] {
  const origins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const entry of origins) {
    if (entry === "*") {
      throw new Error(
        'CORS_ORIGINS: "*" is not accepted: list the origins of the frontends that call the gateway (with "*" any web page could call it from its users\' browsers, reaching a gateway on their machine or network)',
      );
    }
    const origin = URL.canParse(entry) ? new URL(entry).origin : "null";
    if (origin !== entry) {
      const hint = origin === "null" ? "" : ` (here "${origin}")`;
      throw new Error(
        `CORS_ORIGINS: "${entry}" is not an origin: each must be http(s)://host[:port], with no path (not even "/"), as browsers send it in the Origin header${hint}`,
      );
    }
  }
  return origins;
}

/** A secret's least length, in bytes: shorter ones could be guessed. */
const MIN_SECRET_BYTES = 32;
const MAKE_SECRET = "make one with: openssl rand -hex 32";

/**
 * METRICS_PORT: /metrics on a listener of its own (METRICS_HOST, loopback unless told), for a scraper beside the
 * gateway; METRICS_TOKEN: on the API's port too, for `Authorization: Bearer <token>`. With neither, /metrics is as
 * open as the API: open on its port only for an open gateway outside production, else not served.
 */
function metricsSettings(env: NodeJS.ProcessEnv, production: boolean, authenticated: boolean): MetricsSettings {
  const token = env.METRICS_TOKEN || undefined;
  if (token !== undefined && Buffer.byteLength(token) < MIN_SECRET_BYTES) {
    throw new Error(`METRICS_TOKEN must be at least ${MIN_SECRET_BYTES} bytes (${MAKE_SECRET})`);
  }
  const port = env.METRICS_PORT ? integer(env, "METRICS_PORT", 0, 65_535) : undefined;
  if (port === undefined && env.METRICS_HOST) throw new Error("METRICS_HOST needs METRICS_PORT, the port of the metrics listener");
  const listener = port === undefined ? undefined : { port, host: env.METRICS_HOST || "127.0.0.1" };
  if (token) return { listener, onApiPort: { token } };
  return { listener, onApiPort: !listener && !production && !authenticated ? "open" : "off" };
}

/**
 * CURSOR_SECRET signs cursors, which every instance behind one load balancer must accept: production needs one set
 * and long; elsewhere a process makes its own.
 */
function cursorSecret(env: NodeJS.ProcessEnv, production: boolean): string {
  const secret = env.CURSOR_SECRET;
  if (production && !secret) {
    throw new Error(
      `NODE_ENV=production needs CURSOR_SECRET, the same on every instance, at least ${MIN_SECRET_BYTES} bytes (${MAKE_SECRET})`,
    );
  }
  if (production && Buffer.byteLength(secret!) < MIN_SECRET_BYTES) {
    throw new Error(`CURSOR_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production (${MAKE_SECRET})`);
  }
  return secret || randomBytes(32).toString("hex");
}

/**
 * The WorkSpaces API called: AWS, or the embedded emulator's invented WorkSpaces. Production must say which, so a
 * deployment that forgot the setting cannot serve made-up data as if it were AWS's.
 */
function backendOf(env: NodeJS.ProcessEnv, production: boolean): "emulator" | "aws" {
  const backend = env.WORKSPACES_BACKEND || (production ? undefined : "emulator");
  if (backend === undefined) {
    throw new Error(
      "NODE_ENV=production needs WORKSPACES_BACKEND=aws (or WORKSPACES_BACKEND=emulator, to serve the embedded emulator's invented WorkSpaces on purpose)",
    );
  }
  if (backend !== "emulator" && backend !== "aws") {
    throw new Error(`WORKSPACES_BACKEND must be "emulator" or "aws", got "${backend}"`);
  }
  return backend;
}

const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
const NODE_ENVS = ["production", "development", "test"] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const nodeEnv = env.NODE_ENV || "development";
  if (!NODE_ENVS.includes(nodeEnv as (typeof NODE_ENVS)[number])) {
    throw new Error(`NODE_ENV must be one of ${NODE_ENVS.join(", ")}, got "${nodeEnv}"`);
  }
  const production = nodeEnv === "production";
  const apiKeys = parseApiKeys(env.GATEWAY_API_KEYS ?? "");
  const jwt = jwtSettings(env);
  if (production && apiKeys.length === 0 && !jwt && !flag(env, "GATEWAY_ALLOW_OPEN", false)) {
    throw new Error(
      "NODE_ENV=production needs GATEWAY_API_KEYS or JWT_JWKS_URL; set GATEWAY_ALLOW_OPEN=true to run without authentication",
    );
  }
  const backend = backendOf(env, production);
  const awsRateLimit = integer(env, "AWS_RATE_LIMIT", 50, 100_000);
  const deadlineMs = integer(env, "REQUEST_DEADLINE_MS", 10_000, 3_600_000, 1);
  const maxCost = integer(env, "MAX_COST", 100, 100_000, 1);
  // A caller must be able to spend at once what one request may cost, or such a request could never run.
  const callerBurst = integer(env, "CALLER_BURST", 2 * maxCost, 10_000_000, maxCost);
  const emulator = { ...parseSettings([], { EMULATOR_REGIONS: EMBEDDED_REGIONS, ...env }), port: integer(env, "EMULATOR_PORT", 0, 65_535) };
  const logLevel = (env.LOG_LEVEL || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got "${logLevel}"`);
  const logFormat = env.LOG_FORMAT || (process.stdout.isTTY ? "pretty" : "json");
  if (logFormat !== "json" && logFormat !== "pretty") throw new Error(`LOG_FORMAT must be json or pretty, got "${logFormat}"`);
  return {
    port: integer(env, "PORT", 4000, 65_535),
    host: env.HOST ?? "127.0.0.1",
    production,
    backend,
    regions: regionsOf(env, backend, emulator),
    roleArns: roleArnsOf(env),
    bundleCacheTtlMs: integer(env, "BUNDLE_CACHE_TTL_MS", 5 * 60_000, 86_400_000),
    cursorSecret: cursorSecret(env, production),
    apiKeys,
    jwt,
    graphiql: flag(env, "GRAPHIQL", !production),
    introspection: flag(env, "INTROSPECTION", !production),
    // Outside production, frontends' dev servers (Vite's http://localhost:5173) can call a local gateway as they are.
    cors: { origins: corsOrigins(env), localhost: flag(env, "CORS_ALLOW_LOCALHOST", !production) },
    metrics: metricsSettings(env, production, apiKeys.length > 0 || jwt !== undefined),
    limits: {
      depth: integer(env, "MAX_DEPTH", 12, 1_000, 1),
      aliases: integer(env, "MAX_ALIASES", 20, 10_000),
      tokens: integer(env, "MAX_TOKENS", 3_000, 1_000_000, 1),
      directives: integer(env, "MAX_DIRECTIVES", 20, 10_000),
      cost: maxCost,
      batch: integer(env, "MAX_BATCH", 10, 1_000, 1),
      bodyBytes: integer(env, "MAX_BODY_BYTES", 256 * 1024, 100 * 1024 * 1024, 1),
      fields: integer(env, "MAX_FIELDS", 1_000, 100_000, 1),
      fieldPairs: integer(env, "MAX_FIELD_PAIRS", 2_000, 10_000_000, 1),
      // As many as nodes(ids:) can look up within MAX_COST (25 IDs a call): the longest list any field needs.
      listItems: integer(env, "MAX_LIST_ITEMS", maxCost * ID_LIST_SIZE.max, 10_000_000, 1),
    },
    requestTimeoutMs: integer(env, "REQUEST_TIMEOUT_MS", 30_000, 3_600_000, 1),
    deadlineMs,
    awsMaxAttempts: integer(env, "AWS_MAX_ATTEMPTS", DEFAULT_CALL_POLICY.maxAttempts, 20, 1),
    stsTimeoutMs: integer(env, "STS_TIMEOUT_MS", 3_000, 600_000, 1),
    awsRateLimit,
    awsPollSharePercent: integer(env, "AWS_POLL_SHARE_PERCENT", 20, 90, 1),
    callerRateLimit: integer(env, "CALLER_RATE_LIMIT", Math.ceil(awsRateLimit / 2), 100_000),
    callerBurst,
    // As long as a write may take (its deadline, then the grace for AWS's answer), and time to store and answer it.
    shutdownTimeoutMs: integer(env, "SHUTDOWN_TIMEOUT_MS", deadlineMs + WRITE_ANSWER_GRACE_MS + SHUTDOWN_MARGIN_MS, 3_600_000),
    shutdownDelayMs: integer(env, "SHUTDOWN_DELAY_MS", production ? 5_000 : 0, 600_000),
    logLevel,
    logFormat,
    // At least a second between ticks: polling faster would spend AWS's rate limit for little news.
    watchPollMs: integer(env, "WATCH_POLL_MS", 5_000, 3_600_000, 1_000),
    watchMaxSubscriptions: integer(env, "WATCH_MAX_SUBSCRIPTIONS", 20, 100_000, 1),
    watchMaxWorkspaces: integer(env, "WATCH_MAX_WORKSPACES", 500, 1_000_000, 1),
    maxSubscriptions: integer(env, "MAX_SUBSCRIPTIONS", 1_000, 1_000_000, 1),
    idempotencyMaxBytes: integer(env, "IDEMPOTENCY_MAX_BYTES", 64 * 1024 * 1024, 2 ** 40, 1),
    idempotencyMaxBytesPerCaller: integer(env, "IDEMPOTENCY_MAX_BYTES_PER_CALLER", 8 * 1024 * 1024, 2 ** 40, 1),
    redisUrl: redisUrl(env),
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? "workspaces-gateway:",
    redisTimeoutMs: integer(env, "REDIS_TIMEOUT_MS", 1_000, 60_000, 1),
    emulator,
    tracing: tracingSettings(env),
    persistedDocuments: persistedDocuments(env),
    federationSubgraph: flag(env, "FEDERATION_SUBGRAPH", false),
  };
}
