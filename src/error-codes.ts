// The one vocabulary of error codes clients see, in `extensions.code` and in every error type's `code`: what each means
// and whether the same request can succeed later. The schema's ErrorCode enum and the README's table come from it.
export const ERROR_CODES = {
  VALIDATION: { retryable: false, meaning: "The gateway refused the input before calling AWS; `field` and `rule` say which and why." },
  BAD_USER_INPUT: {
    retryable: false,
    meaning:
      "The document or its variables do not fit the schema (an unknown field, a variable of the wrong type or missing): HTTP 400, but 200 for the document's own errors under `Accept: application/json`, as GraphQL over HTTP has it.",
  },
  BAD_REQUEST: { retryable: false, meaning: "The HTTP request is not a GraphQL request: no query, a body that is not JSON, a bad header." },
  REQUEST_ENTITY_TOO_LARGE: { retryable: false, meaning: "The body is over MAX_BODY_BYTES." },
  PERSISTED_DOCUMENT_NOT_FOUND: {
    retryable: false,
    meaning: "The documentId is not among the gateway's persisted documents (PERSISTED_DOCUMENTS): the frontend and gateway disagree.",
  },
  PERSISTED_DOCUMENTS_ONLY: {
    retryable: false,
    meaning: "Only persisted documents run here (PERSISTED_DOCUMENTS_ONLY): send a documentId, or use a credential with the adhoc scope.",
  },
  QUERY_TOO_COMPLEX: {
    retryable: false,
    meaning:
      "Over a query limit (`rule`: depth, aliases, directives, tokens, fields, fieldPairs, cost or listSize, the last with `field`, the list's path; `limit`; `actual`, the number found, for tokens `limit` + 1 as counting stops there); refused before anything runs, HTTP 400.",
  },
  UNAUTHENTICATED: { retryable: false, meaning: "No credentials, or credentials the gateway does not accept (HTTP 401)." },
  AUTHENTICATION_UNAVAILABLE: { retryable: true, meaning: "The token issuer's keys cannot be fetched right now (HTTP 503)." },
  FORBIDDEN: { retryable: false, meaning: "The credential lacks the scope the field needs (read or write)." },
  ORIGIN_NOT_ALLOWED: { retryable: false, meaning: "A browser's preflight from an origin CORS_ORIGINS does not list (HTTP 403)." },
  INVALID_CURSOR: { retryable: false, meaning: "`after` is not a cursor this gateway issued for this list and filter." },
  CURSOR_EXPIRED: { retryable: false, meaning: "The cursor is older than 24 hours, as AWS's NextToken; start from the first page." },
  NOT_FOUND: { retryable: false, meaning: "AWS has no such resource (a WorkSpace, directory or bundle)." },
  ALREADY_EXISTS: { retryable: false, meaning: "AWS already has it: a user has one WorkSpace per bundle and directory." },
  INVALID_STATE: {
    retryable: false,
    meaning: "The resource's state does not allow the change (a WorkSpace must be AVAILABLE or STOPPED).",
  },
  IN_PROGRESS: {
    retryable: true,
    meaning: "Another change to the resource, or a create with the same idempotencyKey, is in progress; retry once it settles.",
  },
  UNSUPPORTED: { retryable: false, meaning: "AWS does not support this configuration or operation here." },
  INVALID_PARAMETER: { retryable: false, meaning: "AWS found a parameter invalid (a rule the gateway could not check beforehand)." },
  ACCESS_DENIED: { retryable: false, meaning: "The gateway's AWS credentials may not do this (IAM)." },
  RESOURCE_UNAVAILABLE: { retryable: true, meaning: "AWS says the resource is unavailable for now." },
  LIMIT_EXCEEDED: { retryable: false, meaning: "An AWS account limit is reached." },
  UPSTREAM_ERROR: { retryable: false, meaning: "AWS refused with an error this gateway does not classify; `awsErrorCode` names it." },
  RATE_LIMITED: {
    retryable: true,
    meaning:
      "The caller's share of the AWS budget is spent (HTTP 429), or a call could not be sent in time; nothing was sent. Retry after `retryAfter` seconds.",
  },
  THROTTLED: { retryable: true, meaning: "AWS throttled the call past the gateway's retries; retry after a short wait." },
  UPSTREAM_UNAVAILABLE: {
    retryable: true,
    meaning:
      "AWS could not be reached or failed (5xx), or a keyed create could not reach the gateways' shared store (Redis); nothing was applied.",
  },
  OVERLOADED: {
    retryable: true,
    meaning:
      "This gateway holds as many subscriptions as it may (MAX_SUBSCRIPTIONS, all callers together): retry later, or through another gateway.",
  },
  DEADLINE_EXCEEDED: { retryable: true, meaning: "The request's time for AWS calls (REQUEST_DEADLINE_MS) ran out." },
  OUTCOME_UNKNOWN: {
    retryable: false,
    meaning: "A write failed after it may have reached AWS: check its effect (or retry with the same idempotencyKey) first.",
  },
  ERRORS_OMITTED: {
    retryable: false,
    meaning:
      "Stands for a response's errors past its first 25: `count` says how many, `codes` how many of each code, `paths` the first 10 of their paths.",
  },
  INTERNAL_SERVER_ERROR: { retryable: false, meaning: "An unexpected error, logged with the request ID; the message says no more." },
} as const satisfies Record<string, { retryable: boolean; meaning: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
