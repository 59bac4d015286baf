// A request refused whole before yoga reads it (no credentials, an origin not allowed, a caller's share spent): the
// HTTP status and headers its error carries from src/error-codes.ts, and the error as yoga would write it.
import type { GraphQLError } from "graphql";
import type { FetchAPI } from "graphql-yoga";

interface HttpExtension {
  status: number;
  headers?: Record<string, string>;
}

/** The refusal's status, headers and body, over HTTP or at a WebSocket's upgrade alike. */
export function refusalOf(error: GraphQLError): { status: number; headers: Record<string, string>; body: string } {
  const { http, ...extensions } = error.extensions as { http: HttpExtension };
  const body = JSON.stringify({ errors: [{ message: error.message, extensions }] });
  return { status: http.status, headers: { "content-type": "application/json", ...http.headers }, body };
}

export function refusalResponse(fetchAPI: FetchAPI, error: GraphQLError): Response {
  const { status, headers, body } = refusalOf(error);
  return new fetchAPI.Response(body, { status, headers });
}
