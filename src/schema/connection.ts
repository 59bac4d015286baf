// Relay connections over AWS's pages across partitions: their types, their arguments, and a page as GraphQL answers it.
import type { ObjectRef } from "@pothos/core";
import type { Slice } from "../aws/pagination.ts";
import type { SchemaTypes } from "./builder.ts";
import { builder } from "./builder.ts";
import { CONNECTION_SIZE } from "./cost.ts";
import { gatewayError } from "./errors.ts";
import { missingPartitionsField } from "./partition.ts";

/** `first` as a page size, or the validation error a client gets for it. */
export function pageSize(first: number | null | undefined): number {
  const size = first ?? CONNECTION_SIZE.default;
  if (!Number.isInteger(size) || size < 1 || size > CONNECTION_SIZE.max) {
    throw gatewayError("VALIDATION", `first: must be from 1 to ${CONNECTION_SIZE.max}`, { field: "first", rule: "range" });
  }
  return size;
}

export const FIRST_DESCRIPTION = `How many items, 1 to ${CONNECTION_SIZE.max} (default ${CONNECTION_SIZE.default}); more than 25 chains AWS pages.`;
export const AFTER_DESCRIPTION = "Resume right after the item with this cursor (from the same list, filter and partitions).";

/** A Relay connection from a slice of AWS pages; forward-only, as AWS pages are. */
export function connectionOf<T>(slice: Slice<T>) {
  return {
    edges: slice.edges,
    missingPartitions: slice.missingPartitions,
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

/** The connection and edge types of `name` (`Workspace`: WorkspaceConnection, WorkspaceEdge), which say the partitions a page lacks. */
export function fleetConnection<Shape extends object>(
  type: ObjectRef<SchemaTypes, Shape>,
  name: string,
  words: { item: string; items: string },
) {
  return builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      description: `A page of ${words.items}, partition by partition.`,
      fields: (t) => ({ missingPartitions: missingPartitionsField(t) }),
    },
    { name: `${name}Edge`, description: `A ${words.item} in a page, with the cursor to resume after it.` },
  );
}
