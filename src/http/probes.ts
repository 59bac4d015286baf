// What operators' tools probe: /ready (yoga's readiness check: AWS answers, and the gateway is not draining; degraded
// but in service while the state shared with other gateways is not) and /metrics (Prometheus), on a listener of its
// own or on the API's port, open there only where the API is. /health is yoga's own liveness check. /ready and /health
// need no credentials.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Plugin } from "graphql-yoga";
import { useReadinessCheck } from "graphql-yoga";
import type { Registry } from "prom-client";

/** Where /metrics is served: see METRICS_PORT, METRICS_HOST and METRICS_TOKEN. */
export interface MetricsSettings {
  /** A listener of its own, serving /metrics to anyone who reaches it. */
  listener?: { port: number; host: string };
  /** On the API's port: to anyone, to a bearer of the token, or not at all. */
  onApiPort: "open" | "off" | { token: string };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export interface ReadinessState {
  draining(): boolean;
  awsReady(): Promise<boolean>;
  /** Why the gateway runs on local fallbacks, while it does. */
  degraded?(): string | undefined;
  /** What an operator must know even while all is well (the data is the emulator's, not AWS's). */
  warning?: string;
}

export function useReadiness(state: ReadinessState): Plugin {
  const warning = state.warning === undefined ? {} : { warning: state.warning };
  return useReadinessCheck({
    endpoint: "/ready",
    check: async () => {
      if (state.draining()) return json(503, { status: "unavailable", reason: "shutting down" });
      if (!(await state.awsReady())) return json(503, { status: "unavailable", reason: "AWS WorkSpaces is not reachable" });
      // Still in service: what is shared with other gateways runs on local fallbacks for now.
      const degraded = state.degraded?.();
      return degraded ? json(200, { status: "degraded", reason: degraded, ...warning }) : json(200, { status: "ready", ...warning });
    },
  });
}

const digestOf = (text: string) => createHash("sha256").update(text).digest();

const NOT_HERE =
  "/metrics is not served on this port: it is on METRICS_PORT's listener, or here to a bearer of METRICS_TOKEN once that is set\n";

/**
 * /metrics on the API's port: to anyone, to `Authorization: Bearer <METRICS_TOKEN>`, or (off) a 404 that names the
 * settings, where authentication's 401 would suggest that an API key opens it.
 */
export function useMetrics(registry: Registry, access: MetricsSettings["onApiPort"]): Plugin {
  const expected = typeof access === "object" ? digestOf(`Bearer ${access.token}`) : undefined;
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== "GET" || url.pathname !== "/metrics") return;
      if (access === "off") {
        endResponse(new Response(NOT_HERE, { status: 404, headers: { "content-type": "text/plain" } }));
        return;
      }
      // Digests compared, so the time taken tells nothing of the token.
      if (expected && !timingSafeEqual(digestOf(request.headers.get("authorization") ?? ""), expected)) {
        endResponse(
          new Response("/metrics needs Authorization: Bearer <METRICS_TOKEN>\n", {
            status: 401,
            headers: { "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' },
          }),
        );
        return;
      }
      endResponse(new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } }));
    },
  };
}

/** /metrics on a listener of its own (METRICS_PORT on METRICS_HOST); anything else there is 404. */
export async function serveMetrics(registry: Registry, { port, host }: { port: number; host: string }) {
  const server: Server = createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "text/plain" }).end("Only GET /metrics is served here.\n");
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { "content-type": registry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
