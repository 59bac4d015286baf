import type { Slice } from "../aws/pagination.ts";

/** A Relay connection from a slice of AWS pages; forward-only, as AWS pages are. */
export function connectionOf<T>(slice: Slice<T>) {
  return {
    edges: slice.edges,
    pageInfo: {
      // A lazy thenable: GraphQL awaits it only when a client selects hasNextPage.
      hasNextPage: slice.hasNextPage as boolean,
      hasPreviousPage: false,
      startCursor: slice.edges[0]?.cursor ?? null,
      endCursor: slice.edges.at(-1)?.cursor ?? null,
    },
  };
}
