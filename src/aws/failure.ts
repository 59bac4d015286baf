// The one failure model of calls to AWS, as data: what went wrong (kind, and a reason where the kind alone does not
// tell), a message safe to show (nothing that identifies AWS internals), and AWS's own error code where AWS refused.
// What a client is told of it (its code, whether to retry) is decided in one place, src/error-codes.ts.
import { ServiceException } from "@smithy/core/client";
import type { Violation } from "../constraints.ts";
import { NotSentError } from "./budget/budget.ts";

export type Failure = FailureCase & {
  message: string;
  awsErrorCode?: string;
  violations?: readonly Violation[];
  /** Seconds until a retry can succeed, when the gateway knows. */
  retryAfter?: number;
};

type FailureCase =
  /**
   * Refused before any call: input that breaks a rule (`violations` say which, in AWS member paths), a cursor this
   * gateway did not issue for the list (`foreignCursor`) or issued too long ago (`expiredCursor`), a subscription
   * beyond its caller's caps (`overWatchCaps`) or the gateway's (`overGatewayCap`).
   */
  | { kind: "invalid"; reason?: InvalidReason }
  /** AWS answered and refused (`awsErrorCode` is its exception name or FailedRequests code); `exists`: it has the resource already. */
  | { kind: "refused"; reason?: "exists" }
  /**
   * `unavailable`: AWS could not be reached, or failed (5xx), and nothing was applied. `deadline`: the request's
   * deadline passed (or its client left) before AWS answered a read.
   */
  | { kind: "throttled" | "unavailable" | "deadline"; reason?: undefined }
  /**
   * A write failed in a way that does not tell whether AWS applied it; `keyOpen`: a keyed create's, whose key stays
   * open so a retry with it finds out what became of it.
   */
  | { kind: "unknown"; reason?: "keyOpen" }
  /**
   * The call never left the gateway: its wait for the AWS budget was given up (`aborted`: the deadline, the client
   * gone) or could not end in time (`shed`), the caller's share was spent (`quotaSpent`), or the gateway would not send a keyed create it could not tell from a
   * repeat (`keyRunning`: the key's first run is still going; `sharedStateDown`: the store the gateways share is
   * unreachable).
   */
  | { kind: "unsent"; reason: UnsentReason };

export type InvalidReason = "foreignCursor" | "expiredCursor" | "overWatchCaps" | "overGatewayCap";
export type UnsentReason = "aborted" | "shed" | "quotaSpent" | "keyRunning" | "sharedStateDown";

/** A failure thrown through promises (reads, loaders): the schema turns it into the field's GraphQL error. */
export class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/** Input that breaks `violations`' rules; the message is the first one's, in AWS's words. */
export function invalid(violations: readonly Violation[]): Failure {
  return { kind: "invalid", message: violations[0]?.message ?? "The input is invalid.", violations };
}

/** A write failed after it may have reached AWS: it is not retried, and its outcome must be checked. */
export class OutcomeUnknownError extends Error {
  override readonly name = "OutcomeUnknownError";

  constructor() {
    // No `cause`: the SDK would follow it, see a transient error and retry the write.
    super("The call failed after it may have reached AWS.");
  }
}

/** AWS's names for a resource it has already (ResourceExists, ResourceAlreadyExists.Directory, ...): a create acts on them. */
const EXISTS = /^Resource(Already)?Exists(Exception)?(\.|$)/;

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
  const scrubbed = scrubMessage(message || awsErrorCode);
  return EXISTS.test(awsErrorCode)
    ? { kind: "refused", reason: "exists", message: scrubbed, awsErrorCode }
    : { kind: "refused", message: scrubbed, awsErrorCode };
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
      ? { kind: "unsent", reason: "shed", message: NOT_SENT, retryAfter: error.retryAfter }
      : { kind: "unsent", reason: "aborted", message: DEADLINE };
  }
  if (error instanceof OutcomeUnknownError) return { kind: "unknown", message: UNKNOWN };
  // The SDK names a reset socket TimeoutError too; only a signal's own timeout (a DOMException) is the deadline.
  if ((error as Error)?.name === "AbortError" || (error instanceof DOMException && error.name === "TimeoutError")) {
    return { kind: "deadline", message: DEADLINE };
  }
  // Any AWS service's answer: WorkSpaces', or STS's when a role's keys could not be had (AccessDenied).
  if (!(error instanceof ServiceException)) return { kind: "unavailable", message: UNAVAILABLE };
  const status = error.$metadata?.httpStatusCode ?? 500;
  if (error.name === "ThrottlingException" || error.$retryable?.throttling === true || status === 429) {
    return { kind: "throttled", message: THROTTLED, awsErrorCode: error.name };
  }
  if (status >= 500) return { kind: "unavailable", message: UNAVAILABLE };
  return refusal(error.name, error.message);
}

/** A write's failure: one cut short by the deadline may still have been applied, so its outcome is unknown. */
export function writeFailureOf(error: unknown): Failure {
  const described = failureOf(error);
  return described.kind === "deadline" ? { kind: "unknown", message: UNKNOWN } : described;
}

/** AWS answered the call, or may have acted on it: a retry of it is not a first try. */
export const reachedAws = (described: Failure): boolean => described.kind === "refused" || described.kind === "unknown";
