// Expected failures are data: each is a type implementing Error, with its code from the one ErrorCode enum, so clients
// select `... on Error { code message retryable }` and switch on the enum, never on free-form strings. Codes, and
// whether each can be retried, are src/error-codes.ts's.
import { camelCasePath } from "../aws/camel-case.ts";
import type { Failure } from "../aws/failure.ts";
import type { ErrorCode } from "../error-codes.ts";
import { codeOf, ERROR_CODES, retryableOf } from "../error-codes.ts";
import { builder } from "./builder.ts";

export const ErrorCodeEnum = builder.enumType("ErrorCode", {
  description: "Every error code a client can see, in `extensions.code` and in the `code` of every Error type.",
  values: Object.fromEntries(
    Object.entries(ERROR_CODES).map(([code, { retryable, meaning }]) => [
      code,
      { description: `${meaning} Retryable: ${retryable ? "yes" : "no"}.` },
    ]),
  ) as Record<ErrorCode, { description: string }>,
});

/** What every error type carries; the union members below are Error subclasses, as Pothos's errors plugin needs. */
abstract class ExpectedFailure extends Error {
  abstract readonly code: ErrorCode;
  readonly awsErrorCode: string | null = null;
  /** Where the failure, not its code alone, says whether a retry can succeed (a keyed create's unknown outcome). */
  readonly retryable?: boolean;
}

/** Input the gateway refused before calling AWS; `field` is the GraphQL path of the offending value. */
export class ValidationFailure extends ExpectedFailure {
  readonly code = "VALIDATION";

  constructor(
    readonly field: string,
    readonly rule: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** AWS answered and refused. */
export class AwsRefusal extends ExpectedFailure {
  readonly code: ErrorCode;
  override readonly awsErrorCode: string;

  constructor(failure: Failure) {
    super(failure.message);
    this.code = codeOf(failure);
    this.awsErrorCode = failure.awsErrorCode ?? "UnknownError";
  }
}

/** AWS could not answer (throttled, unreachable, out of time), or a write's outcome is unknown. */
export class UpstreamFailure extends ExpectedFailure {
  readonly code: ErrorCode;
  override readonly awsErrorCode: string | null;

  override readonly retryable: boolean;

  constructor(failure: Failure) {
    super(failure.message);
    this.code = codeOf(failure);
    this.awsErrorCode = failure.awsErrorCode ?? null;
    this.retryable = retryableOf(failure);
  }
}

/** The shape every error type has, an Error or not (a subscription's event must not be one: graphql-js throws those). */
export interface ErrorShape {
  message: string;
  code: ErrorCode;
  awsErrorCode: string | null;
  /** Whether a retry can succeed, where the code alone does not decide it. */
  retryable?: boolean;
}

export const ErrorInterface = builder.interfaceRef<ErrorShape>("Error").implement({
  description: "An expected failure, as data. `code` says what happened; `retryable` whether the same request can succeed later.",
  fields: (t) => ({
    message: t.exposeString("message", { nullable: false, description: "What went wrong, for people; never parse it." }),
    code: t.expose("code", { type: ErrorCodeEnum, nullable: false, description: "What went wrong, for programs." }),
    retryable: t.boolean({
      nullable: false,
      description: "Whether sending the same request again can succeed.",
      resolve: (error) => error.retryable ?? ERROR_CODES[error.code].retryable,
    }),
    awsErrorCode: t.exposeString("awsErrorCode", {
      nullable: true,
      description:
        "AWS's own exception name or error code when AWS answered with one (ResourceNotFound.Directory, ThrottlingException, ...); null otherwise.",
    }),
  }),
});

builder.objectType(ValidationFailure, {
  name: "ValidationError",
  description: "The gateway refused the input before calling AWS (code VALIDATION).",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString("field", { nullable: false, description: "Path of the offending value, e.g. input.workspaces[3].userName." }),
    rule: t.exposeString("rule", { nullable: false, description: "The rule broken: pattern, length, listSize, range, duplicate, ..." }),
  }),
});

builder.objectType(AwsRefusal, {
  name: "AwsRefusalError",
  description: "AWS answered and refused (NOT_FOUND, INVALID_STATE, IN_PROGRESS, ...); awsErrorCode is AWS's own name for it.",
  interfaces: [ErrorInterface],
});

builder.objectType(UpstreamFailure, {
  name: "UpstreamError",
  description:
    "AWS could not answer (THROTTLED, UPSTREAM_UNAVAILABLE, DEADLINE_EXCEEDED), or a write's outcome is unknown (OUTCOME_UNKNOWN).",
  interfaces: [ErrorInterface],
});

/**
 * A mutation item's failure as its union member: refused input at the path a client wrote (`Workspaces[2].UserName`
 * under `input` is `input.workspaces[2].userName`), AWS's refusal, or AWS not answering.
 */
export function itemFailureOf<Refusal extends AwsRefusal = AwsRefusal>(
  failure: Failure,
  refused: (failure: Failure) => Refusal = (f) => new AwsRefusal(f) as Refusal,
): ValidationFailure | Refusal | UpstreamFailure {
  const violation = failure.violations?.[0];
  if (failure.kind === "invalid" && violation)
    return new ValidationFailure(`input.${camelCasePath(violation.field)}`, violation.rule, violation.detail);
  return failure.kind === "refused" ? refused(failure) : new UpstreamFailure(failure);
}
