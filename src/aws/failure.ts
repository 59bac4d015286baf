// The one failure model of calls to AWS: what went wrong (kind), the client's code for it, whether a retry can
// succeed, a message safe to show (nothing that identifies AWS internals), and AWS's own error code where AWS refused.
import { ServiceException } from "@smithy/core/client";
import type { Violation } from "../constraints.ts";
import type { ErrorCode } from "../error-codes.ts";
import { ERROR_CODES } from "../error-codes.ts";
import { NotSentError } from "./budget/budget.ts";

export type FailureKind =
  /** The input breaks a rule: refused before any call (`violations` say which, in AWS member paths). */
  | "invalid"
  /** AWS answered and refused (`awsErrorCode` is its exception name or FailedRequests code). */
  | "refused"
  | "throttled"
  /** AWS could not be reached, or failed (5xx); nothing was applied. */
  | "unavailable"
  /** The request's deadline passed (or its client left) before AWS answered a read. */
  | "deadline"
  /** A write failed in a way that does not tell whether AWS applied it. */
  | "unknown"
  /**
   * The call never left the gateway: its wait for the AWS budget was given up, or could not end in time, or the
   * gateway would not send it (a keyed create it could not tell from a repeat).
   */
  | "unsent";

export interface Failure {
  kind: FailureKind;
  code: ErrorCode;
  retryable: boolean;
  message: string;
  awsErrorCode?: string;
  violations?: readonly Violation[];
  /** Seconds until a retry can succeed, when the gateway knows. */
  retryAfter?: number;
}

/** A failure thrown through promises (reads, loaders): the schema turns it into the field's GraphQL error. */
export class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export function failure(
  kind: FailureKind,
  code: ErrorCode,
  message: string,
  extra: Pick<Failure, "awsErrorCode" | "violations" | "retryAfter"> = {},
): Failure {
  return { kind, code, retryable: ERROR_CODES[code].retryable, message, ...extra };
}

/** Input that breaks `violations`' rules; the message is the first one's, in AWS's words. */
export function invalid(violations: readonly Violation[]): Failure {
  return failure("invalid", "VALIDATION", violations[0]?.message ?? "The input is invalid.", { violations });
}

/** A write failed after it may have reached AWS: it is not retried, and its outcome must be checked. */
export class OutcomeUnknownError extends Error {
  override readonly name = "OutcomeUnknownError";

  constructor() {
    // No `cause`: the SDK would follow it, see a transient error and retry the write.
    super("The call failed after it may have reached AWS.");
  }
}

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

export function codeOfAwsError(awsErrorCode: string): ErrorCode {
  const family = awsErrorCode.split(".")[0]!.replace(/Exception$/, "");
  return FAMILIES[family] ?? "UPSTREAM_ERROR";
}

/** Removes what identifies AWS internals from an AWS message. */
export function scrubMessage(message: string): string {
  return message
    .replace(/arn:aws[\w-]*:[^\s"',)]*/g, "<arn>")
    .replace(/\b\d{12}\b/g, "<account>")
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>")
    .replace(/https?:\/\/\S+/g, "<endpoint>")
    .slice(0, 500);
}

/** AWS refused one item of a batch (a FailedRequests entry). */
export function refusal(awsErrorCode: string, message: string): Failure {
  return failure("refused", codeOfAwsError(awsErrorCode), scrubMessage(message || awsErrorCode), { awsErrorCode });
}

const THROTTLED = "AWS is throttling requests; retry after a short wait.";
const UNAVAILABLE = "AWS WorkSpaces could not be reached or failed; retry later.";
const DEADLINE = "The request's time for AWS calls ran out; retry, or ask for less.";
const UNKNOWN = "The call to AWS failed after it may have been applied; check before retrying.";
const NOT_SENT = "The gateway's AWS budget could not take this call in time; it was not sent. Retry after a short wait.";

/** What an SDK call's rejection means. */
export function failureOf(error: unknown): Failure {
  if (error instanceof FailureError) return error.failure;
  if (error instanceof NotSentError) {
    return error.reason === "shed"
      ? failure("unsent", "RATE_LIMITED", NOT_SENT, { retryAfter: error.retryAfter })
      : failure("unsent", "DEADLINE_EXCEEDED", DEADLINE);
  }
  if (error instanceof OutcomeUnknownError) return failure("unknown", "OUTCOME_UNKNOWN", UNKNOWN);
  // The SDK names a reset socket TimeoutError too; only a signal's own timeout (a DOMException) is the deadline.
  if ((error as Error)?.name === "AbortError" || (error instanceof DOMException && error.name === "TimeoutError")) {
    return failure("deadline", "DEADLINE_EXCEEDED", DEADLINE);
  }
  // Any AWS service's answer: WorkSpaces', or STS's when a role's keys could not be had (AccessDenied).
  if (!(error instanceof ServiceException)) return failure("unavailable", "UPSTREAM_UNAVAILABLE", UNAVAILABLE);
  const status = error.$metadata?.httpStatusCode ?? 500;
  if (error.name === "ThrottlingException" || error.$retryable?.throttling === true || status === 429) {
    return failure("throttled", "THROTTLED", THROTTLED, { awsErrorCode: error.name });
  }
  if (status >= 500) return failure("unavailable", "UPSTREAM_UNAVAILABLE", UNAVAILABLE);
  return refusal(error.name, error.message);
}

/** A write's failure: one cut short by the deadline may still have been applied, so its outcome is unknown. */
export function writeFailureOf(error: unknown): Failure {
  const described = failureOf(error);
  return described.kind === "deadline" ? failure("unknown", "OUTCOME_UNKNOWN", UNKNOWN) : described;
}

/** AWS answered the call, or may have acted on it: a retry of it is not a first try. */
export const reachedAws = (described: Failure): boolean => described.kind === "refused" || described.kind === "unknown";
