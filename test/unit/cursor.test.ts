import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeCursor, readCursor } from "../../src/aws/cursor.ts";
import { FailureError } from "../../src/aws/failure.ts";
import { NEXT_TOKEN_TTL_MS } from "../../src/constraints.ts";

const SECRET = "unit-test-secret";
const NOW = 1_800_000_000_000;

const decodeCursor = (secret: string, listing: string, cursor: string, now: number) => readCursor(secret, listing, cursor, now).position;

function problemOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof FailureError);
    return error.failure.code;
  }
  return undefined;
}

describe("cursor", () => {
  it("round-trips a position within its listing", () => {
    const cursor = encodeCursor(SECRET, "workspaces:{}", { token: "abc", offset: 7 }, NOW);
    assert.deepEqual(decodeCursor(SECRET, "workspaces:{}", cursor, NOW + 1000), { token: "abc", offset: 7 });
    const first = encodeCursor(SECRET, "workspaces:{}", { token: null, offset: 3 }, NOW);
    assert.deepEqual(decodeCursor(SECRET, "workspaces:{}", first, NOW), { token: null, offset: 3 });
  });

  it("refuses a cursor of another listing", () => {
    const cursor = encodeCursor(SECRET, "workspaces:{}", { token: null, offset: 1 }, NOW);
    assert.equal(
      problemOf(() => decodeCursor(SECRET, 'workspaces:{"BundleId":"wsb-12345678"}', cursor, NOW)),
      "INVALID_CURSOR",
    );
  });

  it("refuses a tampered payload, a foreign signature and garbage", () => {
    const cursor = encodeCursor(SECRET, "l", { token: null, offset: 1 }, NOW);
    const [payload, mac] = cursor.split(".");
    const forged = Buffer.from(JSON.stringify({ l: "l", t: null, o: 999, i: NOW })).toString("base64url");
    assert.equal(
      problemOf(() => decodeCursor(SECRET, "l", `${forged}.${mac}`, NOW)),
      "INVALID_CURSOR",
    );
    assert.equal(
      problemOf(() => decodeCursor("other-secret", "l", cursor, NOW)),
      "INVALID_CURSOR",
    );
    assert.equal(
      problemOf(() => decodeCursor(SECRET, "l", "not a cursor", NOW)),
      "INVALID_CURSOR",
    );
    assert.equal(
      problemOf(() => decodeCursor(SECRET, "l", `${payload}`, NOW)),
      "INVALID_CURSOR",
    );
    assert.equal(
      problemOf(() => decodeCursor(SECRET, "l", `${cursor}.x`, NOW)),
      "INVALID_CURSOR",
    );
  });

  it("expires with AWS's token, after a day", () => {
    const cursor = encodeCursor(SECRET, "l", { token: "t", offset: 0 }, NOW);
    assert.equal(
      problemOf(() => decodeCursor(SECRET, "l", cursor, NOW + NEXT_TOKEN_TTL_MS)),
      undefined,
    );
    assert.equal(
      problemOf(() => decodeCursor(SECRET, "l", cursor, NOW + NEXT_TOKEN_TTL_MS + 1)),
      "CURSOR_EXPIRED",
    );
  });
});
