// Operations over WebSocket, in graphql-ws's protocol (graphql-transport-ws: Apollo Client's GraphQLWsLink, urql and
// Relay with graphql-ws's client), on the GraphQL path itself. A connection is authenticated once, from the
// `authorization` of its connectionParams (the API keys and tokens HTTP's Authorization header takes), and a browser's
// Origin is held to the CORS rules at the upgrade, as browsers apply no CORS to WebSocket. Each operation then runs
// through yoga's pipeline from its parameters on (getResultForParams, as Hive Gateway serves graphql-ws), as a request
// of its own: persisted documents, query limits, scopes, the cost limit, the caller's quota and the watch's caps apply
// as over HTTP, and it is logged as a request is.
import type { IncomingMessage, Server } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult } from "graphql";
import { GraphQLError, Kind, OperationTypeNode } from "graphql";
import { CloseCode } from "graphql-ws";
import type { Extra } from "graphql-ws/use/ws";
import { useServer } from "graphql-ws/use/ws";
import type { GraphQLParams, YogaServerInstance } from "graphql-yoga";
import { processRegularResult } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { Authenticator } from "../auth/authenticator.ts";
import { AuthenticationUnavailable } from "../auth/jwt.ts";
import type { Principal } from "../auth/principal.ts";
import type { Logger } from "../logger.ts";
import type { GatewayContext } from "../schema/builder.ts";
import { gatewayError } from "../schema/errors.ts";
import { identify } from "./authentication.ts";
import type { OriginPolicy } from "./cors.ts";
import { refusalOf } from "./refusal.ts";
import type { RequestRecord } from "./request-log.ts";
import { recordOperation } from "./request-log.ts";

export interface WebSocketSettings {
  authenticator: Authenticator;
  origins: OriginPolicy;
  /** The largest message a client may send, as MAX_BODY_BYTES bounds an HTTP body. */
  maxPayloadBytes: number;
  logger: Logger;
}

interface Operation {
  /** Aborts the operation's request: its AWS calls, when the client completes it or goes. */
  abort: AbortController;
  record: RequestRecord;
  started: bigint;
}

/** One client's connection, once its credentials were accepted. */
interface Connection {
  principal: Principal;
  address: string | undefined;
  /** Operations still running, by the client's ID. */
  operations: Map<string, Operation>;
}

/** What graphql-ws hands back to `subscribe` for an operation: yoga's parameters, request and server context. */
interface OperationContext {
  params: GraphQLParams;
  request: Request;
  server: { req: IncomingMessage };
}

type Context = { extra: Extra & { connection?: Connection } };

// graphql-ws wants a document to choose execute or subscribe by; yoga parses the operation's own, so every operation
// takes `subscribe`, which answers a query's single result as graphql-ws expects too.
const ANY_OPERATION = {
  kind: Kind.DOCUMENT,
  definitions: [
    {
      kind: Kind.OPERATION_DEFINITION,
      operation: OperationTypeNode.SUBSCRIPTION,
      selectionSet: { kind: Kind.SELECTION_SET, selections: [] },
    },
  ],
} as const;

/** "Try Again Later": graphql-ws's client reconnects after it, as it would not after 4401. */
const TRY_AGAIN_LATER = 1013;

const UNAUTHENTICATED = 'UNAUTHENTICATED: missing or invalid credentials; send connectionParams { authorization: "Bearer <key>" }';
const UNAVAILABLE = "AUTHENTICATION_UNAVAILABLE: credentials cannot be checked right now; retry shortly";

/** The `authorization` entry of connectionParams, in any letter case (`Authorization` as a header is written). */
function authorizationOf(params: unknown): string | null {
  if (typeof params !== "object" || params === null) return null;
  const entry = Object.entries(params).find(([name]) => name.toLowerCase() === "authorization");
  return typeof entry?.[1] === "string" ? entry[1] : null;
}

/** A whole HTTP answer on a socket that asked to upgrade and may not. */
function refuse(socket: Duplex, status: number, body: string, contentType = "text/plain"): void {
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${contentType}\r\ncontent-length: ${Buffer.byteLength(body)}`;
  socket.end(`${head}\r\nconnection: close\r\n\r\n${body}`);
}

export function serveWebSocket(
  server: Server,
  yoga: YogaServerInstance<Record<string, unknown>, GatewayContext>,
  { authenticator, origins, maxPayloadBytes, logger }: WebSocketSettings,
) {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes });
  let closing: Promise<void> | undefined;
  /** Connections open, and operations running on them; each count calls its waiter when it reaches 0. */
  let open = 0;
  let allClosed = () => {};
  let running = 0;
  let allEnded = () => {};

  server.on("upgrade", (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (request.url?.split("?")[0] !== yoga.graphqlEndpoint) {
      refuse(socket, 404, `WebSocket is served on ${yoga.graphqlEndpoint} only.\n`);
    } else if (closing) {
      refuse(socket, 503, "The gateway is shutting down: connect again, to another instance.\n");
    } else if (!origins.admits(request.headers.origin ?? null, request.headers.host ?? null)) {
      // As a refused preflight is answered over HTTP.
      const message = `Origin ${request.headers.origin} is not in CORS_ORIGINS: browsers on it may not call this gateway.`;
      const { status, body } = refusalOf(gatewayError("ORIGIN_NOT_ALLOWED", message));
      refuse(socket, status, body, "application/json");
    } else {
      sockets.handleUpgrade(request, socket, head, (client) => sockets.emit("connection", client, request));
    }
  });
  sockets.on("connection", () => {
    open += 1;
  });

  const finish = (connection: Connection | undefined, id: string) => {
    const operation = connection?.operations.get(id);
    if (!operation) return;
    connection!.operations.delete(id);
    operation.abort.abort();
    running -= 1;
    if (running === 0) allEnded();
    const { record } = operation;
    const durationMs = Math.round(Number(process.hrtime.bigint() - operation.started) / 1e5) / 10;
    logger.info(
      {
        requestId: record.id,
        transport: "websocket",
        path: yoga.graphqlEndpoint,
        durationMs,
        principal: record.principal,
        operation: record.operation,
      },
      "request",
    );
  };

  const refusal = (error: unknown): ExecutionResult => {
    if (error instanceof GraphQLError) return { errors: [error] };
    logger.error({ err: error }, "unexpected error");
    return { errors: [gatewayError("INTERNAL_SERVER_ERROR", "Unexpected error.")] };
  };

  const served = useServer<Record<string, unknown> | undefined, { connection: Connection }>(
    {
      onConnect: async (ctx: Context & { connectionParams?: Readonly<Record<string, unknown>> }) => {
        let principal: Principal | undefined;
        try {
          principal = await authenticator.authenticate(authorizationOf(ctx.connectionParams));
        } catch (error) {
          if (!(error instanceof AuthenticationUnavailable)) throw error;
          ctx.extra.socket.close(TRY_AGAIN_LATER, UNAVAILABLE);
          return false;
        }
        if (!principal) {
          ctx.extra.socket.close(CloseCode.Unauthorized, UNAUTHENTICATED);
          return false;
        }
        ctx.extra.connection = { principal, address: ctx.extra.request.socket.remoteAddress, operations: new Map() };
        return true;
      },
      onSubscribe: (ctx: Context, id, payload) => {
        const connection = ctx.extra.connection!;
        const abort = new AbortController();
        const url = new URL(yoga.graphqlEndpoint, `http://${ctx.extra.request.headers.host ?? "localhost"}`);
        const request = new yoga.fetchAPI.Request(url, { method: "POST", signal: abort.signal });
        const record = recordOperation(request);
        identify(request, connection.principal, connection.address);
        connection.operations.set(id, { abort, record, started: process.hrtime.bigint() });
        running += 1;
        // graphql-ws allows null where yoga's parameters are absent; anything else sent (a documentId) is kept.
        const { operationName, variables, extensions, ...sent } = payload;
        const params: GraphQLParams = {
          ...sent,
          operationName: operationName ?? undefined,
          variables: variables ?? undefined,
          extensions: extensions ?? undefined,
        };
        const context: OperationContext = { params, request, server: { req: ctx.extra.request } };
        return { document: ANY_OPERATION, contextValue: context } as unknown as ExecutionArgs;
      },
      subscribe: async ({ contextValue }) => {
        const { params, request, server: serverContext } = contextValue as OperationContext;
        try {
          return (await yoga.getResultForParams({ params, request }, serverContext)) as ExecutionResult | AsyncIterable<ExecutionResult>;
        } catch (error) {
          return refusal(error);
        }
      },
      // As an HTTP response has it: without yoga's `http` extensions (statuses and headers meant for HTTP).
      onNext: async (_ctx, _id, _payload, _args, result) =>
        JSON.parse(await processRegularResult(result, yoga.fetchAPI, "application/json").text()) as FormattedExecutionResult,
      onComplete: (ctx: Context, id) => finish(ctx.extra.connection, id),
      onClose: (ctx: Context) => {
        const { connection } = ctx.extra;
        for (const id of [...(connection?.operations.keys() ?? [])]) finish(connection, id);
        open -= 1;
        if (open === 0) allClosed();
      },
    },
    sockets,
  );

  const shutDown = async (timeoutMs: number) => {
    const deadline = setTimeout(() => {
      allEnded();
      for (const client of sockets.clients) client.terminate();
    }, timeoutMs);
    // Operations in flight finish first (subscriptions complete once the watch has closed), their last messages sent:
    // graphql-ws writes an operation's complete message a turn after telling onComplete.
    if (running > 0) await new Promise<void>((resolve) => (allEnded = resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const closed = open === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allClosed = resolve));
    for (const client of sockets.clients) client.close(1001, "the gateway is shutting down");
    await closed;
    clearTimeout(deadline);
    await served.dispose();
  };

  return {
    /**
     * Refuses new connections, lets running operations end, then asks each connection to go (1001); whatever is still
     * open after `timeoutMs` is cut.
     */
    close(timeoutMs: number): Promise<void> {
      closing ??= shutDown(timeoutMs);
      return closing;
    },
  };
}
