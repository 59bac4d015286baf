// A request refused whole before yoga reads it (no credentials, an origin not allowed, a caller's share spent): the
// HTTP status and headers its error carries from src/error-codes.ts, and the error as yoga would write it.
import type { GraphQLError } from "graphql";
import type { FetchAPI } from "graphql-yoga";

interface HttpExtension {
  status: number;
  headers?: Record<string, string>;
}

export function refusalResponse(fetchAPI: FetchAPI, error: GraphQLError): Response {
  const { http, ...extensions } = error.extensions as { http: HttpExtension };
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message: error.message, extensions }] }), {
    status: http.status,
    headers: { "content-type": "application/json", ...http.headers },
  });
}
