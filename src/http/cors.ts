// CORS: browsers on the origins CORS_ORIGINS lists may call the gateway (whatwg-node's CORS plugin, which yoga uses),
// and a preflight from any other origin is refused with 403 and a body that says so, where yoga would answer 204
// without the headers (or the CSRF check its lack of a header): the browser refuses either way, but a person reading
// the network panel or curl learns which setting to change. Responses then depend on the request's Origin, and say
// so (Vary: Origin) to caches. Without origins, no plugin answers on every response: a response hook, even one that
// does nothing, cost a tenth of the throughput.
import { useCORS } from "@whatwg-node/server";
import type { Plugin } from "graphql-yoga";
import { gatewayError } from "../schema/errors.ts";
import { refusalResponse } from "./refusal.ts";

export function useCors(origins: readonly string[]): Plugin {
  const allowed = new Set(origins);
  return {
    onPluginInit({ addPlugin }) {
      if (origins.length === 0) return;
      // The request's own origin when listed, else no CORS headers at all (whatwg-node's list form would answer "null").
      addPlugin(
        useCORS((request) => {
          const origin = request.headers.get("origin");
          return origin !== null && allowed.has(origin) ? { origin: [origin], methods: ["GET", "POST"], credentials: false } : false;
        }) as Plugin,
      );
      // After the CORS plugin's hook, which sets Vary on preflights.
      addPlugin({
        onResponse({ response }) {
          const vary = response.headers.get("vary");
          if (!vary?.split(",").some((name) => name.trim().toLowerCase() === "origin")) response.headers.append("vary", "Origin");
        },
      });
    },
    onRequest({ request, endResponse, fetchAPI }) {
      if (request.method !== "OPTIONS") return;
      const origin = request.headers.get("origin");
      if (origin === null || allowed.has(origin) || !request.headers.has("access-control-request-method")) return;
      const error = gatewayError(
        "ORIGIN_NOT_ALLOWED",
        `Origin ${origin} is not in CORS_ORIGINS: browsers on it may not call this gateway.`,
      );
      endResponse(refusalResponse(fetchAPI, error));
    },
  };
}
