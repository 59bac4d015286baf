import type { Slice } from "../aws/pagination.ts";

/** A Relay connection from a slice of AWS pages; forward-only, as AWS pages are. */
export function connectionOf<T>(slice: Slice<T>) {
  return {
    edges: slice.edges,
    pageInfo: {
      // A lazy thenable: GraphQL awaits it only when a client selects hasNextPage.
      hasNextPage: slice.hasNextPage as boolean,
      hasPreviousPage: false,
      // Getters, so an edge's cursor is signed only when a client selects it.
      get startCursor() {
        return slice.edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return slice.edges.at(-1)?.cursor ?? null;
      },
    },
  };
}
