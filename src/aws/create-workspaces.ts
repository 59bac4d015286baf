// CreateWorkspaces for any number of requests up to 100: checked item by item against AWS's rules (those of a bundle
// against the bundle, read through the cached bundle loader), sent in calls of 25 concurrently, AWS's two unordered answer lists mapped back onto the requests in input order, and with an
// idempotency key, a repeat answered from the first run.

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
import { camelCase, pascalCase } from "./camel-case.ts";
import type { Failure } from "./failure.ts";
import { failureOf, invalid, reachedAws, refusal } from "./failure.ts";
import type { IdempotentRun } from "./idempotency.ts";
import type { AwsSession } from "./session.ts";
import type { Upstream, WriteOptions } from "./upstream.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { fetchWorkspacesPage } from "./workspaces.ts";

export const CREATE_REQUEST_LIMIT = 100;

export type CreateOutcome =
  | { kind: "created"; index: number; workspace: WorkspaceShape }
  /** Refused by the gateway (kind invalid, AWS member paths) or by AWS, or the call failed. */
  | { kind: "failed"; index: number; request: WorkspaceRequest; failure: Failure };

/** Items AWS would refuse, found before any call; an item repeating an earlier one's owner is one of them. */
export function checkCreateRequests(requests: WorkspaceRequest[]): Map<number, CreateOutcome> {
  const refused = new Map<number, CreateOutcome>();
  const firstIndexOf = new Map<string, number>();
  requests.forEach((request, index) => {
    const path = `Workspaces[${index}]`;
    const violations = [...checkWorkspaceRequestShape(request, path), ...checkWorkspaceRequestRules(request, path)];
    const key = workspaceOwnerKey(request);
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
export function correlateCreateResults(requests: WorkspaceRequest[], indexes: number[], output: CreateWorkspacesResult): CreateOutcome[] {
  const pending = new Map((output.PendingRequests ?? []).map((w) => [workspaceOwnerKey(w), w]));
  const failed = new Map((output.FailedRequests ?? []).map((f) => [workspaceOwnerKey(f.WorkspaceRequest ?? {}), f]));
  return requests.map((request, i): CreateOutcome => {
    const index = indexes[i]!;
    const key = workspaceOwnerKey(request);
    const workspace = pending.get(key);
    if (workspace) return { kind: "created", index, workspace: camelCase(workspace) };
    const refused = failed.get(key);
    const failure = refused
      ? refusal(refused.ErrorCode ?? "UnknownError", refused.ErrorMessage ?? "AWS did not create this WorkSpace.")
      : refusal("UnknownError", "AWS did not report on this request.");
    return { kind: "failed", index, request: refused?.WorkspaceRequest ?? request, failure };
  });
}

async function createBatch(upstream: Upstream, requests: WorkspaceRequest[], indexes: number[], options: WriteOptions) {
  try {
    const output = await upstream.write(new CreateWorkspacesCommand({ Workspaces: requests }), options);
    return correlateCreateResults(requests, indexes, output);
  } catch (error) {
    const failure = failureOf(error);
    return requests.map((request, i): CreateOutcome => ({ kind: "failed", index: indexes[i]!, request, failure }));
  }
}

/**
 * Items whose bundle AWS would refuse them with (a compute type or volume sizes it does not offer), from the bundles
 * the session's loader has or reads. A bundle AWS does not have, or whose read failed, is left to AWS.
 */
async function checkAgainstBundles(
  session: AwsSession,
  requests: WorkspaceRequest[],
  indexes: number[],
): Promise<Map<number, CreateOutcome>> {
  const bundles = await session.bundles.loadMany(indexes.map((index) => requests[index]!.BundleId!));
  const refused = new Map<number, CreateOutcome>();
  indexes.forEach((index, i) => {
    const bundle = bundles[i];
    if (!bundle || bundle instanceof Error) return;
    const request = requests[index]!;
    const violations = checkWorkspaceRequestAgainstBundle(request, pascalCase(bundle), `Workspaces[${index}]`);
    if (violations.length > 0) refused.set(index, { kind: "failed", index, request, failure: invalid(violations) });
  });
  return refused;
}

/** One outcome per request, in input order; refused items cost no write and never hold up the others. */
async function sendCreates(session: AwsSession, requests: WorkspaceRequest[]): Promise<CreateOutcome[]> {
  const outcomes = checkCreateRequests(requests);
  const checked = requests.map((_, index) => index).filter((index) => !outcomes.has(index));
  for (const [index, outcome] of await checkAgainstBundles(session, requests, checked)) outcomes.set(index, outcome);
  const accepted = checked.filter((index) => !outcomes.has(index));
  const batches: number[][] = [];
  for (let start = 0; start < accepted.length; start += CREATE_BATCH_SIZE.max) {
    batches.push(accepted.slice(start, start + CREATE_BATCH_SIZE.max));
  }
  const results = await pMap(batches, (batch) =>
    createBatch(
      session.services.upstream,
      batch.map((i) => requests[i]!),
      batch,
      session.writeOptions(),
    ),
  );
  for (const outcome of results.flat()) outcomes.set(outcome.index, outcome);
  return requests.map((_, index) => outcomes.get(index)!);
}

/** A result worth replaying: AWS created something, answered, or may have acted (else a retry must run again). */
const worthKeeping = (outcomes: CreateOutcome[]) => outcomes.some((o) => o.kind === "created" || reachedAws(o.failure));

const isUnknown = (outcome: CreateOutcome) => outcome.kind === "failed" && outcome.failure.kind === "unknown";

/**
 * The WorkSpace AWS already has for a request it refused as existing: one per user, bundle and directory, so the
 * request's own WorkSpace, created by an attempt whose answer was lost.
 */
async function existingWorkspace(session: AwsSession, request: WorkspaceRequest): Promise<WorkspaceShape | undefined> {
  const byUser = { DirectoryId: request.DirectoryId, UserName: request.UserName };
  const page = await fetchWorkspacesPage(session.services.upstream, byUser, null, session.readOptions(true));
  const key = workspaceOwnerKey(request);
  return page.items.find((w) => workspaceOwnerKey({ DirectoryId: w.directoryId, UserName: w.userName, BundleId: w.bundleId }) === key);
}

/**
 * A kept result asked again: its items with an unknown outcome are sent again and answered with what AWS says now
 * (one AWS refuses as existing is the WorkSpace the lost attempt created); the others are replayed as they were.
 */
async function revisitUnknown(session: AwsSession, previous: CreateOutcome[]): Promise<CreateOutcome[]> {
  const unknown = previous.filter(isUnknown).map((outcome) => outcome.index);
  const requests = unknown.map((index) => (previous[index] as { request: WorkspaceRequest }).request);
  const again = await sendCreates(session, requests);
  const resolved = await Promise.all(
    again.map(async (outcome, i): Promise<CreateOutcome> => {
      const index = unknown[i]!;
      if (outcome.kind === "created") return { ...outcome, index };
      if (outcome.failure.code !== "ALREADY_EXISTS") return { ...outcome, index };
      const workspace = await existingWorkspace(session, outcome.request).catch(() => undefined);
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
  requests: WorkspaceRequest[],
  idempotency?: { caller: string; key: string },
): Promise<IdempotentRun<CreateOutcome[]>> {
  const { watch, idempotency: store } = session.services;
  const create = async () => {
    const outcomes = await sendCreates(session, requests);
    for (const outcome of outcomes) if (outcome.kind === "created") watch.recordCreated(outcome.workspace);
    return outcomes;
  };
  if (!idempotency) return { kind: "result", result: await create(), replayed: false };
  return store.run(idempotency.caller, idempotency.key, requests, create, worthKeeping, (previous) =>
    previous.some(isUnknown) ? revisitUnknown(session, previous) : undefined,
  );
}
