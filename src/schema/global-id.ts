// Relay global IDs: base64 of `Type:<account>/<region>/<id>`, for the types that implement Node, so node(id:) and
// nodes(ids:) go to the partition the object was read from.

import type { OutputType, SchemaTypes } from "@pothos/core";
import { brandWithType } from "@pothos/core";
import type { GraphQLResolveInfo } from "graphql";
import { FailureError, invalid } from "../aws/failure.ts";
import { isQualifiedId, splitQualifiedId } from "../aws/fleet.ts";
import type { PartitionSession } from "../aws/session.ts";
import { nextTurn } from "../aws/turn-pacing.ts";
import type { Violation } from "../constraints.ts";
import { checkBundleId, checkDirectoryId, checkWorkspaceId, ID_LIST_SIZE, violation } from "../constraints.ts";
import type { GatewayContext } from "./builder.ts";
import { itemFailure } from "./item-failure.ts";

/** The types that implement Node, each in its own file; a global ID must name one of them. */
const NODE_TYPES = new Set(["Workspace", "Bundle", "Directory", "ModificationState"]);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Where global IDs are decoded: a Buffer made per ID was two thirds of decoding 2,500 of them. */
const scratch = Buffer.allocUnsafe(512);

/** Base64 to text, with Node's decoder (Pothos's JavaScript one took 3 ms of the cost check of 2,400 IDs). */
function fromBase64(text: string): string {
  if (text.length > ((scratch.length - 2) / 3) * 4) return Buffer.from(text, "base64").toString("utf8");
  return scratch.toString("utf8", 0, scratch.write(text, "base64"));
}

/** A global ID's type and ID, or undefined when it is not one of this API's. */
function nodeIdOf(globalID: string): { typename: string; id: string } | undefined {
  if (!BASE64.test(globalID)) return undefined;
  const decoded = fromBase64(globalID);
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const typename = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  return NODE_TYPES.has(typename) && isQualifiedId(id) ? { typename, id } : undefined;
}

const PRINTABLE_ASCII = /^[ -~]*$/;

/** A global ID for an object's `id`: btoa for AWS's ASCII IDs, a fifth of the time of a Buffer per ID. */
export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  const text = `${typename}:${id}`;
  return PRINTABLE_ASCII.test(text) ? btoa(text) : Buffer.from(text).toString("base64");
}

/** Marks a malformed global ID kept as it came: no qualified ID starts with it, so its lookup alone fails. */
const MALFORMED = "!";

/** Each request's decoded global IDs, by its context: its cost walk decodes them first, then its arguments again. */
const decodedIn = new WeakMap<object, Map<string, { typename: string; id: string }>>();

/**
 * What Pothos's node(id:) and nodes(ids:) look up: a global ID's type and ID, or for a malformed one, a lookup that
 * fails with VALIDATION as its own item (the other IDs and root fields are answered), not the whole request.
 */
export function decodeGlobalId(globalID: string, context?: object): { typename: string; id: string } {
  let decoded = context && decodedIn.get(context);
  if (context && !decoded) {
    decoded = new Map();
    decodedIn.set(context, decoded);
  }
  const known = decoded?.get(globalID);
  if (known) return known;
  const found = nodeIdOf(globalID) ?? { typename: "Workspace", id: `${MALFORMED}${globalID}` };
  decoded?.set(globalID, found);
  return found;
}

/** Whether a decoded ID is a malformed one: its lookup fails without an AWS call. */
export const isMalformed = (id: string) => id.startsWith(MALFORMED);

/** The rule each type's own ID follows (a modification state's is its WorkSpace's, then `/` and the resource). */
const INNER_ID_CHECKS: Record<string, (id: string) => Violation[]> = {
  Workspace: (id) => checkWorkspaceId(id),
  Bundle: (id) => checkBundleId(id),
  Directory: (id) => checkDirectoryId(id),
  ModificationState: (id) => checkWorkspaceId(id.split("/")[0]),
};

/**
 * A lookup refused before any AWS call. Its error is data, not a fault, so it captures no stack frames: graphql-js reads
 * each item's stack, and the source-mapped runtime formats one in 0.2 ms, half a second for 2,500 malformed IDs.
 */
function refuseLookup(violations: Violation[]): Promise<never> {
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return Promise.reject(new FailureError(invalid(violations)));
  } finally {
    Error.stackTraceLimit = frames;
  }
}

/**
 * A node's lookup in the partition its ID names (IDs are batched 25 a call per partition, the partitions at once); an
 * ID that breaks its rules, or of a partition the gateway does not serve, fails its own lookup with VALIDATION.
 */
function loadNode<T>(
  context: GatewayContext,
  typename: string,
  qualified: string,
  load: (session: PartitionSession, id: string) => Promise<T>,
): Promise<T> {
  const split = splitQualifiedId(qualified);
  if (!split) {
    const detail = `"${qualified.slice(MALFORMED.length, 100)}" is not a global ID of this API (an \`id\` field's value)`;
    return refuseLookup([violation("id", "globalId", detail)]);
  }
  const { partition, id } = split;
  // An AWS ID that breaks its type's rule is refused as workspace(workspaceId:) refuses one, not answered null.
  const malformed = (INNER_ID_CHECKS[typename]?.(id) ?? []).map((v) =>
    violation("id", v.rule, `holds the ${typename} ID "${id.slice(0, 100)}", which ${v.detail}`),
  );
  if (malformed.length > 0) return refuseLookup(malformed);
  const { fleet } = context.aws.services;
  if (!fleet.get(partition)) {
    const detail = `names ${partition.accountId} in ${partition.region}, a partition this gateway does not serve`;
    return refuseLookup([violation("id", "served", detail)]);
  }
  return load(context.aws.in(partition), id);
}

/** Each node type's lookup of one qualified ID, for nodes(ids:). */
const lookups = new Map<string, (context: GatewayContext, qualified: string) => Promise<unknown>>();

/** A node type's lookups for Pothos's node(id:) (its loadMany), kept for nodes(ids:) as well. */
export function nodeLoadMany<T>(typename: string, load: (session: PartitionSession, id: string) => Promise<T>) {
  const lookup = (context: GatewayContext, qualified: string) => loadNode(context, typename, qualified, load);
  lookups.set(typename, lookup);
  return (ids: string[], context: GatewayContext) => ids.map((id) => lookup(context, id));
}

/** IDs whose lookups start in one turn of the event loop, at most: ten AWS calls' worth. */
const LOOKUPS_PER_TURN = 10 * ID_LIST_SIZE.max;

/**
 * The turn of the event loop each item's lookup starts in: whole batches (25 IDs of one loader in one partition, in
 * the order given) a turn, so spreading them costs no AWS call more than the cost walk counted.
 */
function turnsOf(ids: readonly { typename: string; id: string }[]): number[] | undefined {
  if (ids.length <= LOOKUPS_PER_TURN) return undefined;
  const groups = new Map<string, number[]>();
  for (const [index, { typename, id }] of ids.entries()) {
    // Modification states are looked up through their WorkSpaces' loader.
    const loader = typename === "Bundle" || typename === "Directory" ? typename : "Workspace";
    const key = `${loader} ${isMalformed(id) ? "" : id.slice(0, id.indexOf("/", id.indexOf("/") + 1))}`;
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  }
  const turns: number[] = new Array(ids.length);
  let turn = 0;
  let inTurn = 0;
  for (const indexes of groups.values()) {
    for (let start = 0; start < indexes.length; start += ID_LIST_SIZE.max) {
      const batch = indexes.slice(start, start + ID_LIST_SIZE.max);
      if (inTurn + batch.length > LOOKUPS_PER_TURN) {
        turn += 1;
        inTurn = 0;
      }
      for (const index of batch) turns[index] = turn;
      inTurn += batch.length;
    }
  }
  return turns;
}

/**
 * nodes(ids:)'s items, each its own promise, so graphql-js completes each batch of 25 as AWS answers it (and a failed
 * lookup is that item's error): Pothos's resolveNodes waited for every ID and completed them at once, blocking the
 * event loop ~40 ms for 2,500. Their lookups start LOOKUPS_PER_TURN at a time, a turn of the event loop apart.
 */
export function lookUpNodes(
  context: GatewayContext,
  ids: { typename: string; id: string }[],
  info: GraphQLResolveInfo,
): Promise<unknown>[] {
  const turns = turnsOf(ids);
  // Each turn starts once the one before it has.
  const started: Promise<void>[] = [];
  const turnStarted = (turn: number): Promise<void> =>
    (started[turn] ??= turn === 0 ? Promise.resolve() : turnStarted(turn - 1).then(nextTurn));
  const look = (typename: string, id: string, index: number) =>
    lookups.get(typename)!(context, id).then(
      (node) => {
        // What the Node interface resolves the item's type by, as Pothos's resolveNodes marks it.
        if (node) brandWithType(node, typename as OutputType<SchemaTypes>);
        return node;
      },
      (error: unknown) => {
        throw itemFailure(error, info, index);
      },
    );
  return ids.map(({ typename, id }, index) => {
    const turn = turns?.[index] ?? 0;
    return turn === 0 ? look(typename, id, index) : turnStarted(turn).then(() => look(typename, id, index));
  });
}
