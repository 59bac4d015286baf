// CreateWorkspaces for any number of requests up to 100, each in the partition it names: checked item by item
// against AWS's rules (those of a bundle against the bundle, read through the partition's cached bundle loader), sent
// in calls of 25 per partition, all concurrently, AWS's two unordered answer lists mapped back onto the requests in
// input order, and with an idempotency key, a repeat answered from the first run.

import type { CreateWorkspacesResult, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import { CreateWorkspacesCommand } from "@aws-sdk/client-workspaces";
import pMap from "p-map";
import {
  CREATE_BATCH_SIZE,
  checkWorkspaceRequestAgainstBundle,
  checkWorkspaceRequestRules,
  checkWorkspaceRequestShape,
  violation,
  workspaceOwnerKey,
} from "../constraints.ts";
import type { IdempotentRun } from "../shared/idempotency/idempotency.ts";
import { pascalCase } from "./camel-case.ts";
import type { Failure } from "./failure.ts";
import { failureOf, invalid, reachedAws, refusal } from "./failure.ts";
import type { Partition, PartitionChoice } from "./fleet.ts";
import { callsByPartition, isPartition } from "./fleet.ts";
import type { AwsSession } from "./session.ts";
import type { WriteOptions } from "./upstream.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { fetchWorkspacesPage, locatedWorkspaces } from "./workspaces.ts";

export const CREATE_REQUEST_LIMIT = 100;

export type CreateOutcome =
  | { kind: "created"; index: number; workspace: WorkspaceShape }
  /** Refused by the gateway (kind invalid, AWS member paths) or by AWS, or the call failed. */
  | { kind: "failed"; index: number; request: WorkspaceRequest; failure: Failure };

/** A WorkSpace to create, and the partition the input names for it. */
export interface CreateItem {
  request: WorkspaceRequest;
  choice: PartitionChoice;
}

/** An item with its partition found, or the failure that says why it has none. */
type Placed = { request: WorkspaceRequest; partition: Partition } | { request: WorkspaceRequest; refused: Failure };

function place(session: AwsSession, items: CreateItem[]): Placed[] {
  return items.map(({ request, choice }, index) => {
    const found = session.services.fleet.locate(choice, `Workspaces[${index}]`);
    return isPartition(found) ? { request, partition: found } : { request, refused: invalid([found]) };
  });
}

/** Items AWS would refuse, found before any call; an item repeating an earlier one's owner in its partition is one of them. */
function checkCreateRequests(items: Placed[]): Map<number, CreateOutcome> {
  const refused = new Map<number, CreateOutcome>();
  const firstIndexOf = new Map<string, number>();
  items.forEach((item, index) => {
    const { request } = item;
    if ("refused" in item) {
      refused.set(index, { kind: "failed", index, request, failure: item.refused });
      return;
    }
    const path = `Workspaces[${index}]`;
    const violations = [...checkWorkspaceRequestShape(request, path), ...checkWorkspaceRequestRules(request, path)];
    const key = `${item.partition.key}/${workspaceOwnerKey(request)}`;
    const earlier = firstIndexOf.get(key);
    if (violations.length === 0 && earlier !== undefined) {
      violations.push(
        violation(path, "duplicate", `repeats the request at index ${earlier}; a user can have one WorkSpace per bundle and directory`),
      );
    }
    if (violations.length > 0) refused.set(index, { kind: "failed", index, request, failure: invalid(violations) });
    else firstIndexOf.set(key, index);
  });
  return refused;
}

/**
 * Maps one call's PendingRequests and FailedRequests back to the requests it sent (`indexes` are their input
 * positions). Owners are unique within a call (checkCreateRequests), so the match is exact.
 */
function correlateCreateResults(
  partition: Partition,
  requests: WorkspaceRequest[],
  indexes: number[],
  output: CreateWorkspacesResult,
): CreateOutcome[] {
  const pending = new Map((output.PendingRequests ?? []).map((w) => [workspaceOwnerKey(w), w]));
  const failed = new Map((output.FailedRequests ?? []).map((f) => [workspaceOwnerKey(f.WorkspaceRequest ?? {}), f]));
  return requests.map((request, i): CreateOutcome => {
    const index = indexes[i]!;
    const key = workspaceOwnerKey(request);
    const workspace = pending.get(key);
    if (workspace) return { kind: "created", index, workspace: locatedWorkspaces(partition, [workspace])[0]! };
    const refused = failed.get(key);
    const failure = refused
      ? refusal(refused.ErrorCode ?? "UnknownError", refused.ErrorMessage ?? "AWS did not create this WorkSpace.")
      : refusal("UnknownError", "AWS did not report on this request.");
    return { kind: "failed", index, request: refused?.WorkspaceRequest ?? request, failure };
  });
}

async function createBatch(partition: Partition, requests: WorkspaceRequest[], indexes: number[], options: WriteOptions) {
  try {
    const output = await partition.upstream.write(new CreateWorkspacesCommand({ Workspaces: requests }), options);
    return correlateCreateResults(partition, requests, indexes, output);
  } catch (error) {
    const failure = failureOf(error);
    return requests.map((request, i): CreateOutcome => ({ kind: "failed", index: indexes[i]!, request, failure }));
  }
}

/**
 * Items whose bundle AWS would refuse them with (a compute type or volume sizes it does not offer), from the bundles
 * their partition's loader has or reads. A bundle AWS does not have, or whose read failed, is left to AWS.
 */
async function checkAgainstBundles(session: AwsSession, items: Placed[], indexes: number[]): Promise<Map<number, CreateOutcome>> {
  const bundles = await Promise.all(
    indexes.map((index) => {
      const item = items[index] as { request: WorkspaceRequest; partition: Partition };
      return session
        .in(item.partition)
        .bundles.load(item.request.BundleId!)
        .catch(() => null);
    }),
  );
  const refused = new Map<number, CreateOutcome>();
  indexes.forEach((index, i) => {
    const bundle = bundles[i];
    if (!bundle) return;
    const { request } = items[index]!;
    const violations = checkWorkspaceRequestAgainstBundle(request, pascalCase(bundle), `Workspaces[${index}]`);
    if (violations.length > 0) refused.set(index, { kind: "failed", index, request, failure: invalid(violations) });
  });
  return refused;
}

/** One outcome per item, in input order; refused items cost no write and never hold up the others. */
async function sendCreates(session: AwsSession, items: Placed[]): Promise<CreateOutcome[]> {
  const outcomes = checkCreateRequests(items);
  const checked = items.map((_, index) => index).filter((index) => !outcomes.has(index));
  for (const [index, outcome] of await checkAgainstBundles(session, items, checked)) outcomes.set(index, outcome);
  // Calls of up to 25 within each partition, every call of every partition at once.
  const accepted = checked.filter((index) => !outcomes.has(index));
  const batches = callsByPartition(accepted, (index) => (items[index] as { partition: Partition }).partition, CREATE_BATCH_SIZE.max);
  const results = await pMap(batches, ({ partition, indexes }) =>
    createBatch(
      partition,
      indexes.map((i) => items[i]!.request),
      indexes,
      session.writeOptions(),
    ),
  );
  for (const outcome of results.flat()) outcomes.set(outcome.index, outcome);
  return items.map((_, index) => outcomes.get(index)!);
}

/** A result worth replaying: AWS created something, answered, or may have acted (else a retry must run again). */
const worthKeeping = (outcomes: CreateOutcome[]) => outcomes.some((o) => o.kind === "created" || reachedAws(o.failure));

const isUnknown = (outcome: CreateOutcome) => outcome.kind === "failed" && outcome.failure.kind === "unknown";

/**
 * The WorkSpace AWS already has for a request it refused as existing: one per user, bundle and directory, so the
 * request's own WorkSpace, created by an attempt whose answer was lost.
 */
async function existingWorkspace(session: AwsSession, item: Placed, request: WorkspaceRequest): Promise<WorkspaceShape | undefined> {
  if (!("partition" in item)) return undefined;
  const byUser = { DirectoryId: request.DirectoryId, UserName: request.UserName };
  const page = await fetchWorkspacesPage(item.partition, byUser, null, session.readOptions(true));
  const key = workspaceOwnerKey(request);
  return page.items.find((w) => workspaceOwnerKey({ DirectoryId: w.directoryId, UserName: w.userName, BundleId: w.bundleId }) === key);
}

/**
 * A kept result asked again: its items with an unknown outcome are sent again and answered with what AWS says now
 * (one AWS refuses as existing is the WorkSpace the lost attempt created); the others are replayed as they were.
 */
async function revisitUnknown(session: AwsSession, items: Placed[], previous: CreateOutcome[]): Promise<CreateOutcome[]> {
  const unknown = previous.filter(isUnknown).map((outcome) => outcome.index);
  const again = await sendCreates(
    session,
    unknown.map((index) => items[index]!),
  );
  const resolved = await Promise.all(
    again.map(async (outcome, i): Promise<CreateOutcome> => {
      const index = unknown[i]!;
      if (outcome.kind === "created") return { ...outcome, index };
      if (outcome.failure.reason !== "exists") return { ...outcome, index };
      const workspace = await existingWorkspace(session, items[index]!, outcome.request).catch(() => undefined);
      return workspace ? { kind: "created", index, workspace } : { ...outcome, index };
    }),
  );
  const outcomes = [...previous];
  for (const outcome of resolved) outcomes[outcome.index] = outcome;
  return outcomes;
}

/**
 * Creates the WorkSpaces; with an idempotency key, a repeat by the same caller with the same input gets the first
 * result, and another input under the key is a conflict. Created WorkSpaces are watchable at once.
 */
export async function createWorkspaces(
  session: AwsSession,
  items: CreateItem[],
  idempotency?: { caller: string; key: string },
): Promise<IdempotentRun<CreateOutcome[]>> {
  const { watch, idempotency: store } = session.services;
  const placed = place(session, items);
  const create = async () => {
    const outcomes = await sendCreates(session, placed);
    for (const outcome of outcomes) if (outcome.kind === "created") watch.recordCreated(outcome.workspace);
    return outcomes;
  };
  if (!idempotency) return { kind: "result", result: await create(), replayed: false };
  // The input as placed: the same requests in the same partitions, however the input named them.
  const input = placed.map((item) => ["partition" in item ? item.partition.key : null, item.request]);
  return store.run(idempotency.caller, idempotency.key, input, create, worthKeeping, (previous) =>
    previous.some(isUnknown) ? revisitUnknown(session, placed, previous) : undefined,
  );
}
