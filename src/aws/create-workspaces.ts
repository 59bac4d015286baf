// CreateWorkspaces for any number of requests up to 100, each in the partition it names: checked item by item
// against AWS's rules (those of a bundle against the bundle, read through the partition's cached bundle loader), sent
// in calls of 25 per partition, all concurrently, AWS's two unordered answer lists mapped back onto the requests in
// input order, and with an idempotency key, a repeat answered from the first run, whose unknown outcomes it resolves.

import { setTimeout as sleep } from "node:timers/promises";
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

/** A keyed create's outcome: one left unknown keeps its key open, and says a retry with the key finds out. */
const keyOpen = (outcome: CreateOutcome): CreateOutcome =>
  outcome.kind === "failed" && outcome.failure.kind === "unknown"
    ? { ...outcome, failure: { ...outcome.failure, reason: "keyOpen" } }
    : outcome;

const LOST =
  "The create may have been applied, but AWS does not list it yet; retry with the same idempotencyKey to find out what became of it.";

/** Asks for a WorkSpace AWS does not list yet, this far apart at first, twice as far each time, up to a second. */
const FIRST_PAUSE_MS = 250;
const LONGEST_PAUSE_MS = 1_000;
/** Time one ask may take: the last is made only while this much is left before the deadline. */
const ASK_MS = 500;

/**
 * The WorkSpace AWS already has for a request it refused as existing: one per user, bundle and directory, so the
 * request's own WorkSpace, created by an attempt whose answer was lost. AWS lists a new WorkSpace only after a while
 * (seconds, at times minutes), so it is asked again while the request's deadline allows.
 */
async function existingWorkspace(
  session: AwsSession,
  placed: Placed<CreateRequest>,
  request: WorkspaceRequest,
): Promise<WorkspaceShape | undefined> {
  if (!("partition" in placed)) return undefined;
  const byUser = { DirectoryId: request.DirectoryId, UserName: request.UserName };
  const key = workspaceOwnerKey(request);
  const { cut } = session.services;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(2 * pause, LONGEST_PAUSE_MS)) {
    const page = await fetchPage(DESCRIBE_WORKSPACES, placed.partition, byUser, null, session.readOptions(true)).catch(() => undefined);
    const found = page?.items.find(
      (w) => workspaceOwnerKey({ DirectoryId: w.directoryId, UserName: w.userName, BundleId: w.bundleId }) === key,
    );
    if (found || session.timeLeft() < pause + ASK_MS || cut?.aborted) return found;
    await sleep(pause, undefined, { signal: cut }).catch(() => {});
  }
}

/**
 * Items whose outcome is unknown, sent again and answered with what AWS says now: one AWS refuses as existing is the
 * WorkSpace a lost attempt created, once AWS lists it; until then it stays unknown, its key open. The others are
 * kept as they were.
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
      if (outcome.kind === "created" || outcome.failure.reason !== "exists") return keyOpen({ ...outcome, index });
      const workspace = await existingWorkspace(session, items[index]!, outcome.request);
      if (workspace) return { kind: "created", index, workspace };
      return { kind: "failed", index, request: outcome.request, failure: { kind: "unknown", reason: "keyOpen", message: LOST } };
    }),
  );
  const outcomes = [...previous];
  for (const outcome of resolved) outcomes[outcome.index] = outcome;
  return outcomes;
}

/**
 * Creates the WorkSpaces; with an idempotency key, a repeat by the same caller with the same input gets the first
 * result (its unknown outcomes asked again), and another input under the key is a conflict. Created WorkSpaces are
 * watchable at once.
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
  const watched = (outcomes: CreateOutcome[]) => {
    for (const outcome of outcomes) if (outcome.kind === "created") watch.recordCreated(outcome.workspace);
    return outcomes;
  };
  if (!idempotency) return { kind: "result", result: watched(await sendCreates(session, placed)), replayed: false };
  // The input as placed: the same requests in the same partitions, however the input named them.
  const input = placed.map((entry) => ["partition" in entry ? entry.partition.key : null, entry.item.request]);
  // A lost run (its gateway stopped) may have created any of the items: each is asked as an unknown one is.
  const lostRun = () =>
    placed.map(
      (entry, index): CreateOutcome => ({
        kind: "failed",
        index,
        request: entry.item.request,
        failure: { kind: "unknown", message: LOST },
      }),
    );
  const produce = async (lost: boolean) =>
    watched(lost ? await revisitUnknown(session, placed, lostRun()) : (await sendCreates(session, placed)).map(keyOpen));
  return store.run(idempotency.caller, idempotency.key, input, produce, worthKeeping, (previous) =>
    previous.some(isUnknown) ? revisitUnknown(session, placed, previous).then(watched) : undefined,
  );
}
