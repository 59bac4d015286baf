// Trusted documents: the operations a frontend ships, registered at its build (PERSISTED_DOCUMENTS) and sent by
// `documentId` as the GraphQL-over-HTTP persisted documents appendix has it (POST body or GET parameter), by yoga's
// persisted operations plugin. With PERSISTED_DOCUMENTS_ONLY, other documents are refused, except from credentials
// with the `adhoc` scope (operators in GraphiQL).

import type { UsePersistedOperationsOptions } from "@graphql-yoga/plugin-persisted-operations";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import type { GraphQLError, GraphQLSchema } from "graphql";
import { parse, validate } from "graphql";
import type { GraphQLParams, Plugin } from "graphql-yoga";
import { ConfigurationError } from "../configuration-error.ts";
import { gatewayError } from "../schema/errors.ts";
import { principalOf } from "./authentication.ts";

/** Trusted documents: what frontends registered at build time, by document ID. */
export interface PersistedDocumentsSettings {
  /** Document ID to document text, from the manifests PERSISTED_DOCUMENTS names. */
  documents: ReadonlyMap<string, string>;
  /** Document ID to the manifest it came from, named when a document is refused at start-up. */
  manifests: ReadonlyMap<string, string>;
  /** Refuse any other document, except from credentials with the `adhoc` scope. */
  only: boolean;
}

/** The document ID a request names: `documentId` in a JSON body (yoga passes it on) or in a GET's query string. */
function documentIdOf(params: GraphQLParams, request: Request): string | null {
  const sent = (params as { documentId?: unknown }).documentId;
  if (typeof sent === "string") return sent;
  return request.method === "GET" ? new URL(request.url).searchParams.get("documentId") : null;
}

/** `message (line 3, column 5)`, on one line. */
function oneLine(error: GraphQLError): string {
  const [location] = error.locations ?? [];
  const where = location ? ` (line ${location.line}, column ${location.column})` : "";
  return `${error.message.replace(/\s+/g, " ")}${where}`;
}

/**
 * Every persisted document parsed and validated against the schema served, at start-up: a frontend's document that
 * cannot run is the deployment's mistake, found before the first user sends its ID.
 */
export function checkPersistedDocuments({ documents, manifests }: PersistedDocumentsSettings, schema: GraphQLSchema): void {
  for (const [id, text] of documents) {
    let errors: readonly GraphQLError[];
    try {
      errors = validate(schema, parse(text));
    } catch (error) {
      errors = [error as GraphQLError];
    }
    if (errors.length > 0) {
      throw new ConfigurationError(`PERSISTED_DOCUMENTS: ${manifests.get(id)}: document "${id}" is not valid: ${oneLine(errors[0]!)}`);
    }
  }
}

export function usePersistedDocuments({ documents, only }: PersistedDocumentsSettings): Plugin {
  // `sha256:<hex>` (the appendix's prefixed form, which the client preset writes) and the bare hex (Relay's) are one.
  const textOf = (id: string) => documents.get(id) ?? documents.get(id.startsWith("sha256:") ? id.slice(7) : `sha256:${id}`) ?? null;
  const options: UsePersistedOperationsOptions = {
    getPersistedOperation: textOf,
    extractPersistedOperationId: documentIdOf,
    allowArbitraryOperations: only ? (request) => principalOf(request).scopes.has("adhoc") : true,
    customErrors: {
      notFound: ({ params, request }) =>
        gatewayError(
          "PERSISTED_DOCUMENT_NOT_FOUND",
          `documentId "${String(documentIdOf(params, request)).slice(0, 100)}" is not a persisted document of this gateway.`,
        ),
      persistedQueryOnly: () =>
        gatewayError(
          "PERSISTED_DOCUMENTS_ONLY",
          "This gateway runs persisted documents only: send a documentId (or use a credential with the adhoc scope).",
        ),
      keyNotFound: () => gatewayError("BAD_REQUEST", "Send a query or a documentId."),
    },
  };
  return usePersistedOperations(options) as Plugin;
}
