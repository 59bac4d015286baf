// Relay connections over AWS's forward-only NextToken pages: `first` items after a cursor, chaining pages as needed.
import type { CursorPosition } from "./cursor.ts";
import { encodeCursor, readCursor } from "./cursor.ts";
import type { Services } from "./session.ts";

export interface AwsPage<T> {
  items: T[];
  nextToken: string | undefined;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface Slice<T> {
  edges: Edge<T>[];
  /** Exact; when only a fetch can tell (a full page with a token), it is made only if the client asks. */
  hasNextPage: PromiseLike<boolean> | boolean;
}

/** An edge whose cursor (an HMAC) is computed when first read: most queries select no cursor, or only the last. */
function edgeOf<T>(node: T, cursor: () => string): Edge<T> {
  let value: string | undefined;
  return {
    node,
    get cursor() {
      value ??= cursor();
      return value;
    },
  };
}

/** A value computed on first `then`, so GraphQL pays for it only when the field is selected. */
export function lazy<T>(compute: () => Promise<T>): PromiseLike<T> {
  let promise: Promise<T> | undefined;
  return {
    // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose, awaited by graphql-js only when selected
    then: (onFulfilled, onRejected) => {
      promise ??= compute();
      return promise.then(onFulfilled, onRejected);
    },
  };
}

export async function sliceOf<T>(
  fetchPage: (token: string | null) => Promise<AwsPage<T>>,
  first: number,
  after: CursorPosition | null,
  cursorFor: (position: CursorPosition) => string,
): Promise<Slice<T>> {
  const edges: Edge<T>[] = [];
  let token = after?.token ?? null;
  let skip = after?.offset ?? 0;
  // Every page but an empty one yields an edge; the bound only stops an upstream that hands out empty pages forever.
  for (let pages = 0; pages < first + 2; pages++) {
    const page = await fetchPage(token);
    let index = skip;
    for (; index < page.items.length && edges.length < first; index++) {
      const atPageEnd = index + 1 === page.items.length && page.nextToken !== undefined;
      const position = atPageEnd ? { token: page.nextToken!, offset: 0 } : { token, offset: index + 1 };
      edges.push(edgeOf(page.items[index]!, () => cursorFor(position)));
    }
    if (edges.length === first) {
      if (index < page.items.length) return { edges, hasNextPage: true };
      if (page.nextToken === undefined) return { edges, hasNextPage: false };
      const nextToken = page.nextToken;
      return { edges, hasNextPage: lazy(async () => (await fetchPage(nextToken)).items.length > 0) };
    }
    if (page.nextToken === undefined) return { edges, hasNextPage: false };
    token = page.nextToken;
    skip = 0;
  }
  return { edges, hasNextPage: true };
}

/**
 * `first` items of `listing` after the cursor `after` (null: from the start). Cursors are signed and bound to the
 * listing, and expire with the AWS token they hold: one holding the resumed cursor's token keeps that cursor's age.
 */
export async function listingSlice<T>(
  services: Pick<Services, "cursorSecret" | "clock">,
  listing: string,
  first: number,
  after: string | null | undefined,
  fetchPage: (token: string | null) => Promise<AwsPage<T>>,
): Promise<Slice<T>> {
  const { cursorSecret, clock } = services;
  const resumed = after == null ? null : readCursor(cursorSecret, listing, after, clock());
  const issuedAt = (p: CursorPosition) => (resumed && p.token !== null && p.token === resumed.position.token ? resumed.issuedAt : clock());
  return sliceOf(fetchPage, first, resumed?.position ?? null, (p) => encodeCursor(cursorSecret, listing, p, issuedAt(p)));
}
