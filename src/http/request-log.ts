// One log line and one duration sample per HTTP request, under a request ID the client may supply and always gets
// back (x-request-id), so a client's report can be matched to the gateway's logs. The request's record travels by
// WeakMap, not AsyncLocalStorage, whose promise hooks cost Node 20 a fifth of the gateway's throughput.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { DocumentNode, ExecutionResult, OperationDefinitionNode } from "graphql";
import { GraphQLError, Kind } from "graphql";
import type { Plugin } from "graphql-yoga";
import { handleStreamOrSingleExecutionResult } from "graphql-yoga";
import type { Logger } from "pino";
import { Histogram } from "prom-client";
import { registry } from "../metrics.ts";
import { expectedCode } from "../schema/errors.ts";

export interface RequestRecord {
  id: string;
  /** Who called (a key's fingerprint or a token's subject), once authenticated. */
  principal?: string;
  operation?: string;
}

/** By the node request, and by yoga's Request once it exists. */
const records = new WeakMap<object, RequestRecord>();

export const recordOf = (request: object): RequestRecord | undefined => records.get(request);

/** A fresh record for an operation that is not an HTTP request of its own (one over WebSocket). */
export function recordOperation(request: object): RequestRecord {
  const record: RequestRecord = { id: randomUUID() };
  records.set(request, record);
  return record;
}

/** Unexpected errors already logged with their request's ID, so yoga's own log of them is not repeated. */
const loggedErrors = new WeakSet<object>();

export const alreadyLogged = (error: unknown): boolean => typeof error === "object" && error !== null && loggedErrors.has(error);

const requestDuration = new Histogram({
  name: "workspaces_gateway_request_duration_seconds",
  help: "HTTP requests to the gateway, from arrival to the end of the response, by route and status.",
  labelNames: ["route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The client's x-request-id when it is a plain token, else a fresh one. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}

const routeOf = (path: string) => (["/graphql", "/metrics", "/health", "/ready"].includes(path) ? path : "other");

/**
 * The node request listener: each request logged once it ends. `logged()` resolves once every request received so far
 * has been logged, so a shutdown's last line comes after them.
 */
export function logRequests(logger: Logger, handle: (request: IncomingMessage, response: ServerResponse) => void) {
  let open = 0;
  let allLogged = () => {};
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const record: RequestRecord = { id: requestIdOf(request.headers["x-request-id"]) };
    const started = process.hrtime.bigint();
    open += 1;
    response.setHeader("x-request-id", record.id);
    response.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = (request.url ?? "/").split("?")[0]!;
      const status = response.writableFinished ? response.statusCode : 499;
      requestDuration.observe({ route: routeOf(path), status: String(status) }, seconds);
      logger.info(
        {
          requestId: record.id,
          method: request.method,
          path,
          status,
          durationMs: Math.round(seconds * 1e4) / 10,
          principal: record.principal,
          operation: record.operation,
        },
        "request",
      );
      open -= 1;
      if (open === 0) allLogged();
    });
    records.set(request, record);
    handle(request, response);
  };
  const logged = () =>
    open === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          allLogged = resolve;
        });
  return { listener, logged };
}

/**
 * Links yoga's Request to the record, notes the GraphQL operation (the name the client asked for, else the
 * document's), and logs each unexpected error under the request's ID before it is masked.
 */
export function useRequestRecord(logger: Logger): Plugin {
  const logUnexpected =
    (context: unknown) =>
    ({ result }: { result: ExecutionResult }) => {
      for (const error of result.errors ?? []) {
        const { originalError } = error;
        const requestId = records.get((context as { request: object }).request)?.id;
        const path = error.path?.join(".");
        // Typed failures (AWS's, refused input, a bad cursor) are answers: the client gets them, the AWS metrics count them.
        const expected = expectedCode(originalError);
        if (!originalError || originalError instanceof GraphQLError || expected) {
          logger.debug({ requestId, code: expected ?? error.extensions.code, path }, "error answered");
          continue;
        }
        loggedErrors.add(error).add(originalError);
        logger.error({ requestId, err: originalError, path }, "unexpected error");
      }
    };
  return {
    onRequest({ request, serverContext }) {
      const record = records.get((serverContext as { req?: object }).req ?? request);
      if (record) records.set(request, record);
    },
    onParams({ params, request }) {
      const record = records.get(request);
      if (record && params.operationName) record.operation = params.operationName;
    },
    onParse({ context }) {
      return ({ result }) => {
        const record = records.get((context as { request: object }).request);
        if (!record || record.operation || !result || !("definitions" in result)) return;
        const operation = (result as DocumentNode).definitions.find(
          (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
        );
        record.operation = operation?.name?.value ?? "anonymous";
      };
    },
    onExecute({ args }) {
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, logUnexpected(args.contextValue)) };
    },
    // A subscription's events are executed without onExecute.
    onSubscribe({ args }) {
      return { onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, logUnexpected(args.contextValue)) };
    },
  };
}
