// AWS failures in terms safe to show: a stable code and a message with nothing from the upstream response that
// identifies AWS internals (request IDs, ARNs, account IDs, endpoints).
import { WorkSpacesServiceException } from "@aws-sdk/client-workspaces";
import { GraphQLError } from "graphql";
import { CursorError } from "./cursor.ts";

export type GatewayErrorCode =
  | "THROTTLED"
  | "INVALID_PARAMETER"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "UPSTREAM_UNAVAILABLE"
  | "UPSTREAM_ERROR"
  | "VALIDATION"
  | "INVALID_CURSOR"
  | "CURSOR_EXPIRED"
  | "DEADLINE_EXCEEDED";

export function gatewayError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** A write failed after it may have reached AWS: it is not retried, and its outcome must be checked. */
export class OutcomeUnknownError extends Error {
  override readonly name = "OutcomeUnknownError";

  constructor() {
    // No `cause`: the SDK would follow it, see a transient error and retry the write.
    super("The call failed after it may have reached AWS.");
  }
}

export type AwsFailure =
  | { kind: "throttled"; message: string }
  | { kind: "unavailable"; message: string }
  /** The request's deadline passed (or its client left) while the call was in flight. */
  | { kind: "deadline"; message: string }
  /** A write failed in a way that does not tell whether AWS applied it. */
  | { kind: "unknown"; message: string }
  /** AWS refused the call: `exception` is its exception name, `message` its own words, scrubbed. */
  | { kind: "refused"; exception: string; message: string };

const THROTTLED_MESSAGE = "AWS is throttling requests; retry after a short wait.";
const UNAVAILABLE_MESSAGE = "AWS WorkSpaces could not be reached or failed; retry later.";

/** Removes what identifies AWS internals from an AWS message. */
export function scrubMessage(message: string): string {
  return message
    .replace(/arn:aws[\w-]*:[^\s"',)]*/g, "<arn>")
    .replace(/\b\d{12}\b/g, "<account>")
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>")
    .replace(/https?:\/\/\S+/g, "<endpoint>")
    .slice(0, 500);
}

const DEADLINE_MESSAGE = "The request's time for AWS calls ran out; retry, or ask for less.";
const UNKNOWN_MESSAGE = "The call to AWS failed after it may have been applied; check before retrying.";

export function describeAwsFailure(error: unknown): AwsFailure {
  if (error instanceof OutcomeUnknownError) return { kind: "unknown", message: UNKNOWN_MESSAGE };
  // The SDK names a reset socket TimeoutError too; only a signal's own timeout (a DOMException) is the deadline.
  if ((error as Error)?.name === "AbortError" || (error instanceof DOMException && error.name === "TimeoutError")) {
    return { kind: "deadline", message: DEADLINE_MESSAGE };
  }
  if (!(error instanceof WorkSpacesServiceException)) return { kind: "unavailable", message: UNAVAILABLE_MESSAGE };
  const status = error.$metadata?.httpStatusCode ?? 500;
  if (error.name === "ThrottlingException" || error.$retryable?.throttling === true || status === 429) {
    return { kind: "throttled", message: THROTTLED_MESSAGE };
  }
  if (status >= 500) return { kind: "unavailable", message: UNAVAILABLE_MESSAGE };
  return { kind: "refused", exception: error.name, message: scrubMessage(error.message || error.name) };
}

/** A write's failure: one cut short by the deadline may still have been applied, so its outcome is unknown. */
export function describeWriteFailure(error: unknown): AwsFailure {
  const failure = describeAwsFailure(error);
  return failure.kind === "deadline" ? { kind: "unknown", message: UNKNOWN_MESSAGE } : failure;
}

/** The code a failed item carries: AWS's exception name when it refused, else the gateway's. */
export function failureCode(failure: AwsFailure): string {
  switch (failure.kind) {
    case "refused":
      return failure.exception;
    case "throttled":
      return "THROTTLED";
    case "unavailable":
      return "UPSTREAM_UNAVAILABLE";
    case "deadline":
      return "DEADLINE_EXCEEDED";
    case "unknown":
      return "OUTCOME_UNKNOWN";
  }
}

const QUERY_CODES: Record<string, GatewayErrorCode> = {
  InvalidParameterValuesException: "INVALID_PARAMETER",
  ResourceNotFoundException: "NOT_FOUND",
  AccessDeniedException: "FORBIDDEN",
};

/** The GraphQL error for any failure of a read. */
export function fromAwsError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof CursorError) return gatewayError(error.code, error.message);
  const failure = describeAwsFailure(error);
  switch (failure.kind) {
    case "throttled":
      return gatewayError("THROTTLED", failure.message, { retryable: true });
    case "unavailable":
    case "unknown":
      return gatewayError("UPSTREAM_UNAVAILABLE", failure.message, { retryable: true });
    case "deadline":
      return gatewayError("DEADLINE_EXCEEDED", failure.message, { retryable: true });
    case "refused":
      return gatewayError(QUERY_CODES[failure.exception] ?? "UPSTREAM_ERROR", failure.message);
  }
}
