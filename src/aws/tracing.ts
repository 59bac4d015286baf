// A span per AWS call attempt, under the span current when the call was made (a GraphQL operation's): the operation,
// the region, which attempt, and whether AWS throttled it. With tracing off, the API's no-op tracer records nothing.
import type { ServiceInputTypes, ServiceOutputTypes, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { FinalizeRequestMiddleware } from "@smithy/types";
import { failureOf } from "./failure.ts";

const tracer = trace.getTracer("workspaces-gateway.aws");

/** The SDK's retry middleware numbers each attempt in this header (`attempt=2; max=4`) before sending it. */
const attemptOf = (request: unknown) =>
  Number(/attempt=(\d+)/.exec((request as { headers?: Record<string, string> }).headers?.["amz-sdk-request"] ?? "")?.[1] ?? 1);

export function traceAttempts(client: WorkSpacesClient): void {
  const middleware: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => (args) => {
    const operation = (context.commandName ?? "unknown").replace(/Command$/, "");
    return tracer.startActiveSpan(`WorkSpaces.${operation}`, { kind: SpanKind.CLIENT }, async (span) => {
      try {
        if (span.isRecording()) {
          span.setAttributes({
            "rpc.system": "aws-api",
            "rpc.service": "WorkSpaces",
            "rpc.method": operation,
            "cloud.region": await client.config.region(),
            "aws.attempt": attemptOf(args.request),
          });
        }
        const result = await next(args);
        span.setAttribute("aws.throttled", false);
        const requestId = (result.output as { $metadata?: { requestId?: string } }).$metadata?.requestId;
        if (requestId) span.setAttribute("aws.request_id", requestId);
        return result;
      } catch (error) {
        span.setAttributes({ "aws.throttled": failureOf(error).kind === "throttled", "error.type": (error as Error).name || "Error" });
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  };
  // Inside the retry middleware, so each attempt is a span of its own.
  client.middlewareStack.addRelativeTo(middleware, { relation: "after", toMiddleware: "retryMiddleware", name: "gatewayAttemptSpan" });
}
