// NextToken paging over append-only listings: a token holds the position after the last item served, so a page
// costs a binary search plus the page itself, and items created meanwhile are neither skipped nor repeated.
import { NEXT_TOKEN_TTL_MS } from "../constraints.ts";
import { invalidParameter } from "./aws-error.ts";

interface TokenBody {
  /** The listing the token belongs to (which filter). */
  l: string;
  /** Sequence number of the last item served. */
  s: number;
  /** Issue time, ms since the epoch. */
  t: number;
}

export function encodeNextToken(listing: string, lastSeq: number, now: number): string {
  const body: TokenBody = { l: listing, s: lastSeq, t: now };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

/** The sequence number to resume after; throws AWS's error for a token that is foreign, garbled or expired. */
export function decodeNextToken(token: string, listing: string, now: number): number {
  let body: Partial<TokenBody> | null;
  try {
    body = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw invalidParameter("The specified NextToken is not valid.");
  }
  if (typeof body !== "object" || body === null || body.l !== listing || typeof body.s !== "number" || typeof body.t !== "number") {
    throw invalidParameter("The specified NextToken is not valid.");
  }
  if (now - body.t > NEXT_TOKEN_TTL_MS) {
    throw invalidParameter("The specified NextToken has expired.");
  }
  return body.s;
}

export interface Sequenced {
  seq: number;
}

export interface PageRequest {
  listing: string;
  nextToken: string | undefined;
  limit: number;
  now: number;
}

/**
 * One page of `items` (sorted by seq). `visible` must hold for a prefix of the items only: items become visible
 * in creation order. Like AWS, a full page always carries a token, even when nothing follows it.
 */
export function pageOf<T extends Sequenced>(items: readonly T[], request: PageRequest, visible: (item: T) => boolean) {
  const after = request.nextToken === undefined ? -Infinity : decodeNextToken(request.nextToken, request.listing, request.now);
  let low = 0;
  let high = items.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (items[mid]!.seq <= after) low = mid + 1;
    else high = mid;
  }
  const page: T[] = [];
  for (let i = low; i < items.length && page.length < request.limit; i++) {
    const item = items[i]!;
    if (!visible(item)) break;
    page.push(item);
  }
  const last = page.at(-1);
  const nextToken = page.length === request.limit && last ? encodeNextToken(request.listing, last.seq, request.now) : undefined;
  return { items: page, nextToken };
}
