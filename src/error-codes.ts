// What a client sees of every error, decided here alone: the one vocabulary of codes (in `extensions.code` and in every
// error type's `code`), what each means, whether the same request can succeed later and the HTTP status of a request
// it refuses whole; and the code each failure the AWS layer describes, and each of graphql-js's and yoga's own errors,
// is told as. The schema's ErrorCode enum and docs/errors.md's table come from it.
import type { Failure, InvalidReason, UnsentReason } from "./aws/failure.ts";

interface CodeFacts {
  /** Whether the same request can succeed later. */
  retryable: boolean;
  /** The HTTP status of a request this error refuses whole; a field's error comes beside the data, in a 200. */
  status: number;
  meaning: string;
}

export const ERROR_CODES = {
  VALIDATION: {
    retryable: false,
    status: 200,
    meaning: "The gateway refused the input before calling AWS; `field` and `rule` say which and why.",
  },
  BAD_USER_INPUT: {
    retryable: false,
    status: 400,
    meaning:
      "The document or its variables do not fit the schema (an unknown field, a variable of the wrong type or missing): HTTP 400, but 200 for the document's own errors under `Accept: application/json`, as GraphQL over HTTP has it.",
  },
  BAD_REQUEST: {
    retryable: false,
    status: 400,
    meaning: "The HTTP request is not a GraphQL request: no query, a body that is not JSON, a bad header.",
  },
  REQUEST_ENTITY_TOO_LARGE: { retryable: false, status: 413, meaning: "The body is over MAX_BODY_BYTES." },
  PERSISTED_DOCUMENT_NOT_FOUND: {
    retryable: false,
    status: 400,
    meaning: "The documentId is not among the gateway's persisted documents (PERSISTED_DOCUMENTS): the frontend and gateway disagree.",
  },
  PERSISTED_DOCUMENTS_ONLY: {
    retryable: false,
    status: 403,
    meaning: "Only persisted documents run here (PERSISTED_DOCUMENTS_ONLY): send a documentId, or use a credential with the adhoc scope.",
  },
  QUERY_TOO_COMPLEX: {
    retryable: false,
    status: 400,
    meaning:
      "Over a query limit (`rule`: depth, aliases, directives, tokens, fields, fieldPairs, cost or listSize, the last with `field`, the list's path; `limit`; `actual`, the number found, for tokens `limit` + 1 as counting stops there); refused before anything runs, HTTP 400.",
  },
  UNAUTHENTICATED: { retryable: false, status: 401, meaning: "No credentials, or credentials the gateway does not accept (HTTP 401)." },
  AUTHENTICATION_UNAVAILABLE: { retryable: true, status: 503, meaning: "The token issuer's keys cannot be fetched right now (HTTP 503)." },
  FORBIDDEN: { retryable: false, status: 200, meaning: "The credential lacks the scope the field needs (read or write)." },
  ORIGIN_NOT_ALLOWED: {
    retryable: false,
    status: 403,
    meaning: "A browser's preflight from an origin CORS_ORIGINS does not list (HTTP 403).",
  },
  INVALID_CURSOR: { retryable: false, status: 200, meaning: "`after` is not a cursor this gateway issued for this list and filter." },
  CURSOR_EXPIRED: {
    retryable: false,
    status: 200,
    meaning: "The cursor is older than 24 hours, as AWS's NextToken; start from the first page.",
  },
  NOT_FOUND: { retryable: false, status: 200, meaning: "AWS has no such resource (a WorkSpace, directory or bundle)." },
  ALREADY_EXISTS: { retryable: false, status: 200, meaning: "AWS already has it: a user has one WorkSpace per bundle and directory." },
  INVALID_STATE: {
    retryable: false,
    status: 200,
    meaning: "The resource's state does not allow the change (a WorkSpace must be AVAILABLE or STOPPED).",
  },
  IN_PROGRESS: {
    retryable: true,
    status: 200,
    meaning: "Another change to the resource, or a create with the same idempotencyKey, is in progress; retry once it settles.",
  },
  UNSUPPORTED: { retryable: false, status: 200, meaning: "AWS does not support this configuration or operation here." },
  INVALID_PARAMETER: {
    retryable: false,
    status: 200,
    meaning: "AWS found a parameter invalid (a rule the gateway could not check beforehand).",
  },
  ACCESS_DENIED: { retryable: false, status: 200, meaning: "The gateway's AWS credentials may not do this (IAM)." },
  RESOURCE_UNAVAILABLE: { retryable: true, status: 200, meaning: "AWS says the resource is unavailable for now." },
  LIMIT_EXCEEDED: { retryable: false, status: 200, meaning: "An AWS account limit is reached." },
  UPSTREAM_ERROR: {
    retryable: false,
    status: 200,
    meaning: "AWS refused with an error this gateway does not classify; `awsErrorCode` names it.",
  },
  RATE_LIMITED: {
    retryable: true,
    status: 429,
    meaning:
      "The caller's share of the AWS budget is spent (HTTP 429), or a call could not be sent in time; nothing was sent. Retry after `retryAfter` seconds.",
  },
  THROTTLED: { retryable: true, status: 200, meaning: "AWS throttled the call past the gateway's retries; retry after a short wait." },
  UPSTREAM_UNAVAILABLE: {
    retryable: true,
    status: 200,
    meaning:
      "AWS could not be reached or failed (5xx), or a keyed create could not reach the gateways' shared store (Redis); nothing was applied.",
  },
  OVERLOADED: {
    retryable: true,
    status: 503,
    meaning:
      "This gateway holds as many subscriptions as it may (MAX_SUBSCRIPTIONS, all callers together): retry later, or through another gateway.",
  },
  DEADLINE_EXCEEDED: { retryable: true, status: 200, meaning: "The request's time for AWS calls (REQUEST_DEADLINE_MS) ran out." },
  OUTCOME_UNKNOWN: {
    retryable: false,
    status: 200,
    meaning:
      "A write failed after it may have reached AWS: check its effect before sending it again. Only a create with an idempotencyKey says `retryable` true: a retry with the same key finds what became of it.",
  },
  ERRORS_OMITTED: {
    retryable: false,
    status: 200,
    meaning:
      "Stands for a response's errors past its first 25: `count` says how many, `codes` how many of each code, `paths` the first 10 of their paths.",
  },
  INTERNAL_SERVER_ERROR: {
    retryable: false,
    status: 500,
    meaning: "An unexpected error, logged with the request ID; the message says no more.",
  },
} as const satisfies Record<string, CodeFacts>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** AWS's exception names and FailedRequests codes (`ResourceNotFound.Directory`), by family, as the client's codes. */
const FAMILIES: Record<string, ErrorCode> = {
  ResourceNotFound: "NOT_FOUND",
  ResourceExists: "ALREADY_EXISTS",
  ResourceAlreadyExists: "ALREADY_EXISTS",
  ResourceAssociated: "INVALID_STATE",
  InvalidResourceState: "INVALID_STATE",
  OperationInProgress: "IN_PROGRESS",
  UnsupportedWorkspaceConfiguration: "UNSUPPORTED",
  UnsupportedNetworkConfiguration: "UNSUPPORTED",
  OperationNotSupported: "UNSUPPORTED",
  InvalidParameterValues: "INVALID_PARAMETER",
  InvalidParameter: "INVALID_PARAMETER",
  InvalidParameterCombination: "INVALID_PARAMETER",
  AutoStopTimeoutIsNotApplicableForAnAlwaysOnWorkspace: "INVALID_PARAMETER",
  Validation: "INVALID_PARAMETER",
  AccessDenied: "ACCESS_DENIED",
  ResourceUnavailable: "RESOURCE_UNAVAILABLE",
  ResourceLimitExceeded: "LIMIT_EXCEEDED",
};

const refusalCode = (awsErrorCode = "") => FAMILIES[awsErrorCode.split(".")[0]!.replace(/Exception$/, "")] ?? "UPSTREAM_ERROR";

const INVALID: Record<InvalidReason, ErrorCode> = {
  foreignCursor: "INVALID_CURSOR",
  expiredCursor: "CURSOR_EXPIRED",
  overWatchCaps: "RATE_LIMITED",
  overGatewayCap: "OVERLOADED",
};

const UNSENT: Record<UnsentReason, ErrorCode> = {
  shed: "RATE_LIMITED",
  quotaSpent: "RATE_LIMITED",
  aborted: "DEADLINE_EXCEEDED",
  keyRunning: "IN_PROGRESS",
  sharedStateDown: "UPSTREAM_UNAVAILABLE",
};

/** The code a client is told for a failure of AWS access, the shared services or the watch. */
export function codeOf(failure: Failure): ErrorCode {
  switch (failure.kind) {
    case "invalid":
      return failure.reason ? INVALID[failure.reason] : "VALIDATION";
    case "refused":
      return refusalCode(failure.awsErrorCode);
    case "throttled":
      return "THROTTLED";
    case "unavailable":
      return "UPSTREAM_UNAVAILABLE";
    case "deadline":
      return "DEADLINE_EXCEEDED";
    case "unknown":
      return "OUTCOME_UNKNOWN";
    case "unsent":
      return UNSENT[failure.reason];
  }
}

/** Whether the same request can succeed later: its code's answer, but a retry with the key resolves a keyed create's unknown outcome. */
export function retryableOf(failure: Failure): boolean {
  return failure.kind === "unknown" && failure.reason === "keyOpen" ? true : ERROR_CODES[codeOf(failure)].retryable;
}

/**
 * graphql-js's and yoga's own errors as the client's codes: ours pass as they are; any other refuses the document
 * (an invalid document or variable) or the HTTP request itself (a body that is not JSON, a mutation over GET).
 */
export function codeOfForeign(code: unknown, refuses: "document" | "request"): ErrorCode {
  if (typeof code === "string" && code in ERROR_CODES) return code as ErrorCode;
  return refuses === "document" ? "BAD_USER_INPUT" : "BAD_REQUEST";
}
