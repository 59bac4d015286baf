// Connection cursors: where to resume after an edge (the AWS token of its page and the offset after it), bound to
// the listing they were made for, signed so a client cannot forge one, and expiring with AWS's token.
import { createHmac, timingSafeEqual } from "node:crypto";
import { NEXT_TOKEN_TTL_MS } from "../constraints.ts";
import { FailureError, failure } from "./failure.ts";

export interface CursorPosition {
  /** The AWS NextToken that fetched the page holding the edge; null for the first page. */
  token: string | null;
  /** How many items of that page come at or before the edge. */
  offset: number;
}

interface CursorBody {
  l: string;
  t: string | null;
  o: number;
  i: number;
}

const MAC_BYTES = 16;

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(payload).digest().subarray(0, MAC_BYTES);
}

export function encodeCursor(secret: string, listing: string, position: CursorPosition, issuedAt: number): string {
  const body: CursorBody = { l: listing, t: position.token, o: position.offset, i: issuedAt };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

/** A checked cursor's position and issue time (that of the AWS token it holds, which cursors resumed from it keep). */
export function readCursor(secret: string, listing: string, cursor: string, now: number): { position: CursorPosition; issuedAt: number } {
  const [payload, signature, ...rest] = cursor.split(".");
  const given = Buffer.from(signature ?? "", "base64url");
  if (!payload || rest.length > 0 || given.length !== MAC_BYTES || !timingSafeEqual(given, mac(secret, payload))) {
    throw new FailureError(failure("invalid", "INVALID_CURSOR", "The cursor is not valid: it was altered or not issued by this gateway."));
  }
  const body = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as CursorBody;
  if (body.l !== listing) {
    throw new FailureError(
      failure("invalid", "INVALID_CURSOR", "The cursor belongs to another list or filter; page with cursors from the same query."),
    );
  }
  if (now - body.i > NEXT_TOKEN_TTL_MS) {
    throw new FailureError(
      failure(
        "invalid",
        "CURSOR_EXPIRED",
        "The cursor has expired (cursors live 24 hours, like AWS's tokens); start again from the first page.",
      ),
    );
  }
  return { position: { token: body.t, offset: body.o }, issuedAt: body.i };
}
