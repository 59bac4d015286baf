// Connection cursors: where a walk over partitions resumes after an edge (each partition's AWS token and the offset
// after its last edge taken, or that it has nothing left), bound to the listing they were made for, signed so a client
// cannot forge one, and expiring with AWS's tokens.
import { createHmac, timingSafeEqual } from "node:crypto";
import { NEXT_TOKEN_TTL_MS } from "../constraints.ts";
import { FailureError } from "./failure.ts";

export interface CursorPosition {
  /** The AWS NextToken that fetched the page holding the edge; null for the first page. */
  token: string | null;
  /** How many items of that page come at or before the edge. */
  offset: number;
}

/** By partition key: where it resumes, or null once it has nothing left. A partition not named starts from the beginning. */
export type WalkPositions = Record<string, CursorPosition | null>;

interface CursorBody {
  l: string;
  p: Record<string, [string | null, number] | null>;
  i: number;
}

const MAC_BYTES = 16;

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest().subarray(0, MAC_BYTES);
}

export function encodeCursor(secret: string, listing: string, positions: WalkPositions, issuedAt: number): string {
  const p: CursorBody["p"] = {};
  for (const [key, position] of Object.entries(positions)) p[key] = position && [position.token, position.offset];
  const payload = Buffer.from(JSON.stringify({ l: listing, p, i: issuedAt } satisfies CursorBody)).toString("base64url");
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

/** A checked cursor's positions and issue time (that of the AWS tokens it holds, which cursors resumed from it keep). */
export function readCursor(secret: string, listing: string, cursor: string, now: number): { positions: WalkPositions; issuedAt: number } {
  const [payload, signature, ...rest] = cursor.split(".");
  const given = Buffer.from(signature ?? "", "base64url");
  if (!payload || rest.length > 0 || given.length !== MAC_BYTES || !timingSafeEqual(given, mac(secret, payload))) {
    throw new FailureError({
      kind: "invalid",
      reason: "foreignCursor",
      message: "The cursor is not valid: it was altered or not issued by this gateway.",
    });
  }
  const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as CursorBody;
  // A cursor of the same listing before the gateway walked partitions has no positions: as foreign as another list's.
  if (body.l !== listing || typeof body.p !== "object" || body.p === null) {
    throw new FailureError({
      kind: "invalid",
      reason: "foreignCursor",
      message: "The cursor belongs to another list or filter; page with cursors from the same query.",
    });
  }
  if (now - body.i > NEXT_TOKEN_TTL_MS) {
    throw new FailureError({
      kind: "invalid",
      reason: "expiredCursor",
      message: "The cursor has expired (cursors live 24 hours, like AWS's tokens); start again from the first page.",
    });
  }
  const positions: WalkPositions = {};
  for (const [key, position] of Object.entries(body.p)) positions[key] = position && { token: position[0], offset: position[1] };
  return { positions, issuedAt: body.i };
}
