// The gateway: graphql-yoga over the schema, one fleet of partitions (an upstream to AWS for each account and region)
// per process, a session of loaders per request.
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import type { GraphQLSchema } from "graphql";
import type { Plugin } from "graphql-yoga";
import { createYoga } from "graphql-yoga";
import type { Authenticator } from "./auth/authenticator.ts";
import { createAuthenticator } from "./auth/authenticator.ts";
import { connectFleet } from "./aws/accounts.ts";
import type { Fleet } from "./aws/fleet.ts";
import type { Services } from "./aws/session.ts";
import { AwsSession } from "./aws/session.ts";
import type { GatewayConfig } from "./config.ts";
import { loadConfig } from "./config.ts";
import type { RunningEmulator } from "./emulator/index.ts";
import { startEmulator } from "./emulator/index.ts";
import { useAdmission } from "./http/admission.ts";
import { principalOf, useAuthentication } from "./http/authentication.ts";
import { useBodyLimit } from "./http/body-limit.ts";
import { useClientErrors } from "./http/client-errors.ts";
import { OriginPolicy, useCors } from "./http/cors.ts";
import { useErrorLimit } from "./http/error-limit.ts";
import { useGraphiQL } from "./http/graphiql.ts";
import { useListLimits } from "./http/list-limits.ts";
import { useMultipartSubscriptions } from "./http/multipart-subscriptions.ts";
import { checkPersistedDocuments, usePersistedDocuments } from "./http/persisted-documents.ts";
import type { ReadinessState } from "./http/probes.ts";
import { serveMetrics, useMetrics, useReadiness } from "./http/probes.ts";
import { useQueryLimits } from "./http/query-limits.ts";
import { AwsReadiness } from "./http/readiness.ts";
import { alreadyLogged, logRequests, useRequestRecord } from "./http/request-log.ts";
import { useSubscriptionEvents } from "./http/subscription-events.ts";
import { serveWebSocket } from "./http/websocket.ts";
import type { Logger } from "./logger.ts";
import { createLogger } from "./logger.ts";
import { registry } from "./metrics.ts";
import type { GatewayContext } from "./schema/builder.ts";
import { expectedCode, maskError } from "./schema/errors.ts";
import { subgraphSchema } from "./schema/federation.ts";
import { schema } from "./schema/index.ts";
import type { BundleCache } from "./shared/bundle-cache/bundle-cache.ts";
import { createBundleCache } from "./shared/bundle-cache/memory.ts";
import { IdempotencyStore } from "./shared/idempotency/memory.ts";
import type { PermitSource } from "./shared/permits/permits.ts";
import { CallerQuotas } from "./shared/quotas/memory.ts";
import type { Quotas } from "./shared/quotas/quotas.ts";
import { WorkspaceWatch } from "./watch/workspace-watch.ts";

/** GraphiQL's default document: the console's main screen. */
export const DEFAULT_QUERY = `# The console's main screen: WorkSpaces of every region and account served, with name, state, protocol, connection
# status, bundle and directory. Every partition (an account in a region) is asked at once: a page of 25 costs one
# DescribeWorkspaces per partition, then one call of each lookup (DescribeWorkspacesConnectionStatus,
# DescribeWorkspaceDirectories, DescribeWorkspaceBundles: none once bundles are cached) per partition on the page.
# Pass endCursor as $after for the next page; a partition that could not answer is in missingPartitions, with why.
query ConsoleMainScreen($first: Int = 25, $after: String) {
  workspaces(first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        region
        accountId
        workspaceId
        workspaceName
        userName
        state
        workspaceProperties { runningMode computeTypeName protocols }
        modificationStates { resource state }
        connectionStatus { connectionState lastKnownUserConnectionTimestamp }
        bundle { name computeType { name } }
        directory { directoryId alias workspaceDirectoryName }
      }
    }
    pageInfo { endCursor }
    missingPartitions { region accountId code message }
  }
}
`;

export type HandlerSettings = Pick<
  GatewayConfig,
  | "apiKeys"
  | "jwt"
  | "graphiql"
  | "introspection"
  | "cors"
  | "metrics"
  | "limits"
  | "deadlineMs"
  | "logLevel"
  | "callerRateLimit"
  | "callerBurst"
  | "persistedDocuments"
  | "federationSubgraph"
>;

/** Mutations cannot be sent by GET, so only other methods need proof that a page did not forge them. */
function useCsrfPreventionForPosts(): Plugin {
  const csrf = useCSRFPrevention();
  return {
    onRequestParse(payload) {
      if (payload.request.method !== "GET") return csrf.onRequestParse?.(payload);
    },
  };
}

let subgraph: GraphQLSchema | undefined;

/** The schema served: the gateway's, or the same as a federation subgraph (built once). */
function servedSchema(settings: Pick<GatewayConfig, "federationSubgraph">): GraphQLSchema {
  if (!settings.federationSubgraph) return schema;
  subgraph ??= subgraphSchema();
  return subgraph;
}

export function createGatewayHandler(
  services: Services,
  settings: HandlerSettings = loadConfig({}),
  logger?: Logger,
  probes?: ReadinessState,
  quotas: Quotas = new CallerQuotas(settings.callerRateLimit, settings.callerBurst),
  authenticator: Authenticator = createAuthenticator(settings),
  origins = new OriginPolicy(settings.cors, logger ?? createLogger(settings.logLevel)),
  tracing?: Plugin,
) {
  const log = logger ?? createLogger(settings.logLevel);
  const { limits } = settings;
  const sessionFor = (request: Request) =>
    new AwsSession(services, { caller: principalOf(request).id, signal: request.signal, deadlineMs: settings.deadlineMs });
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema: servedSchema(settings),
    graphqlEndpoint: "/graphql",
    landingPage: false,
    // Served by useGraphiQL, compressed and cached.
    graphiql: false,
    // AWS's failures become their typed errors; anything else unexpected reads "Unexpected error." whatever NODE_ENV says.
    maskedErrors: { isDev: false, maskError },
    logging: {
      debug: (...args) => log.debug(args),
      info: (...args) => log.info(args),
      warn: (...args) => log.warn(args),
      error: (error) => {
        if (!alreadyLogged(error) && expectedCode(error) === undefined) log.error({ err: error }, "unexpected error");
      },
    },
    // No cross-origin access unless the origin is allowed: see useCors.
    cors: false,
    batching: { limit: limits.batch },
    // A persisted document's ID, in a JSON body (GET parameters are read by usePersistedDocuments).
    extraParamNames: settings.persistedDocuments ? ["documentId"] : [],
    // Our body limit checks a declared Content-Length alone: yoga's counts every body as it streams (a tenth of the CPU).
    maxRequestBodySize: false,
    plugins: [
      settings.graphiql && useGraphiQL({ title: "WorkSpaces gateway", defaultQuery: DEFAULT_QUERY }),
      useCors(origins),
      ...(probes ? [useReadiness(probes)] : []),
      useMetrics(registry, settings.metrics.onApiPort),
      useErrorLimit(),
      useRequestRecord(log),
      ...(tracing ? [tracing] : []),
      useAuthentication(authenticator),
      settings.persistedDocuments !== undefined && usePersistedDocuments(settings.persistedDocuments),
      useBodyLimit(limits.bodyBytes),
      useCsrfPreventionForPosts(),
      useClientErrors({ hideSuggestions: !settings.introspection }),
      useQueryLimits(limits),
      useListLimits(limits.listItems),
      useAdmission({ maxCost: limits.cost, quotas }),
      !settings.introspection && useDisableIntrospection(),
      useMultipartSubscriptions(),
      // Each event of a subscription runs with the session of the watch's fetch it came from, shared by every
      // subscriber (loaders batched across them, a deadline of its own), and is charged its lookups.
      useSubscriptionEvents({ services, deadlineMs: settings.deadlineMs, quotas }),
    ],
    context: ({ request }) => ({ principal: principalOf(request), aws: sessionFor(request) }),
  });
}

export interface RunningGateway {
  url: string;
  /** /metrics on its own listener (METRICS_PORT), when it has one. */
  metricsUrl?: string;
  /** The partitions served, in the order lists walk them. */
  fleet: Fleet;
  /** The polling loop behind subscriptions. */
  watch: WorkspaceWatch;
  emulator?: RunningEmulator;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then releases everything. */
  close(): Promise<void>;
}

/** How the fleet's partitions take their budget and keep their bundles: alone, or shared through Redis. */
interface Sharing {
  permits?: PermitSource;
  bundleCacheOf(partition: string): BundleCache;
}

async function connect(config: GatewayConfig, sharing: Sharing): Promise<{ fleet: Fleet; emulator?: RunningEmulator }> {
  const settings = {
    regions: config.regions,
    roleArns: config.roleArns,
    stsTimeoutMs: config.stsTimeoutMs,
    policy: {
      maxAttempts: config.awsMaxAttempts,
      rateLimit: config.awsRateLimit,
      pollShare: config.awsPollSharePercent / 100,
      permits: sharing.permits,
    },
    bundleCacheOf: sharing.bundleCacheOf,
  };
  // On AWS, endpoints (AWS_ENDPOINT_URL_WORKSPACES, AWS_ENDPOINT_URL_STS) and credentials come from the SDK's standard chain.
  if (config.backend === "aws") return { fleet: await connectFleet(settings) };
  const emulator = await startEmulator(config.emulator);
  try {
    const credentials = { accessKeyId: "emulator", secretAccessKey: "emulator" };
    return { fleet: await connectFleet({ ...settings, emulator: { endpoint: emulator.url, credentials } }), emulator };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

const SHUTDOWN_CUT = "shutdown timeout reached: writes still in flight are cut short, their outcome unknown";

/** Time a write cut short by the shutdown has to store its result for its key and be answered. */
const CUT_ANSWER_MS = 1_000;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

const EMULATED = "WORKSPACES_BACKEND=emulator in production: the gateway serves the embedded emulator's invented WorkSpaces, not AWS's";

const DEGRADED =
  "Redis is unreachable: this gateway runs on its share of the AWS budget and polls its own subscriptions, and refuses creates with an idempotencyKey";

/**
 * Redis, when REDIS_URL names one, with the cluster's classes: loaded only then, as ioredis weighs on every start-up.
 * The gateway starts on local fallbacks if Redis does not answer within 3 s.
 */
async function connectShared(config: GatewayConfig, logger: Logger) {
  if (!config.redisUrl) return undefined;
  const [{ SharedRedis }, { ClusterPermits }, { ClusterBundleCache }, { ClusterWatch }, { ClusterIdempotencyStore }, { ClusterQuotas }] =
    await Promise.all([
      import("./shared/redis.ts"),
      import("./shared/permits/redis.ts"),
      import("./shared/bundle-cache/redis.ts"),
      import("./shared/watch-lease/redis.ts"),
      import("./shared/idempotency/redis.ts"),
      import("./shared/quotas/redis.ts"),
    ]);
  const redis = new SharedRedis(config.redisUrl, config.redisKeyPrefix, logger, config.redisTimeoutMs);
  if (!(await redis.started(3_000))) logger.warn("Redis does not answer yet: starting on local fallbacks, shared once it does");
  return { redis, ClusterPermits, ClusterBundleCache, ClusterWatch, ClusterIdempotencyStore, ClusterQuotas };
}

export async function startGateway(config: GatewayConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningGateway> {
  if (config.persistedDocuments) checkPersistedDocuments(config.persistedDocuments, servedSchema(config));
  // The OpenTelemetry SDK and envelop's plugin load only when OTEL_* turns tracing on, as ioredis only for Redis.
  const tracing = config.tracing && (await import("./http/tracing.ts")).startTracing(config.tracing);
  const shared = await connectShared(config, logger);
  const { fleet, emulator } = await connect(config, {
    permits: shared && new shared.ClusterPermits(shared.redis),
    bundleCacheOf: (partition) =>
      shared && config.bundleCacheTtlMs > 0
        ? new shared.ClusterBundleCache(shared.redis, partition, config.bundleCacheTtlMs)
        : createBundleCache(config.bundleCacheTtlMs),
  }).catch((error: unknown) => {
    shared?.redis.close();
    throw error;
  });
  if (config.apiKeys.length === 0 && !config.jwt && !LOOPBACK.has(config.host)) {
    logger.warn({ host: config.host }, "no authentication is configured and the gateway listens beyond localhost");
  }
  // Chosen on purpose (production needs WORKSPACES_BACKEND set), and still said loudly: its data is made up.
  const emulated = config.production && config.backend === "emulator" ? EMULATED : undefined;
  if (emulated) logger.warn(emulated);
  if (!config.metrics.listener && config.metrics.onApiPort === "off") {
    logger.warn(
      "/metrics is not served: set METRICS_PORT for a listener of its own (METRICS_HOST, 127.0.0.1 by default), or METRICS_TOKEN to serve it beside the API to that bearer token",
    );
  }
  const cluster = shared && new shared.ClusterWatch(shared.redis, { intervalMs: config.watchPollMs });
  const watch = new WorkspaceWatch(fleet, {
    intervalMs: config.watchPollMs,
    caps: { subscriptionsPerCaller: config.watchMaxSubscriptions, idsPerCaller: config.watchMaxWorkspaces },
    maxSubscriptions: config.maxSubscriptions,
    cluster,
  });
  const idempotencyBounds = {
    perCaller: { count: 1_000, bytes: config.idempotencyMaxBytesPerCaller },
    total: { count: 10_000, bytes: config.idempotencyMaxBytes },
  };
  // Aborted when the drain can wait no longer: writes still in flight are cut short, and answered.
  const cut = new AbortController();
  const services: Services = {
    cut: cut.signal,
    fleet,
    cursorSecret: config.cursorSecret,
    idempotency: shared
      ? new shared.ClusterIdempotencyStore(shared.redis, { ...idempotencyBounds, waitMs: config.deadlineMs })
      : new IdempotencyStore(idempotencyBounds),
    watch,
    clock: Date.now,
  };
  const readiness = new AwsReadiness(fleet.partitions.map((partition) => partition.upstream));
  let draining = false;
  const authenticator = createAuthenticator(config);
  const origins = new OriginPolicy(config.cors, logger);
  const yoga = createGatewayHandler(
    services,
    config,
    logger,
    {
      draining: () => draining,
      awsReady: () => readiness.check(),
      degraded: () => (shared && !shared.redis.up ? DEGRADED : undefined),
      warning: emulated,
    },
    shared && config.callerRateLimit > 0 ? new shared.ClusterQuotas(shared.redis, config.callerRateLimit, config.callerBurst) : undefined,
    authenticator,
    origins,
    tracing?.plugin,
  );
  const requests = logRequests(logger, (request, response) => {
    if (request.method === "GET" && request.url === "/") {
      response.writeHead(302, { location: "/graphql" }).end();
    } else {
      void yoga(request, response);
    }
  });
  const server: Server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
      // How often Node checks those timeouts; its default (30 s) would let a short timeout run long.
      connectionsCheckingInterval: Math.min(1_000, config.requestTimeoutMs),
    },
    requests.listener,
  );
  const websocket = serveWebSocket(server, yoga, { authenticator, origins, maxPayloadBytes: config.limits.bodyBytes, logger });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const metrics = config.metrics.listener && (await serveMetrics(registry, config.metrics.listener));
  return {
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}/graphql`,
    metricsUrl: metrics?.url,
    fleet,
    watch,
    emulator,
    close: async () => {
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      // Subscriptions would never finish on their own: ending the polling loop completes their streams.
      watch.close();
      await cluster?.close();
      // WebSocket clients, once their operations have ended, are asked to go: they hold connections server.close waits for.
      await websocket.close(config.shutdownTimeoutMs);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections between requests would hold the server open: close each as soon as it is idle.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      let forced: NodeJS.Timeout | undefined;
      const deadline = setTimeout(() => {
        // A write cut short is answered OUTCOME_UNKNOWN, its idempotency key left for a retry to resolve; what is
        // still open after that is closed without an answer.
        logger.warn(SHUTDOWN_CUT);
        cut.abort();
        forced = setTimeout(() => server.closeAllConnections(), CUT_ANSWER_MS);
      }, config.shutdownTimeoutMs);
      await closed;
      // A response's log line is written when it closes, which can come after the server's own close.
      await requests.logged();
      clearInterval(idle);
      clearTimeout(deadline);
      clearTimeout(forced);
      await metrics?.close();
      fleet.destroy();
      shared?.redis.close();
      await emulator?.close();
      await tracing?.shutdown();
    },
  };
}
