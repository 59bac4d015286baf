import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import { encodeCursor, readCursor } from "../../src/aws/cursor.ts";
import { FailureError } from "../../src/aws/failure.ts";
import { NEXT_TOKEN_TTL_MS } from "../../src/constraints.ts";
import { codeOf } from "../../src/error-codes.ts";

const SECRET = "unit-test-secret";
const NOW = 1_800_000_000_000;

const decodeCursor = (secret: string, listing: string, cursor: string, now: number) => readCursor(secret, listing, cursor, now).positions;
/** A walk over two partitions: the first done, the second at `position`. */
const walk = (position: { token: string | null; offset: number }) => ({
  "123456789012/us-east-1": null,
  "210987654321/eu-west-1": position,
});

function problemOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof FailureError);
    return codeOf(error.failure);
  }
  return undefined;
}

describe("cursor", () => {
  it("round-trips a position within its listing", () => {
    const cursor = encodeCursor(SECRET, "workspaces:{}", walk({ token: "abc", offset: 7 }), NOW);
    assert.deepEqual(decodeCursor(SECRET, "workspaces:{}", cursor, NOW + 1000), walk({ token: "abc", offset: 7 }));
    const first = encodeCursor(SECRET, "workspaces:{}", walk({ token: null, offset: 3 }), NOW);
    assert.deepEqual(decodeCursor(SECRET, "workspaces:{}", first, NOW), walk({ token: null, offset: 3 }));
  });

  it("refuses a cursor of another listing", () => {
    const cursor = encodeCursor(SECRET, "workspaces:{}", walk({ token: null, offset: 1 }), NOW);
    assert.equal(
      problemOf(() => decodeCursor(SECRET, 'workspaces:{"BundleId":"wsb-12345678"}', cursor, NOW)),
      "INVALID_CURSOR",
    );
  });

  it("refuses a tampered payload, a foreign signature and garbage", () => {
    const cursor = encodeCursor(SECRET, "l", walk({ token: null, offset: 1 }), NOW);
    const [payload, mac] = cursor.split(".");
    const forged = Buffer.from(JSON.stringify({ l: "l", p: { "123456789012/us-east-1": [null, 999] }, i: NOW })).toString("base64url");
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

  it("refuses a cursor signed before the gateway walked partitions (no positions) as INVALID_CURSOR", () => {
    const payload = Buffer.from(JSON.stringify({ l: "l", t: null, o: 3, i: NOW })).toString("base64url");
    const mac = createHmac("sha256", SECRET).update(payload).digest().subarray(0, 16).toString("base64url");
    assert.equal(
      problemOf(() => decodeCursor(SECRET, "l", `${payload}.${mac}`, NOW)),
      "INVALID_CURSOR",
    );
  });

  it("expires with AWS's token, after a day", () => {
    const cursor = encodeCursor(SECRET, "l", walk({ token: "t", offset: 0 }), NOW);
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
