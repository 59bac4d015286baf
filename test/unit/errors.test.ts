import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scrubMessage } from "../../src/aws/failure.ts";

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
