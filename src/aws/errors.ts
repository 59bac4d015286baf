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
  | "CURSOR_EXPIRED";

export function gatewayError(code: GatewayErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export type AwsFailure =
  | { kind: "throttled"; message: string }
  | { kind: "unavailable"; message: string }
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

export function describeAwsFailure(error: unknown): AwsFailure {
  if (!(error instanceof WorkSpacesServiceException)) return { kind: "unavailable", message: UNAVAILABLE_MESSAGE };
  const status = error.$metadata?.httpStatusCode ?? 500;
  if (error.name === "ThrottlingException" || error.$retryable?.throttling === true || status === 429) {
    return { kind: "throttled", message: THROTTLED_MESSAGE };
  }
  if (status >= 500) return { kind: "unavailable", message: UNAVAILABLE_MESSAGE };
  return { kind: "refused", exception: error.name, message: scrubMessage(error.message || error.name) };
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
      return gatewayError("UPSTREAM_UNAVAILABLE", failure.message, { retryable: true });
    case "refused":
      return gatewayError(QUERY_CODES[failure.exception] ?? "UPSTREAM_ERROR", failure.message);
  }
}
