// A response holds its first MAX_ERRORS errors and, for the rest, one error that counts them by code and gives their
// first paths: 60,000 failed items made 13.7 MB of errors, each one masked, coded and written, for one request. List
// items' failures (ItemFailure) become GraphQL errors here, only if kept.
import type { ExecutionResult } from "graphql";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { handleStreamOrSingleExecutionResult } from "graphql-yoga";
import { expectedCode, gatewayError } from "../schema/errors.ts";
import { ItemFailure } from "../schema/item-failure.ts";

/** Errors kept as they are: as many as one AWS call answers items, so one failed batch is told in full. */
const MAX_ERRORS = 25;
/** Paths of the errors left out, to find them by. */
const OMITTED_PATHS = 10;

/** An error's code before masking: a failure from AWS access carries it in its original error. */
function codeOf(error: GraphQLError | ItemFailure): string {
  let source: Error | undefined = error instanceof ItemFailure ? error.original : error;
  if (source instanceof GraphQLError) {
    if (typeof source.extensions.code === "string") return source.extensions.code;
    source = source.originalError;
  }
  return expectedCode(source) ?? "INTERNAL_SERVER_ERROR";
}

function omitted(errors: readonly (GraphQLError | ItemFailure)[]): GraphQLError {
  const codes: Record<string, number> = {};
  for (const error of errors) {
    const code = codeOf(error);
    codes[code] = (codes[code] ?? 0) + 1;
  }
  const paths = errors.slice(0, OMITTED_PATHS).map((error) => error.path);
  const count = errors.length.toLocaleString("en-US");
  const byCode = Object.entries(codes)
    .map(([code, n]) => `${code}: ${n.toLocaleString("en-US")}`)
    .join(", ");
  return gatewayError("ERRORS_OMITTED", `${count} more errors are left out (${byCode}); \`paths\` gives the first ${paths.length}.`, {
    count: errors.length,
    codes,
    paths,
  });
}

function bound({ result, setResult }: { result: ExecutionResult; setResult: (result: ExecutionResult) => void }) {
  const errors = result.errors as readonly (GraphQLError | ItemFailure)[] | undefined;
  if (!errors || (errors.length <= MAX_ERRORS && !errors.some((error) => error instanceof ItemFailure))) return;
  const kept = errors.slice(0, MAX_ERRORS).map((error) => (error instanceof ItemFailure ? error.located() : error));
  setResult({ ...result, errors: errors.length > MAX_ERRORS ? [...kept, omitted(errors.slice(MAX_ERRORS))] : kept });
}

/**
 * Before every other plugin's look at a result's errors (the request log's, masking, coding), so only those kept cost
 * that work, and an ItemFailure is never taken for a GraphQL error.
 */
export function useErrorLimit(): Plugin {
  return {
    onExecute: () => ({ onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, bound) }),
    onSubscribe: () => ({ onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload, bound) }),
  };
}
