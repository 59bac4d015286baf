// Every GraphQL request needs valid credentials when authentication is configured: 401 before anything else runs.
import type { Plugin } from "graphql-yoga";
import type { Authenticator } from "../auth/authenticator.ts";
import { AuthenticationUnavailable } from "../auth/jwt.ts";
import type { Principal } from "../auth/principal.ts";
import { OPEN_ACCESS } from "../auth/principal.ts";
import { gatewayError } from "../schema/errors.ts";
import { refusalResponse } from "./refusal.ts";
import { recordOf } from "./request-log.ts";

const principals = new WeakMap<Request, Principal>();

/** The client's address, from the node request yoga was handed. */
const addressOf = (serverContext: unknown) =>
  (serverContext as { req?: { socket?: { remoteAddress?: string } } }).req?.socket?.remoteAddress;

/** Nobody: what a request that skipped authentication may do. */
const NO_ACCESS: Principal = { id: "none", scopes: new Set() };

export const principalOf = (request: Request): Principal => principals.get(request) ?? NO_ACCESS;

const UNAUTHENTICATED = gatewayError(
  "UNAUTHENTICATED",
  "Missing or invalid credentials: send Authorization: Bearer <API key or token>.",
  {},
  { "WWW-Authenticate": 'Bearer realm="workspaces-gateway"' },
);

const UNAVAILABLE = gatewayError(
  "AUTHENTICATION_UNAVAILABLE",
  "Credentials cannot be checked right now (the token issuer's keys are unreachable); retry shortly.",
  {},
  { "Retry-After": "5" },
);

export function useAuthentication(authenticator: Authenticator): Plugin {
  return {
    async onRequest({ request, serverContext, endResponse, fetchAPI }) {
      let principal: Principal | undefined;
      try {
        principal = await authenticator.authenticate(request.headers.get("authorization"));
      } catch (error) {
        if (!(error instanceof AuthenticationUnavailable)) throw error;
        endResponse(refusalResponse(fetchAPI, UNAVAILABLE));
        return;
      }
      if (!principal) {
        endResponse(refusalResponse(fetchAPI, UNAUTHENTICATED));
        return;
      }
      identify(request, principal, addressOf(serverContext));
    },
  };
}

/** Records who sent a request: an HTTP request, or an operation over WebSocket, whose connection was authenticated. */
export function identify(request: Request, principal: Principal, address: string | undefined): void {
  // With no credentials to tell callers apart, their address does, so each gets its own share of the AWS budget.
  const caller = principal === OPEN_ACCESS ? { ...principal, id: `address:${address ?? "unknown"}` } : principal;
  principals.set(request, caller);
  const record = recordOf(request);
  if (record) record.principal = caller.id;
}
