// graphql-js words an invalid variable by quoting the whole value, up to 50 times: a small bad request could get
// an answer of megabytes. Its own errors (those with no code) are cut to a readable length and coded BAD_USER_INPUT.

import type { ExecutionResult } from "graphql";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { handleStreamOrSingleExecutionResult } from "graphql-yoga";

const MAX_MESSAGE_LENGTH = 300;

function boundedError(error: GraphQLError): GraphQLError {
  // Coded errors are the gateway's own; a failure that is not a GraphQLError is unexpected, and masked elsewhere.
  if (error.extensions.code || (error.originalError && !(error.originalError instanceof GraphQLError))) return error;
  const message = error.message.length > MAX_MESSAGE_LENGTH ? `${error.message.slice(0, MAX_MESSAGE_LENGTH)}…` : error.message;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: { ...error.extensions, code: "BAD_USER_INPUT" },
  });
}

function bound({ result, setResult }: { result: ExecutionResult; setResult: (result: ExecutionResult) => void }) {
  if (result.errors?.length) setResult({ ...result, errors: result.errors.map(boundedError) });
}

export function useClientErrors(): Plugin {
  return {
    onExecute: () => ({ onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, bound) }),
    onSubscribe: () => ({
      onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, bound),
    }),
  };
}
