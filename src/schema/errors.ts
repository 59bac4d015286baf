// Where errors become GraphQL errors, in the client contract's terms as src/error-codes.ts decides them:
// `extensions.code`, `retryable`, the HTTP status of a request refused whole, AWS's own code beside ours, and for
// refused input the GraphQL path a client wrote and the rule.
import { GraphQLError } from "graphql";
import { maskError as maskUnexpected } from "graphql-yoga";
import { camelCasePath } from "../aws/camel-case.ts";
import type { Failure } from "../aws/failure.ts";
import { FailureError } from "../aws/failure.ts";
import type { Violation } from "../constraints.ts";
import type { ErrorCode } from "../error-codes.ts";
import { codeOf, ERROR_CODES, retryableOf } from "../error-codes.ts";

/**
 * An error of the one vocabulary. One whose code refuses a request whole carries that code's HTTP status (and
 * `headers`, as Retry-After) for yoga; a field's error sets none, as the data beside it is answered 200.
 */
export function gatewayError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  headers?: Record<string, string>,
): GraphQLError {
  const { retryable, status } = ERROR_CODES[code];
  const http = status === 200 ? {} : { http: { status, ...(headers ? { headers } : {}) } };
  return new GraphQLError(message, { extensions: { code, retryable, ...extensions, ...http } });
}

/** An AWS member path (`Filters[0].Values[2]`) as the argument path a client wrote (`filter.filters[0].values[2]`). */
export function argumentPath(field: string, argumentPaths: Record<string, string>): string {
  return camelCasePath(field.replace(/^[A-Za-z]+/, (member) => argumentPaths[member] ?? member));
}

/** Input refused before any AWS call: the first violation, at the argument path a client wrote. */
export function validationError(violations: readonly Violation[], argumentPaths: Record<string, string> = {}): GraphQLError {
  const [first] = violations;
  const field = argumentPath(first!.field, argumentPaths);
  return gatewayError("VALIDATION", `${field}: ${first!.detail}`, { field, rule: first!.rule });
}

/** Throws the validation error for `violations`, if any. */
export function refuseInvalid(violations: readonly Violation[], argumentPaths: Record<string, string> = {}): void {
  if (violations.length > 0) throw validationError(violations, argumentPaths);
}

function failureExtensions(failure: Failure): Record<string, unknown> {
  const code = codeOf(failure);
  return {
    code,
    retryable: retryableOf(failure),
    ...(failure.awsErrorCode ? { awsErrorCode: failure.awsErrorCode } : {}),
    ...(failure.retryAfter !== undefined ? { retryAfter: failure.retryAfter } : {}),
  };
}

/** The client's code of a failure the client gets typed (AWS's, refused input, a bad cursor): an answer, not an error to log. */
export function expectedCode(error: unknown): ErrorCode | undefined {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return original instanceof FailureError ? codeOf(original.failure) : undefined;
}

/**
 * yoga's error masking: a failure from the AWS layer becomes its typed error at the field's path; any other error
 * that is not a GraphQL error is unexpected, and reads "Unexpected error." with code INTERNAL_SERVER_ERROR.
 */
export function maskError(error: unknown, message: string, isDev?: boolean): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (!(original instanceof FailureError)) return maskUnexpected(error, message, isDev);
  const { failure } = original;
  const located = error instanceof GraphQLError ? error : undefined;
  if (failure.violations?.length) {
    const masked = validationError(failure.violations);
    return new GraphQLError(masked.message, { nodes: located?.nodes, path: located?.path, extensions: masked.extensions });
  }
  return new GraphQLError(failure.message, { nodes: located?.nodes, path: located?.path, extensions: failureExtensions(failure) });
}
