// A browser's preflight from an origin CORS_ORIGINS does not list is refused with 403 and a body that says so, where
// yoga would answer 204 without the headers (or the CSRF check its lack of a header): the browser refuses either
// way, but a person reading the network panel or curl learns which setting to change.
import type { Plugin } from "graphql-yoga";
import { gatewayError } from "../schema/failures.ts";

export function useCorsRefusal(origins: readonly string[]): Plugin {
  const allowed = new Set(origins);
  return {
    onResponse({ request, setResponse, fetchAPI }) {
      const origin = request.headers.get("origin");
      const preflight = request.method === "OPTIONS" && origin !== null && request.headers.has("access-control-request-method");
      if (!preflight || allowed.has(origin)) return;
      const error = gatewayError(
        "ORIGIN_NOT_ALLOWED",
        `Origin ${origin} is not in CORS_ORIGINS: browsers on it may not call this gateway.`,
      );
      setResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [error] }), { status: 403, headers: { "content-type": "application/json" } }),
      );
    },
  };
}
