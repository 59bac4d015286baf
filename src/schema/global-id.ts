// Relay global IDs: base64 of `Type:id`, for the types that implement Node.
import { decodeGlobalID } from "@pothos/plugin-relay";

/** The types that implement Node, each in its own file; a global ID must name one of them. */
const NODE_TYPES = new Set(["Workspace", "Bundle", "Directory", "ModificationState"]);

/** A global ID's type and ID, or undefined when it is not one of this API's. */
export function nodeIdOf(globalID: string): { typename: string; id: string } | undefined {
  try {
    const decoded = decodeGlobalID(globalID);
    return NODE_TYPES.has(decoded.typename) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A node's lookup for nodes(ids:): Pothos waits for all of a type's lookups together, so a failed one is handed back as
 * a value (graphql-js makes a returned Error that item's error), and a failed batch of 25 leaves the other IDs resolved.
 */
export const settled = <T>(lookup: Promise<T>): Promise<T> => lookup.catch((error: unknown) => error as T);
