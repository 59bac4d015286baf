// The gateway: graphql-yoga over the schema, one AWS client per process, a session of loaders per request.

import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import type { Plugin } from "graphql-yoga";
import { createYoga } from "graphql-yoga";
import { createAuthenticator } from "./auth/authenticator.ts";
import { BundleCache } from "./aws/bundles.ts";
import { createWorkspacesClient } from "./aws/client.ts";
import { IdempotencyStore } from "./aws/idempotency.ts";
import { registry } from "./aws/metrics.ts";
import { AwsReadiness } from "./aws/readiness.ts";
import type { UpstreamOptions } from "./aws/session.ts";
import { AwsSession, CONNECTION_SIZE } from "./aws/session.ts";
import { WorkspaceWatch } from "./aws/workspace-watch.ts";
import type { GatewayConfig } from "./config.ts";
import { loadConfig } from "./config.ts";
import type { RunningEmulator } from "./emulator/index.ts";
import { startEmulator } from "./emulator/index.ts";
import { principalOf, useAuthentication } from "./http/authentication.ts";
import { useBodyLimit } from "./http/body-limit.ts";
import { useClientErrors } from "./http/client-errors.ts";
import { useQueryCost } from "./http/query-cost.ts";
import { useQueryLimits } from "./http/query-limits.ts";
import { alreadyLogged, logRequests, useRequestRecord } from "./http/request-log.ts";
import type { Logger } from "./logger.ts";
import { createLogger } from "./logger.ts";
import type { GatewayContext } from "./schema/builder.ts";
import { schema } from "./schema/index.ts";

const DEFAULT_QUERY = `# The WorkSpaces dashboard: a page of WorkSpaces with their bundles, in 2 AWS calls (1 once bundles are cached).
query Dashboard($first: Int = 10, $after: String) {
  workspaces(first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        workspaceId
        userName
        state
        workspaceProperties { runningMode computeTypeName rootVolumeSizeGib userVolumeSizeGib }
        modificationStates { resource state }
        bundle { name computeType { name } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
  publicBundles: bundles(filter: { owner: AMAZON }) {
    edges { node { bundleId name computeType { name } rootStorage { capacity } userStorage { capacity } } }
  }
}
`;

/** What one AWS call made by a list field adds to a query's cost: MAX_COST allows about 100 of them. */
const AWS_CALL_COST = 100;

export type HandlerSettings = Pick<
  GatewayConfig,
  "apiKeys" | "jwt" | "graphiql" | "introspection" | "corsOrigins" | "limits" | "deadlineMs" | "logLevel"
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

export function createGatewayHandler(upstream: UpstreamOptions, settings: HandlerSettings = loadConfig({}), logger?: Logger) {
  const log = logger ?? createLogger(settings.logLevel);
  const { limits } = settings;
  return createYoga<Record<string, unknown>, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: settings.graphiql && { title: "WorkSpaces gateway", defaultQuery: DEFAULT_QUERY },
    // GraphiQL's assets are served from the gateway itself, not a CDN: it works offline and behind firewalls. They
    // are loaded on the first page view (85 MB of memory a production gateway, without GraphiQL, never needs).
    renderGraphiQL: async (options) => (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    // Unexpected errors reach clients as "Unexpected error." whatever NODE_ENV says; typed GraphQL errors pass.
    maskedErrors: { isDev: false },
    logging: {
      debug: (...args) => log.debug(args),
      info: (...args) => log.info(args),
      warn: (...args) => log.warn(args),
      error: (error) => {
        if (!alreadyLogged(error)) log.error({ err: error }, "unexpected error");
      },
    },
    // No cross-origin access unless the allow-list names the origin.
    cors: settings.corsOrigins.length > 0 ? { origin: settings.corsOrigins, methods: ["GET", "POST"], credentials: false } : false,
    batching: { limit: limits.batch },
    maxRequestBodySize: false,
    plugins: [
      useRequestRecord(log),
      useAuthentication(createAuthenticator(settings)),
      useBodyLimit(limits.bodyBytes),
      useCsrfPreventionForPosts(),
      useClientErrors(),
      useQueryLimits(limits),
      useQueryCost(limits.cost, CONNECTION_SIZE.default, AWS_CALL_COST),
      !settings.introspection && useDisableIntrospection(),
    ],
    context: ({ request }) => ({
      principal: principalOf(request),
      aws: new AwsSession(upstream, { signal: request.signal, deadlineMs: settings.deadlineMs }),
    }),
  });
}

export interface RunningGateway {
  url: string;
  client: WorkSpacesClient;
  /** The polling loop behind subscriptions. */
  watch: WorkspaceWatch;
  emulator?: RunningEmulator;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), then releases everything. */
  close(): Promise<void>;
}

async function connectUpstream(config: GatewayConfig): Promise<{ client: WorkSpacesClient; emulator?: RunningEmulator }> {
  const policy = { maxAttempts: config.awsMaxAttempts, rateLimit: config.awsRateLimit };
  if (config.backend === "aws") {
    // Region, endpoint (AWS_ENDPOINT_URL_WORKSPACES) and credentials come from the SDK's standard chain.
    return { client: createWorkspacesClient({}, policy) };
  }
  const emulator = await startEmulator(config.emulator);
  const client = createWorkspacesClient(
    {
      endpoint: emulator.url,
      region: "us-east-1",
      credentials: { accessKeyId: "emulator", secretAccessKey: "emulator" },
    },
    policy,
  );
  return { client, emulator };
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

export async function startGateway(config: GatewayConfig, logger: Logger = createLogger(config.logLevel)): Promise<RunningGateway> {
  const { client, emulator } = await connectUpstream(config);
  if (config.apiKeys.length === 0 && !config.jwt && !LOOPBACK.has(config.host)) {
    logger.warn({ host: config.host }, "no authentication is configured and the gateway listens beyond localhost");
  }
  const watch = new WorkspaceWatch(client, { intervalMs: config.watchPollMs });
  const yoga = createGatewayHandler(
    {
      client,
      bundleCache: new BundleCache(config.bundleCacheTtlMs),
      cursorSecret: config.cursorSecret,
      idempotency: new IdempotencyStore(),
      watch,
    },
    config,
    logger,
  );
  const readiness = new AwsReadiness(client);
  let draining = false;
  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/metrics") {
      response.writeHead(200, { "content-type": registry.contentType });
      response.end(await registry.metrics());
    } else if (request.method === "GET" && path === "/health") {
      sendJson(response, 200, { status: "ok" });
    } else if (request.method === "GET" && path === "/ready") {
      if (draining) sendJson(response, 503, { status: "unavailable", reason: "shutting down" });
      else if (await readiness.check()) sendJson(response, 200, { status: "ready" });
      else sendJson(response, 503, { status: "unavailable", reason: "AWS WorkSpaces is not reachable" });
    } else if (request.method === "GET" && path === "/") {
      response.writeHead(302, { location: "/graphql" });
      response.end();
    } else {
      yoga(request, response);
    }
  };
  const server: Server = createServer(
    {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 60_000),
      // How often Node checks those timeouts; its default (30 s) would let a short timeout run long.
      connectionsCheckingInterval: Math.min(1_000, config.requestTimeoutMs),
    },
    logRequests(logger, (request, response) => void route(request, response)),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}/graphql`,
    client,
    watch,
    emulator,
    close: async () => {
      draining = true;
      await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
      // Subscriptions would never finish on their own: ending the polling loop completes their streams.
      watch.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections between requests would hold the server open: close each as soon as it is idle.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      await closed;
      clearInterval(idle);
      clearTimeout(deadline);
      client.destroy();
      await emulator?.close();
    },
  };
}
