// A list item's failure, cheap to make: graphql-js makes each failed item a GraphQLError (20 µs, or 80 with its stack
// source-mapped), and 2,500 of them held the event loop for a quarter of a second. It becomes one only when the response
// keeps it (src/http/error-limit.ts keeps the first errors and counts the rest).
import type { FieldNode, GraphQLResolveInfo } from "graphql";
import { GraphQLError, responsePathAsArray } from "graphql";

export class ItemFailure extends Error {
  override readonly name = "ItemFailure";

  constructor(
    readonly original: Error,
    /** Located already, so graphql-js takes it as it is (no GraphQLError of its own). */
    readonly path: readonly (string | number)[],
    readonly nodes: readonly FieldNode[],
  ) {
    super(original.message);
  }

  /** The error graphql-js would have made of it. */
  located(): GraphQLError {
    return new GraphQLError(this.message, { nodes: this.nodes, path: this.path, originalError: this.original });
  }
}

/** `error` as the failure of item `index` of the list `info`'s field resolves; made without stack frames, being data. */
export function itemFailure(error: unknown, info: GraphQLResolveInfo, index: number): ItemFailure {
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const original = error instanceof Error ? error : new Error(String(error));
    return new ItemFailure(original, [...responsePathAsArray(info.path), index], info.fieldNodes);
  } finally {
    Error.stackTraceLimit = frames;
  }
}
