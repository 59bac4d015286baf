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
import { createAuthenticator } from "./auth/authenticator.ts";
import { connectFleet } from "./aws/accounts.ts";
import type { PermitSource } from "./aws/budget.ts";
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
import { useCors } from "./http/cors.ts";
import { useErrorLimit } from "./http/error-limit.ts";
import { useGraphiQL } from "./http/graphiql.ts";
import { useListLimits } from "./http/list-limits.ts";
import { checkPersistedDocuments, usePersistedDocuments } from "./http/persisted-documents.ts";
import { useMetrics, useReadiness } from "./http/probes.ts";
import { useQueryLimits } from "./http/query-limits.ts";
import { AwsReadiness } from "./http/readiness.ts";
import { alreadyLogged, expectedFailure, logRequests, useRequestRecord } from "./http/request-log.ts";
import { useSubscriptionEvents } from "./http/subscription-events.ts";
import { startTracing, useTracing } from "./http/tracing.ts";
import type { Logger } from "./logger.ts";
import { createLogger } from "./logger.ts";
import { registry } from "./metrics.ts";
import type { GatewayContext } from "./schema/builder.ts";
import { maskError } from "./schema/errors.ts";
import { subgraphSchema } from "./schema/federation.ts";
import { schema } from "./schema/index.ts";
import type { BundleCache } from "./shared/bundle-cache/bundle-cache.ts";
import { createBundleCache } from "./shared/bundle-cache/memory.ts";
import { ClusterBundleCache } from "./shared/bundle-cache/redis.ts";
import { IdempotencyStore } from "./shared/idempotency/memory.ts";
import { ClusterIdempotencyStore } from "./shared/idempotency/redis.ts";
import { ClusterPermits } from "./shared/permits/redis.ts";
import { CallerQuotas } from "./shared/quotas/memory.ts";
import type { Quotas } from "./shared/quotas/quotas.ts";
import { ClusterQuotas } from "./shared/quotas/redis.ts";
import { SharedRedis } from "./shared/redis.ts";
import { ClusterWatch } from "./shared/watch-lease/redis.ts";
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
  | "corsOrigins"
  | "limits"
  | "deadlineMs"
  | "logLevel"
  | "callerRateLimit"
  | "callerBurst"
  | "tracing"
  | "persistedDocuments"
  | "federationSubgraph"
>;

/** What the handler needs beyond the schema: /ready's state (absent in handlers that serve no probes). */
export interface HandlerProbes {
  draining(): boolean;
  awsReady(): Promise<boolean>;
  /** Why the gateway runs on local fallbacks, while it does. */
  degraded?(): string | undefined;
}

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
  probes?: HandlerProbes,
  quotas: Quotas = new CallerQuotas(settings.callerRateLimit, settings.callerBurst),
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
        if (!alreadyLogged(error) && !expectedFailure(error)) log.error({ err: error }, "unexpected error");
      },
    },
    // No cross-origin access unless the allow-list names the origin: see useCors.
    cors: false,
    batching: { limit: limits.batch },
    // A persisted document's ID, in a JSON body (GET parameters are read by usePersistedDocuments).
    extraParamNames: settings.persistedDocuments ? ["documentId"] : [],
    // Our body limit checks a declared Content-Length alone: yoga's counts every body as it streams (a tenth of the CPU).
    maxRequestBodySize: false,
    plugins: [
      settings.graphiql && useGraphiQL({ title: "WorkSpaces gateway", defaultQuery: DEFAULT_QUERY }),
      useCors(settings.corsOrigins),
      ...(probes ? [useReadiness(probes)] : []),
      useMetrics(registry),
      useErrorLimit(),
      useRequestRecord(log),
      settings.tracing !== undefined && useTracing(),
      useAuthentication(createAuthenticator(settings)),
      settings.persistedDocuments !== undefined && usePersistedDocuments(settings.persistedDocuments),
      useBodyLimit(limits.bodyBytes),
      useCsrfPreventionForPosts(),
      useClientErrors({ hideSuggestions: !settings.introspection }),
      useQueryLimits(limits),
      useListLimits(limits.listItems),
      useAdmission({ maxCost: limits.cost, quotas }),
      !settings.introspection && useDisableIntrospection(),
      // Each event of a subscription runs with the session of the watch's fetch it came from, shared by every
      // subscriber (loaders batched across them, a deadline of its own), and is charged its lookups.
      useSubscriptionEvents({ services, deadlineMs: settings.deadlineMs, quotas }),
    ],
    context: ({ request }) => ({ principal: principalOf(request), aws: sessionFor(request) }),
  });
}

export interface RunningGateway {
  url: string;
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

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

const DEGRADED =
  "Redis is unreachable: this gateway runs on its share of the AWS budget and polls its own subscriptions, and refuses creates with an idempotencyKey";

/** Redis, when REDIS_URL names one: the gateway starts on local fallbacks if it does not answer within 3 s. */
async function connectShared(config: GatewayConfig, logger: Logger): Promise<SharedRedis | undefined> {
  if (!config.redisUrl) return undefined;
  const shared = new SharedRedis(config.redisUrl, config.redisKeyPrefix, logger);
  if (!(await shared.started(3_000))) logger.warn("Redis does not answer yet: starting on local fallbacks, shared once it does");
  return shared;
}

export async function startGateway(config: GatewayConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningGateway> {
  if (config.persistedDocuments) checkPersistedDocuments(config.persistedDocuments, servedSchema(config));
  const tracing = config.tracing && startTracing(config.tracing);
  const shared = await connectShared(config, logger);
  const { fleet, emulator } = await connect(config, {
    permits: shared && new ClusterPermits(shared),
    bundleCacheOf: (partition) =>
      shared && config.bundleCacheTtlMs > 0
        ? new ClusterBundleCache(shared, partition, config.bundleCacheTtlMs)
        : createBundleCache(config.bundleCacheTtlMs),
  }).catch((error: unknown) => {
    shared?.close();
    throw error;
  });
  if (config.apiKeys.length === 0 && !config.jwt && !LOOPBACK.has(config.host)) {
    logger.warn({ host: config.host }, "no authentication is configured and the gateway listens beyond localhost");
  }
  const cluster = shared && new ClusterWatch(shared, { intervalMs: config.watchPollMs });
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
  const services: Services = {
    fleet,
    cursorSecret: config.cursorSecret,
    idempotency: shared
      ? new ClusterIdempotencyStore(shared, { ...idempotencyBounds, waitMs: config.deadlineMs })
      : new IdempotencyStore(idempotencyBounds),
    watch,
    clock: Date.now,
  };
  const readiness = new AwsReadiness(fleet.partitions.map((partition) => partition.upstream));
  let draining = false;
  const yoga = createGatewayHandler(
    services,
    config,
    logger,
    { draining: () => draining, awsReady: () => readiness.check(), degraded: () => (shared && !shared.up ? DEGRADED : undefined) },
    shared && config.callerRateLimit > 0 ? new ClusterQuotas(shared, config.callerRateLimit, config.callerBurst) : undefined,
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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}/graphql`,
    fleet,
    watch,
    emulator,
    close: async () => {
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      // Subscriptions would never finish on their own: ending the polling loop completes their streams.
      watch.close();
      await cluster?.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections between requests would hold the server open: close each as soon as it is idle.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      // A response's log line is written when it closes, which can come after the server's own close.
      await requests.logged();
      clearInterval(idle);
      clearTimeout(deadline);
      fleet.destroy();
      shared?.close();
      await emulator?.close();
      await tracing?.shutdown();
    },
  };
}
