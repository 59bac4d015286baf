// Relay connections over AWS's forward-only NextToken pages, across partitions: each page asks every partition not yet
// finished at once (each chaining its own pages as needed), then takes `first` items partition by partition in the
// fleet's order. A partition that fails is reported, never skipped: it keeps its place, so the next page asks it again.
import type { CursorPosition, WalkPositions } from "./cursor.ts";
import { encodeCursor, readCursor } from "./cursor.ts";
import type { Failure } from "./failure.ts";
import { FailureError, failureOf } from "./failure.ts";
import type { Partition, PartitionRef } from "./fleet.ts";
import type { Services } from "./session.ts";

export interface AwsPage<T> {
  items: T[];
  nextToken: string | undefined;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

/** A partition a page could not list, and why. */
export interface MissingPartition {
  partition: PartitionRef;
  failure: Failure;
}

export interface Slice<T> {
  edges: Edge<T>[];
  /** Exact for the partitions that answered; when only a fetch can tell (a full page with a token), it is made only if the client asks. */
  hasNextPage: PromiseLike<boolean> | boolean;
  /** Partitions that did not answer; the next page (or this one again) asks them again. */
  missingPartitions: MissingPartition[];
}

/** An item of one partition's walk, with where that walk resumes after it. */
export interface Positioned<T> {
  node: T;
  position: CursorPosition;
}

/** Up to `first` items of one partition from a position, and whether it has more. */
export interface PartitionSlice<T> {
  items: Positioned<T>[];
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

/** `first` items of one partition after `after` (null: from its start), chaining its AWS pages as needed. */
export async function sliceOf<T>(
  fetchPage: (token: string | null) => Promise<AwsPage<T>>,
  first: number,
  after: CursorPosition | null,
): Promise<PartitionSlice<T>> {
  const items: Positioned<T>[] = [];
  let token = after?.token ?? null;
  let skip = after?.offset ?? 0;
  // Every page but an empty one yields an item; the bound only stops an upstream that hands out empty pages forever.
  for (let pages = 0; pages < first + 2; pages++) {
    const page = await fetchPage(token);
    let index = skip;
    for (; index < page.items.length && items.length < first; index++) {
      const atPageEnd = index + 1 === page.items.length && page.nextToken !== undefined;
      items.push({ node: page.items[index]!, position: atPageEnd ? { token: page.nextToken!, offset: 0 } : { token, offset: index + 1 } });
    }
    if (items.length === first) {
      if (index < page.items.length) return { items, hasNextPage: true };
      if (page.nextToken === undefined) return { items, hasNextPage: false };
      const nextToken = page.nextToken;
      return { items, hasNextPage: lazy(async () => (await fetchPage(nextToken)).items.length > 0) };
    }
    if (page.nextToken === undefined) return { items, hasNextPage: false };
    token = page.nextToken;
    skip = 0;
  }
  return { items, hasNextPage: true };
}

type Answer<T> = { partition: Partition; slice: PartitionSlice<T> } | { partition: Partition; failure: Failure };

/**
 * `first` items of `listing` across `partitions` after the cursor `after` (null: from the start). Cursors are signed,
 * bound to the listing, and expire with the AWS tokens they hold: one holding a token of the resumed cursor keeps that
 * cursor's age. When no partition asked answers, the first one's failure is the list's.
 */
export async function fleetSlice<T>(
  services: Pick<Services, "cursorSecret" | "clock">,
  listing: string,
  partitions: readonly Partition[],
  first: number,
  after: string | null | undefined,
  fetchPage: (partition: Partition, token: string | null) => Promise<AwsPage<T>>,
): Promise<Slice<T>> {
  const { cursorSecret, clock } = services;
  const resumed = after == null ? null : readCursor(cursorSecret, listing, after, clock());
  const startOf = (partition: Partition) => resumed?.positions[partition.key];
  const asked = partitions.filter((partition) => startOf(partition) !== null);
  const answers = await Promise.all(
    asked.map((partition): Promise<Answer<T>> => {
      const start = startOf(partition) ?? null;
      return sliceOf((token) => fetchPage(partition, token), first, start).then(
        (slice) => ({ partition, slice }),
        (error: unknown) => ({ partition, failure: failureOf(error) }),
      );
    }),
  );
  const failures = answers.flatMap((answer) => ("failure" in answer ? [answer.failure] : []));
  if (answers.length > 0 && failures.length === answers.length) throw new FailureError(failures[0]!);

  const issuedAt = (positions: WalkPositions) => {
    const keeps = Object.entries(positions).some(([key, p]) => p?.token != null && p.token === resumed?.positions[key]?.token);
    return keeps ? resumed!.issuedAt : clock();
  };
  const cursorOf = (positions: WalkPositions) => encodeCursor(cursorSecret, listing, positions, issuedAt(positions));
  // Where each partition stands as the page is taken; a partition not named starts from the beginning.
  const positions: WalkPositions = {};
  for (const partition of partitions) {
    const start = startOf(partition);
    if (start !== undefined) positions[partition.key] = start;
  }
  const edges: Edge<T>[] = [];
  const missingPartitions: MissingPartition[] = [];
  const more: (PromiseLike<boolean> | boolean)[] = [];
  let full = false;
  for (const answer of answers) {
    const { partition } = answer;
    if ("failure" in answer) {
      missingPartitions.push({ partition: partition.ref, failure: answer.failure });
      continue;
    }
    const { slice } = answer;
    // Past the page's end: a later partition only says whether anything follows.
    if (full) {
      more.push(slice.items.length > 0 || slice.hasNextPage);
      continue;
    }
    const taken = slice.items.slice(0, first - edges.length);
    const before = { ...positions };
    const exhausted = slice.hasNextPage === false;
    taken.forEach(({ node, position }, i) => {
      // After a partition's last item, the walk is done with it: it is not asked again.
      const after = exhausted && i === slice.items.length - 1 ? null : position;
      edges.push(edgeOf(node, () => cursorOf({ ...before, [partition.key]: after })));
    });
    if (taken.length < slice.items.length) {
      more.push(true);
      full = true;
    } else if (exhausted) {
      positions[partition.key] = null;
      full = edges.length === first;
    } else {
      // All it gave is taken, but it has more: the page ends here, its look-ahead saying whether more follows.
      more.push(slice.hasNextPage);
      full = true;
    }
  }
  return { edges, hasNextPage: anyOf(more), missingPartitions };
}

/** True when any is; thenables are awaited only if none is true already, and only when the result is read. */
function anyOf(values: (PromiseLike<boolean> | boolean)[]): PromiseLike<boolean> | boolean {
  if (values.includes(true)) return true;
  const pending = values.filter((value): value is PromiseLike<boolean> => value !== false);
  if (pending.length === 0) return false;
  return lazy(async () => (await Promise.all(pending)).some(Boolean));
}
