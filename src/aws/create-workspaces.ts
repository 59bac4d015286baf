// CreateWorkspaces for any number of requests up to 100, each in the partition it names: checked item by item
// against AWS's rules (those of a bundle against the bundle, read through the partition's cached bundle loader), sent
// in calls of 25 per partition, all concurrently, AWS's two unordered answer lists mapped back onto the requests in
// input order, and with an idempotency key, a repeat answered from the first run.

import type { WorkspaceRequest } from "@aws-sdk/client-workspaces";
import { CreateWorkspacesCommand } from "@aws-sdk/client-workspaces";
import {
  CREATE_BATCH_SIZE,
  checkWorkspaceRequestAgainstBundle,
  checkWorkspaceRequestRules,
  checkWorkspaceRequestShape,
  violation,
  workspaceOwnerKey,
} from "../constraints.ts";
import type { IdempotentRun } from "../shared/idempotency/idempotency.ts";
import { DESCRIBE_WORKSPACE_BUNDLES } from "./bundles.ts";
import { pascalCase } from "./camel-case.ts";
import type { Failure } from "./failure.ts";
import { reachedAws } from "./failure.ts";
import type { PartitionChoice } from "./fleet.ts";
import { fetchPage } from "./reads.ts";
import type { AwsSession } from "./session.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { DESCRIBE_WORKSPACES } from "./workspaces.ts";
import type { Placed, WriteItem } from "./writes.ts";
import { againstCurrent, describeWrite, place } from "./writes.ts";

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

type CreateRequest = WriteItem<WorkspaceRequest>;

const CREATE_WORKSPACES = describeWrite({
  command: CreateWorkspacesCommand,
  list: "Workspaces",
  batchSize: CREATE_BATCH_SIZE.max,
  // AWS answers in two unordered lists; a user has one WorkSpace per bundle and directory, so the owner names the item.
  key: workspaceOwnerKey,
  failed: { member: "FailedRequests", request: "WorkspaceRequest" },
  made: "PendingRequests",
  rules: ({ request, path }: CreateRequest) => [...checkWorkspaceRequestShape(request, path), ...checkWorkspaceRequestRules(request, path)],
  repeats: ({ path }: CreateRequest, earlier: number) =>
    violation(path, "duplicate", `repeats the request at index ${earlier}; a user can have one WorkSpace per bundle and directory`),
  // What the bundle offers (compute types, volume sizes), read through the partition's bundle cache.
  current: againstCurrent(
    DESCRIBE_WORKSPACE_BUNDLES,
    false,
    ({ request }: CreateRequest) => request.BundleId,
    ({ request, path }, bundle) => checkWorkspaceRequestAgainstBundle(request, pascalCase(bundle), path),
  ),
});

/** One outcome per item, in input order, in calls of 25 per partition, every call of every partition at once. */
async function sendCreates(session: AwsSession, placed: readonly Placed<CreateRequest>[]): Promise<CreateOutcome[]> {
  const outcomes = await CREATE_WORKSPACES.run(session, placed);
  return outcomes.map((outcome, index) =>
    outcome.kind === "done"
      ? { kind: "created", index, workspace: outcome.made! }
      : { kind: "failed", index, request: outcome.request, failure: outcome.failure },
  );
}

/** A result worth replaying: AWS created something, answered, or may have acted (else a retry must run again). */
const worthKeeping = (outcomes: CreateOutcome[]) => outcomes.some((o) => o.kind === "created" || reachedAws(o.failure));

const isUnknown = (outcome: CreateOutcome) => outcome.kind === "failed" && outcome.failure.kind === "unknown";

/**
 * The WorkSpace AWS already has for a request it refused as existing: one per user, bundle and directory, so the
 * request's own WorkSpace, created by an attempt whose answer was lost.
 */
async function existingWorkspace(
  session: AwsSession,
  placed: Placed<CreateRequest>,
  request: WorkspaceRequest,
): Promise<WorkspaceShape | undefined> {
  if (!("partition" in placed)) return undefined;
  const byUser = { DirectoryId: request.DirectoryId, UserName: request.UserName };
  const page = await fetchPage(DESCRIBE_WORKSPACES, placed.partition, byUser, null, session.readOptions(true));
  const key = workspaceOwnerKey(request);
  return page.items.find((w) => workspaceOwnerKey({ DirectoryId: w.directoryId, UserName: w.userName, BundleId: w.bundleId }) === key);
}

/**
 * A kept result asked again: its items with an unknown outcome are sent again and answered with what AWS says now
 * (one AWS refuses as existing is the WorkSpace the lost attempt created); the others are replayed as they were.
 */
async function revisitUnknown(
  session: AwsSession,
  items: readonly Placed<CreateRequest>[],
  previous: CreateOutcome[],
): Promise<CreateOutcome[]> {
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
  const placed = place(
    session,
    items.map((item, index) => ({ ...item, path: `Workspaces[${index}]` })),
  );
  const create = async () => {
    const outcomes = await sendCreates(session, placed);
    for (const outcome of outcomes) if (outcome.kind === "created") watch.recordCreated(outcome.workspace);
    return outcomes;
  };
  if (!idempotency) return { kind: "result", result: await create(), replayed: false };
  // The input as placed: the same requests in the same partitions, however the input named them.
  const input = placed.map((entry) => ["partition" in entry ? entry.partition.key : null, entry.item.request]);
  return store.run(idempotency.caller, idempotency.key, input, create, worthKeeping, (previous) =>
    previous.some(isUnknown) ? revisitUnknown(session, placed, previous) : undefined,
  );
}
