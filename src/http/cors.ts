// CORS: browsers on the origins CORS_ORIGINS lists may call the gateway (whatwg-node's CORS plugin, which yoga uses),
// and a preflight from any other origin is refused with 403 and a body that says so, where yoga would answer 204
// without the headers (or the CSRF check its lack of a header): the browser refuses either way, but a person reading
// the network panel or curl learns which setting to change. Without origins, no plugin answers on every response:
// a response hook, even one that does nothing, cost a tenth of the throughput.
import { useCORS } from "@whatwg-node/server";
import type { Plugin } from "graphql-yoga";
import { gatewayError } from "../schema/failures.ts";

export function useCors(origins: readonly string[]): Plugin {
  const allowed = new Set(origins);
  return {
    onPluginInit({ addPlugin }) {
      if (origins.length > 0) addPlugin(useCORS({ origin: [...origins], methods: ["GET", "POST"], credentials: false }) as Plugin);
    },
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== "OPTIONS") return;
      const origin = request.headers.get("origin");
      if (origin === null || allowed.has(origin) || !request.headers.has("access-control-request-method")) return;
      const error = gatewayError(
        "ORIGIN_NOT_ALLOWED",
        `Origin ${origin} is not in CORS_ORIGINS: browsers on it may not call this gateway.`,
      );
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [error] }), { status: 403, headers: { "content-type": "application/json" } }),
      );
    },
  };
}
