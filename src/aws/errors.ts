// AWS failures as GraphQL errors: a stable extensions.code and a message safe to show. Nothing from the upstream
// response (request IDs, ARNs, endpoints, bodies) is carried over.
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

function isThrottling(error: WorkSpacesServiceException): boolean {
  return error.name === "ThrottlingException" || error.$retryable?.throttling === true || error.$metadata?.httpStatusCode === 429;
}

/** The GraphQL error for any failure of an AWS call. */
export function fromAwsError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof CursorError) return gatewayError(error.code, error.message);
  if (error instanceof WorkSpacesServiceException) {
    if (isThrottling(error)) return gatewayError("THROTTLED", "AWS is throttling requests; retry after a short wait.", { retryable: true });
    switch (error.name) {
      case "InvalidParameterValuesException":
        return gatewayError("INVALID_PARAMETER", "AWS refused a parameter of the request as invalid.");
      case "ResourceNotFoundException":
        return gatewayError("NOT_FOUND", "AWS has no such resource.");
      case "AccessDeniedException":
        return gatewayError("FORBIDDEN", "The gateway's AWS credentials are not allowed to do this.");
    }
    const status = error.$metadata?.httpStatusCode ?? 500;
    if (status >= 500) return gatewayError("UPSTREAM_UNAVAILABLE", "AWS WorkSpaces is unavailable; retry later.", { retryable: true });
    return gatewayError("UPSTREAM_ERROR", "AWS WorkSpaces refused the request.");
  }
  return gatewayError("UPSTREAM_UNAVAILABLE", "AWS WorkSpaces could not be reached; retry later.", { retryable: true });
}
