import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ServiceException } from "@smithy/core/client";
import { NotSentError } from "../../src/aws/budget/budget.ts";
import { failureOf, invalid, scrubMessage, writeFailureOf } from "../../src/aws/failure.ts";
import { violation } from "../../src/constraints.ts";
import { codeOf, codeOfForeign } from "../../src/error-codes.ts";
import { gatewayError } from "../../src/schema/errors.ts";

describe("scrubMessage", () => {
  it("removes ARNs, account IDs, request IDs and endpoints from an AWS message", () => {
    const message = scrubMessage(
      "User arn:aws:iam::123456789012:user/ops is not authorized (request 0f8fad5b-d9cb-469f-a165-70867728950e) at https://workspaces.us-east-1.amazonaws.com/",
    );
    assert.equal(message, "User <arn> is not authorized (request <id>) at <endpoint>");
  });

  it("keeps an ordinary message whole and bounds a long one", () => {
    assert.equal(scrubMessage("The workspace ws-abcdefghi could not be found."), "The workspace ws-abcdefghi could not be found.");
    assert.equal(scrubMessage("x".repeat(2000)).length, 500);
  });
});

const awsError = (name: string, status: number) =>
  new ServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message: "no" });

describe("what a client is told of a failure (src/error-codes.ts)", () => {
  it("tells AWS's refusals by family, AWS's own name kept beside, and marks those saying the resource exists", () => {
    const told = (name: string) => {
      const failure = failureOf(awsError(name, 400));
      return [codeOf(failure), failure.awsErrorCode, failure.reason];
    };
    assert.deepEqual(told("ResourceNotFoundException"), ["NOT_FOUND", "ResourceNotFoundException", undefined]);
    assert.deepEqual(told("ResourceNotFound.Directory"), ["NOT_FOUND", "ResourceNotFound.Directory", undefined]);
    assert.deepEqual(told("ResourceAlreadyExists.Workspace"), ["ALREADY_EXISTS", "ResourceAlreadyExists.Workspace", "exists"]);
    assert.deepEqual(told("ResourceExistsException"), ["ALREADY_EXISTS", "ResourceExistsException", "exists"]);
    assert.deepEqual(told("ResourceExistsLater"), ["UPSTREAM_ERROR", "ResourceExistsLater", undefined]);
    assert.deepEqual(told("OperationInProgressException"), ["IN_PROGRESS", "OperationInProgressException", undefined]);
    assert.deepEqual(told("SomeNewException"), ["UPSTREAM_ERROR", "SomeNewException", undefined]);
  });

  it("tells what never reached AWS, or did not come back, by what happened", () => {
    assert.equal(codeOf(failureOf(awsError("ThrottlingException", 400))), "THROTTLED");
    assert.equal(codeOf(failureOf(awsError("InternalFailure", 500))), "UPSTREAM_UNAVAILABLE");
    assert.equal(codeOf(failureOf(new DOMException("late", "TimeoutError"))), "DEADLINE_EXCEEDED");
    assert.equal(codeOf(writeFailureOf(new DOMException("late", "TimeoutError"))), "OUTCOME_UNKNOWN");
    const shed = failureOf(new NotSentError("shed", 3));
    assert.deepEqual([codeOf(shed), shed.retryAfter], ["RATE_LIMITED", 3]);
    assert.equal(codeOf(failureOf(new NotSentError("aborted", 1))), "DEADLINE_EXCEEDED");
    assert.equal(codeOf({ kind: "unsent", reason: "keyRunning", message: "" }), "IN_PROGRESS");
    assert.equal(codeOf({ kind: "unsent", reason: "sharedStateDown", message: "" }), "UPSTREAM_UNAVAILABLE");
    assert.equal(codeOf({ kind: "invalid", reason: "foreignCursor", message: "" }), "INVALID_CURSOR");
    assert.equal(codeOf({ kind: "invalid", reason: "expiredCursor", message: "" }), "CURSOR_EXPIRED");
    assert.equal(codeOf({ kind: "invalid", reason: "overWatchCaps", message: "" }), "RATE_LIMITED");
    assert.equal(codeOf(invalid([violation("UserName", "length", "is too long")])), "VALIDATION");
  });

  it("codes graphql-js's and yoga's own errors by what they refuse, and lets ours through", () => {
    assert.equal(codeOfForeign("GRAPHQL_VALIDATION_FAILED", "document"), "BAD_USER_INPUT");
    assert.equal(codeOfForeign(undefined, "request"), "BAD_REQUEST");
    assert.equal(codeOfForeign("QUERY_TOO_COMPLEX", "document"), "QUERY_TOO_COMPLEX");
  });

  it("gives a request refused whole its code's HTTP status, and a field's error none", () => {
    const refused = gatewayError("RATE_LIMITED", "spent", { retryAfter: 4 }, { "Retry-After": "4" });
    assert.deepEqual(refused.extensions, {
      code: "RATE_LIMITED",
      retryable: true,
      retryAfter: 4,
      http: { status: 429, headers: { "Retry-After": "4" } },
    });
    assert.deepEqual(gatewayError("FORBIDDEN", "no").extensions, { code: "FORBIDDEN", retryable: false });
  });
});
