// One log line and one duration sample per HTTP request, under a request ID the client may supply and always gets
// back (x-request-id), so a client's report can be matched to the gateway's logs.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Kind } from "graphql";
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import { Histogram } from "prom-client";
import { registry } from "../aws/metrics.ts";
import type { Logger } from "pino";

export interface RequestRecord {
  id: string;
  /** Who called (a key's fingerprint or a token's subject), once authenticated. */
  principal?: string;
  operation?: string;
}

export const requestScope = new AsyncLocalStorage<RequestRecord>();

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

export function logRequests(logger: Logger, handle: (request: IncomingMessage, response: ServerResponse) => void) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const record: RequestRecord = { id: requestIdOf(request.headers["x-request-id"]) };
    const started = process.hrtime.bigint();
    response.setHeader("x-request-id", record.id);
    response.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = (request.url ?? "/").split("?")[0]!;
      const status = response.writableFinished ? response.statusCode : 499;
      requestDuration.observe({ route: routeOf(path), status: String(status) }, seconds);
      logger.info({
        requestId: record.id, method: request.method, path, status, durationMs: Math.round(seconds * 1e4) / 10,
        principal: record.principal, operation: record.operation,
      }, "request");
    });
    requestScope.run(record, () => handle(request, response));
  };
}

/** Notes the GraphQL operation in the request's log line: the name the client asked for, else the document's. */
export function useOperationName(): Plugin {
  return {
    onParams({ params }) {
      const record = requestScope.getStore();
      if (record && params.operationName) record.operation = params.operationName;
    },
    onParse() {
      return ({ result }) => {
        const record = requestScope.getStore();
        if (!record || record.operation || !result || !("definitions" in result)) return;
        const operation = (result as DocumentNode).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
        record.operation = operation?.name?.value ?? "anonymous";
      };
    },
  };
}
