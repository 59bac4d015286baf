// What operators' tools probe: /ready (yoga's readiness check: AWS answers, and the gateway is not draining; degraded
// but in service while the state shared with other gateways is not) and /metrics (Prometheus). /health is yoga's own
// liveness check. Neither needs credentials.

import type { Plugin } from "graphql-yoga";
import { useReadinessCheck } from "graphql-yoga";
import type { Registry } from "prom-client";

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

export function useReadiness(state: { draining(): boolean; awsReady(): Promise<boolean>; degraded?(): string | undefined }): Plugin {
  return useReadinessCheck({
    endpoint: "/ready",
    check: async () => {
      if (state.draining()) return json(503, { status: "unavailable", reason: "shutting down" });
      if (!(await state.awsReady())) return json(503, { status: "unavailable", reason: "AWS WorkSpaces is not reachable" });
      // Still in service: what is shared with other gateways runs on local fallbacks for now.
      const degraded = state.degraded?.();
      return degraded ? json(200, { status: "degraded", reason: degraded }) : json(200, { status: "ready" });
    },
  });
}

export function useMetrics(registry: Registry): Plugin {
  return {
    async onRequest({ request, url, endResponse }) {
      if (request.method !== "GET" || url.pathname !== "/metrics") return;
      endResponse(new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } }));
    },
  };
}
