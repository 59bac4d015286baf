// Every error a client sees carries a code of the one vocabulary: graphql-js's and yoga's own errors (an invalid
// document or variable, a body that is not JSON) are coded as src/error-codes.ts tells them, cut to a readable length
// (graphql-js quotes a bad variable's whole value, up to 50 times), stripped of what echoes the request, and, with
// introspection off, of the schema's names in "Did you mean" suggestions.

import type { ExecutionResult } from "graphql";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { handleStreamOrSingleExecutionResult, isAsyncIterable } from "graphql-yoga";
import { codeOfForeign, ERROR_CODES } from "../error-codes.ts";

const MAX_MESSAGE_LENGTH = 300;

// graphql-armor's blockFieldSuggestions misses enum values ("Did you mean the enum value ...?") and variables' errors.
const SUGGESTION = / ?Did you mean [^?]*\?/g;

/** yoga's codes for an invalid document, as ours. */
const DOCUMENT_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"]);

/** Errors execution answered before running anything: variables that do not fit the document's (yoga's HTTP 400). */
const refusedBeforeExecution = new WeakSet<GraphQLError>();

/** What yoga's error refuses: the document (its own codes, variables refused at execution, no HTTP status) or the request. */
function refusedPart(error: GraphQLError): "document" | "request" {
  const { code, http } = error.extensions;
  return (typeof code === "string" && DOCUMENT_CODES.has(code)) || refusedBeforeExecution.has(error) || !http ? "document" : "request";
}

/** A result without data is execution refusing the request's variables or operation name. */
function noteRefusal({ result }: { result: ExecutionResult | AsyncIterable<unknown> }) {
  if (isAsyncIterable(result) || "data" in result) return;
  for (const error of result.errors ?? []) refusedBeforeExecution.add(error);
}

/** What yoga's error tells its HTTP response: `spec` keeps the status for application/graphql-response+json alone. */
interface HttpExtension {
  spec?: boolean;
  status?: number;
  headers?: Record<string, string>;
}

/**
 * A refused request (a body that is not JSON, or none, no query) is HTTP 400 under application/json too, as GraphQL
 * over HTTP says; yoga marks some of them `spec`, which would answer them 200 there.
 */
function statusUnderEveryMediaType(http: HttpExtension): HttpExtension {
  const { spec: _spec, ...kept } = http;
  return kept;
}

function clientError(error: GraphQLError, hideSuggestions: boolean): GraphQLError {
  if (!(error instanceof GraphQLError)) return error;
  // A failure of a resolver (unexpected, or AWS's) is for the error masking to word, not for this.
  if (error.originalError && !(error.originalError instanceof GraphQLError)) return error;
  const part = refusedPart(error);
  const code = codeOfForeign(error.extensions.code, part);
  if (code === error.extensions.code && "retryable" in error.extensions) return error;
  let message = hideSuggestions ? error.message.replace(SUGGESTION, "") : error.message;
  if (message.length > MAX_MESSAGE_LENGTH) message = `${message.slice(0, MAX_MESSAGE_LENGTH)}…`;
  const { originalError: _echo, ...extensions } = error.extensions as Record<string, unknown>;
  if (part === "request") extensions.http = statusUnderEveryMediaType(extensions.http as HttpExtension);
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...extensions, code, retryable: ERROR_CODES[code].retryable },
  });
}

export function useClientErrors({ hideSuggestions }: { hideSuggestions: boolean }): Plugin {
  const fix = ({ result, setResult }: { result: ExecutionResult; setResult: (result: ExecutionResult) => void }) => {
    if (result.errors?.length) setResult({ ...result, errors: result.errors.map((error) => clientError(error, hideSuggestions)) });
  };
  return {
    onExecute: () => ({ onExecuteDone: noteRefusal }),
    // A subscription's events: each result of the stream.
    onSubscribe: () => ({
      onSubscribeResult: (payload) => {
        noteRefusal(payload);
        return handleStreamOrSingleExecutionResult(payload, fix);
      },
    }),
    // Everything else, request errors included, once the response is about to be written.
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) return;
      if (Array.isArray(result))
        setResult(
          result.map((one) => (one.errors?.length ? { ...one, errors: one.errors.map((e) => clientError(e, hideSuggestions)) } : one)),
        );
      else fix({ result: result as ExecutionResult, setResult });
    },
  };
}
