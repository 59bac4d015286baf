// What a field can cost in AWS calls, in the units of the query cost limit (MAX_COST): each field declares its own
// beside it, and what is under a field that yields many items counts once per item.
import { ID_LIST_SIZE, PAGE_SIZE } from "../constraints.ts";

export const CONNECTION_SIZE = { default: 25, max: 100 };

/** Items a connection yields for what is under it; a `first` the resolver will refuse counts as the largest allowed. */
const itemsOf = (first: number | null | undefined) => Math.min(Math.max(first ?? CONNECTION_SIZE.default, 1), CONNECTION_SIZE.max);

/**
 * A connection: the AWS pages `first` items need, one more when resuming in the middle of a page, and one more for
 * the hasNextPage look-ahead (counted whether selected or not: the worst case).
 */
export function connectionCost({ first, after }: { first?: number | null; after?: string | null }) {
  const items = itemsOf(first);
  return { field: Math.ceil(items / PAGE_SIZE) + (after != null ? 1 : 0) + 1, multiplier: items };
}

/**
 * A list over `partitions` partitions: each is asked for its own pages, so N partitions cost N times one's; its items
 * come from all of them, so each lookup under it is batched per partition (the cost walk adds those batches).
 */
export function fleetConnectionCost(args: { first?: number | null; after?: string | null }, partitions: number) {
  const { field, multiplier } = connectionCost(args);
  return { field: field * partitions, multiplier, partitions };
}

/** A lookup by ID through a per-request loader: its share of a call that fetches up to 25 IDs at once. */
export const LOOKUP_COST = 1 / ID_LIST_SIZE.max;

/** Calls to look up `count` IDs, 25 per call. */
export const lookupCalls = (count: number) => Math.ceil(count / ID_LIST_SIZE.max);

/**
 * How many items name each partition, for costs of calls batched per partition: items naming the same region and
 * account go together (two spellings of one partition count apart, which only overstates the cost).
 */
export function partitionGroups(items: readonly { region?: string | null; accountId?: string | null }[]): number[] {
  const groups = new Map<string, number>();
  for (const { region, accountId } of items) {
    const key = `${accountId ?? ""}/${region ?? ""}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups.values()];
}
