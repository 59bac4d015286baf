// Expected failures are data: each is a type implementing Error, so clients can select and react to them.
import { builder } from "./builder.ts";

/** Input the gateway refused before calling AWS; `field` is the GraphQL path of the offending value. */
export class ValidationFailure extends Error {
  readonly code = "VALIDATION";

  constructor(
    readonly field: string,
    readonly rule: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

/** AWS refused the call with one of the exceptions the operation declares; one subclass per exception. */
export abstract class AwsRefusal extends Error {
  abstract readonly code: string;
}

/** AWS could not answer: throttled past the retries, unreachable, or failing. */
export class UpstreamFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export const ErrorInterface = builder.interfaceRef<{ message: string; code: string }>("Error").implement({
  description: "An expected failure. `code` is AWS's error code or exception name when AWS refused, else the gateway's.",
  fields: (t) => ({
    message: t.exposeString("message", { nullable: false }),
    code: t.exposeString("code", { nullable: false }),
  }),
});

builder.objectType(ValidationFailure, {
  name: "ValidationError",
  description: "The gateway refused the input before calling AWS (code VALIDATION).",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString("field", { nullable: false, description: "Path of the offending value, e.g. workspaces[3].userName." }),
    rule: t.exposeString("rule", { nullable: false, description: "The rule broken: pattern, length, listSize, duplicate, ..." }),
  }),
});

builder.objectType(UpstreamFailure, {
  name: "UpstreamError",
  description: "AWS could not answer (THROTTLED, UPSTREAM_UNAVAILABLE) or refused in a way the operation does not declare.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    retryable: t.exposeBoolean("retryable", { nullable: false }),
  }),
});

/** The class and GraphQL type of one declared exception (`InvalidResourceStateException` → `InvalidResourceStateError`). */
export function awsRefusalType(exception: string, description: string) {
  const Refusal = class extends AwsRefusal {
    readonly code = exception;
  };
  builder.objectType(Refusal, {
    name: exception.replace(/Exception$/, "Error"),
    description,
    interfaces: [ErrorInterface],
  });
  return Refusal;
}
