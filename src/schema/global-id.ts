// Relay global IDs: base64 of `Type:id`, for the types that implement Node.
import type { Violation } from "../constraints.ts";
import { checkBundleId, checkDirectoryId, checkWorkspaceId, violation } from "../constraints.ts";

/** The types that implement Node, each in its own file; a global ID must name one of them. */
const NODE_TYPES = new Set(["Workspace", "Bundle", "Directory", "ModificationState"]);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * A global ID's type and ID, or undefined when it is not one of this API's. Node's own base64 decoder: Pothos's
 * JavaScript one took 3 ms of the cost check of 2,400 IDs.
 */
export function nodeIdOf(globalID: string): { typename: string; id: string } | undefined {
  if (!BASE64.test(globalID)) return undefined;
  const decoded = Buffer.from(globalID, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const typename = decoded.slice(0, colon);
  return NODE_TYPES.has(typename) ? { typename, id: decoded.slice(colon + 1) } : undefined;
}

/**
 * A node's lookup for nodes(ids:): Pothos waits for all of a type's lookups together, so a failed one is handed back as
 * a value (graphql-js makes a returned Error that item's error), and a failed batch of 25 leaves the other IDs resolved.
 */
export const settled = <T>(lookup: Promise<T>): Promise<T> => lookup.catch((error: unknown) => error as T);

/** The rule each type's own ID follows (a modification state's is its WorkSpace's, then `/` and the resource). */
const INNER_ID_CHECKS: Record<string, (id: string) => Violation[]> = {
  Workspace: (id) => checkWorkspaceId(id),
  Bundle: (id) => checkBundleId(id),
  Directory: (id) => checkDirectoryId(id),
  ModificationState: (id) => checkWorkspaceId(id.split("/")[0]),
};

/** What is wrong with the AWS ID a well-formed global ID holds, as the argument `id`'s violation. */
export function innerIdViolations({ typename, id }: { typename: string; id: string }): Violation[] {
  return (INNER_ID_CHECKS[typename]?.(id) ?? []).map((v) =>
    violation("id", v.rule, `holds the ${typename} ID "${id.slice(0, 100)}", which ${v.detail}`),
  );
}
