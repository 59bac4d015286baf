// Tracing with OpenTelemetry, when the OTEL_* variables turn it on: the SDK exporting by OTLP over HTTP (protobuf or
// JSON), and a span per GraphQL operation (envelop's plugin) that continues the W3C traceparent a client sends. The
// AWS calls' spans (src/aws/tracing.ts) open under it, as the operation's context follows its resolvers.
import { setCurrentOtelContext, useOpenTelemetry } from "@envelop/opentelemetry";
import type { TextMapGetter } from "@opentelemetry/api";
import { propagation, ROOT_CONTEXT, SpanKind, trace } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { Plugin } from "graphql-yoga";

/** OpenTelemetry tracing, on when the standard OTEL_* variables ask for it. */
export interface TracingSettings {
  /** OTLP over HTTP: protobuf or JSON (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL). */
  protocol: "http/protobuf" | "http/json";
  /** Where spans are sent (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces). */
  endpoint: string;
}

/**
 * Registers the SDK for the process (its tracer, AsyncLocalStorage to carry the current span, the W3C propagator);
 * `plugin` is the handler's span per operation; `shutdown` sends what is still batched. Sampling, batching and headers
 * follow the SDK's own OTEL_* variables.
 */
export function startTracing(settings: TracingSettings): { plugin: Plugin; shutdown(): Promise<void> } {
  const exporter =
    settings.protocol === "http/json" ? new JsonExporter({ url: settings.endpoint }) : new ProtobufExporter({ url: settings.endpoint });
  const provider = new NodeTracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES over the gateway's name.
    resource: defaultResource()
      .merge(resourceFromAttributes({ "service.name": "workspaces-gateway" }))
      .merge(detectResources({ detectors: [envDetector] })),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  return { plugin: useTracing(), shutdown: () => provider.shutdown() };
}

const headers: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

/** A span per GraphQL operation (`query.Dashboard`), under the client's span when it sends a traceparent. */
function useTracing(): Plugin {
  const continueClientTrace = ({ contextValue }: { contextValue: unknown }) => {
    const { request } = contextValue as { request: Request };
    setCurrentOtelContext(contextValue, propagation.extract(ROOT_CONTEXT, request.headers, headers));
  };
  return {
    onPluginInit({ addPlugin }) {
      // Before envelop's plugin, which opens the operation's span in the context set here.
      addPlugin({ onExecute: ({ args }) => continueClientTrace(args), onSubscribe: ({ args }) => continueClientTrace(args) });
      // Neither variables nor results are recorded: they hold user names and addresses; a document with literal
      // arguments is left out for the same reason.
      addPlugin(
        useOpenTelemetry({ resolvers: false, variables: false, result: false }, trace.getTracerProvider(), SpanKind.SERVER) as Plugin,
      );
    },
  };
}
