// The gateway: graphql-yoga over the schema, one AWS client per process, a session of loaders per request.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga } from "graphql-yoga";
import { BundleCache } from "./aws/bundles.ts";
import { createWorkspacesClient } from "./aws/client.ts";
import { registry } from "./aws/metrics.ts";
import { AwsSession } from "./aws/session.ts";
import type { UpstreamOptions } from "./aws/session.ts";
import { WorkspaceWatch } from "./aws/workspace-watch.ts";
import type { GatewayConfig } from "./config.ts";
import { startEmulator } from "./emulator/index.ts";
import type { RunningEmulator } from "./emulator/index.ts";
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

export function createGatewayHandler(upstream: UpstreamOptions) {
  return createYoga<{}, GatewayContext>({
    schema,
    graphqlEndpoint: "/graphql",
    landingPage: false,
    graphiql: { title: "WorkSpaces gateway", defaultQuery: DEFAULT_QUERY },
    // GraphiQL's assets are served from the gateway itself, not a CDN: it works offline and behind firewalls.
    renderGraphiQL,
    // Unexpected errors reach clients as "Unexpected error." whatever NODE_ENV says; typed GraphQL errors pass.
    maskedErrors: { isDev: false },
    context: ({ request }) => ({ aws: new AwsSession(upstream, request.signal) }),
  });
}

export interface RunningGateway {
  url: string;
  client: WorkSpacesClient;
  /** The polling loop behind subscriptions. */
  watch: WorkspaceWatch;
  emulator?: RunningEmulator;
  close(): Promise<void>;
}

async function connectUpstream(config: GatewayConfig): Promise<{ client: WorkSpacesClient; emulator?: RunningEmulator }> {
  if (config.backend === "aws") {
    // Region, endpoint (AWS_ENDPOINT_URL_WORKSPACES) and credentials come from the SDK's standard chain.
    return { client: createWorkspacesClient({}) };
  }
  const emulator = await startEmulator(config.emulator);
  const client = createWorkspacesClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "emulator", secretAccessKey: "emulator" },
  });
  return { client, emulator };
}

export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const { client, emulator } = await connectUpstream(config);
  const watch = new WorkspaceWatch(client, { intervalMs: config.watchPollMs });
  const yoga = createGatewayHandler({
    client,
    bundleCache: new BundleCache(config.bundleCacheTtlMs),
    cursorSecret: config.cursorSecret,
    watch,
  });
  const server: Server = createServer(async (request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/metrics") {
      response.writeHead(200, { "content-type": registry.contentType });
      response.end(await registry.metrics());
      return;
    }
    if (request.method === "GET" && path === "/health") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"status":"ok"}');
      return;
    }
    if (request.method === "GET" && path === "/") {
      response.writeHead(302, { location: "/graphql" });
      response.end();
      return;
    }
    yoga(request, response);
  });
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
      watch.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      client.destroy();
      await emulator?.close();
    },
  };
}
