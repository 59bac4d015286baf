// CORS: browsers on the origins CORS_ORIGINS lists (and outside production on http://localhost and http://127.0.0.1,
// any port: frontends' dev servers) may call the gateway (whatwg-node's CORS plugin, which yoga uses), and a preflight
// from any other origin is refused with 403 and a body that says so, where yoga would answer 204 without the headers
// (or the CSRF check its lack of a header): the browser refuses either way, but a person reading the network panel or
// curl learns which setting to change, and the gateway's log names the origin once. Responses then depend on the
// request's Origin, and say so (Vary: Origin) to caches. Without origins, no plugin answers on every response: a
// response hook, even one that does nothing, cost a tenth of the throughput.
import { useCORS } from "@whatwg-node/server";
import type { Plugin } from "graphql-yoga";
import type { Logger } from "../logger.ts";
import { gatewayError } from "../schema/errors.ts";
import { refusalResponse } from "./refusal.ts";

export interface CorsSettings {
  /** Origins as browsers send them (scheme://host[:port]). */
  origins: readonly string[];
  /** Also http://localhost:* and http://127.0.0.1:* (CORS_ALLOW_LOCALHOST, on outside production). */
  localhost: boolean;
}

const LOCAL_DEVELOPMENT = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/** Origins refused so far, each logged once; bounded, so a flood of made-up origins cannot grow it. */
const MAX_LOGGED_ORIGINS = 1_000;

/** Which origins may call the gateway from a browser, and the log line for one that may not. */
export class OriginPolicy {
  private readonly listed: ReadonlySet<string>;
  private readonly logged = new Set<string>();

  constructor(
    readonly settings: CorsSettings,
    private readonly logger: Logger,
  ) {
    this.listed = new Set(settings.origins);
  }

  /** Whether any origin besides the gateway's own may call it. */
  get crossOrigin(): boolean {
    return this.listed.size > 0 || this.settings.localhost;
  }

  allows(origin: string): boolean {
    return this.listed.has(origin) || (this.settings.localhost && LOCAL_DEVELOPMENT.test(origin));
  }

  /** Whether a request's Origin may call: none (not a browser's cross-origin request), the gateway's own, or allowed. */
  admits(origin: string | null, host: string | null): boolean {
    if (origin === null || this.allows(origin)) return true;
    if (URL.canParse(origin) && new URL(origin).host === host) return true;
    this.noteRefused(origin);
    return false;
  }

  private noteRefused(origin: string): void {
    if (this.logged.has(origin) || this.logged.size >= MAX_LOGGED_ORIGINS) return;
    this.logged.add(origin);
    this.logger.warn(
      { origin },
      `a browser on ${origin} was refused: add it to CORS_ORIGINS (comma-separated origins) to let it call the gateway`,
    );
  }
}

export function useCors(policy: OriginPolicy): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      if (!policy.crossOrigin) return;
      // The request's own origin when allowed, else no CORS headers at all (whatwg-node's list form would answer "null").
      addPlugin(
        useCORS((request) => {
          const origin = request.headers.get("origin");
          return origin !== null && policy.admits(origin, request.headers.get("host"))
            ? { origin: [origin], methods: ["GET", "POST"], credentials: false }
            : false;
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
      if (!request.headers.has("access-control-request-method") || policy.admits(origin, request.headers.get("host"))) return;
      const error = gatewayError(
        "ORIGIN_NOT_ALLOWED",
        `Origin ${origin} is not in CORS_ORIGINS: browsers on it may not call this gateway.`,
      );
      endResponse(refusalResponse(fetchAPI, error));
    },
  };
}
