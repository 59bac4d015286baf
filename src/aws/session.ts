// What one GraphQL request may ask of AWS: its own loaders (so nothing is fetched twice in a request) and
// connections over AWS's pages, with the input checked against AWS's rules before any call is made.
import type { ModifyWorkspacePropertiesRequest, WorkSpacesClient, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import type DataLoader from "dataloader";
import type { Violation } from "../constraints.ts";
import { checkWorkspaceId, validateDescribeWorkspaceBundles, validateDescribeWorkspaces } from "../constraints.ts";
import type { BundleCache, BundleShape, BundlesFilter } from "./bundles.ts";
import { createBundleLoader, describeBundlesRequest, fetchBundlesPage } from "./bundles.ts";
import type { CreateOutcome } from "./create-workspaces.ts";
import { createWorkspaces } from "./create-workspaces.ts";
import type { CursorPosition } from "./cursor.ts";
import { encodeCursor, readCursor } from "./cursor.ts";
import { fromAwsError, gatewayError } from "./errors.ts";
import type { IdempotencyStore, IdempotentRun } from "./idempotency.ts";
import { modifyWorkspaceProperties } from "./modify-workspace-properties.ts";
import type { AwsPage, Slice } from "./pagination.ts";
import { sliceOf } from "./pagination.ts";
import type { WatchEvent, WorkspaceWatch } from "./workspace-watch.ts";
import { WATCH_ID_LIMIT } from "./workspace-watch.ts";
import type { WorkspaceShape, WorkspacesFilter } from "./workspaces.ts";
import { createWorkspaceLoader, describeWorkspacesRequest, fetchWorkspacesPage } from "./workspaces.ts";

export const CONNECTION_SIZE = { default: 25, max: 100 };

export interface UpstreamOptions {
  client: WorkSpacesClient;
  bundleCache: BundleCache;
  /** Signs cursors; instances behind one load balancer must share it. */
  cursorSecret: string;
  /** createWorkspaces results by idempotency key, across requests. */
  idempotency: IdempotencyStore<CreateOutcome[]>;
  /** The process's one polling loop for subscriptions; it must outlive every request. */
  watch: WorkspaceWatch;
  clock?: () => number;
}

/** The request a session serves: its client's signal (aborted when the client leaves) and its deadline. */
export interface RequestScope {
  signal: AbortSignal;
  deadlineMs: number;
}

interface SessionSignals {
  /** Aborts reads: the deadline passed or the client left. */
  reads: AbortSignal;
  /** Aborts writes: only the deadline, as a write abandoned midway has an unknown outcome. */
  writes: AbortSignal;
}

function signalsFor(scope: RequestScope): SessionSignals {
  const deadline = AbortSignal.timeout(scope.deadlineMs);
  // AbortSignal.any holds its sources weakly: a listener on the deadline would keep each request's objects alive
  // until it fires, seconds after the request ended.
  return { reads: AbortSignal.any([scope.signal, deadline]), writes: deadline };
}

/** Nothing reached AWS in a way that could have applied: a retry with the same key should run again. */
const NOTHING_APPLIED = new Set(["VALIDATION", "THROTTLED", "UPSTREAM_UNAVAILABLE"]);

const reachedAws = (outcomes: CreateOutcome[]) =>
  outcomes.some((outcome) => outcome.kind === "created" || (outcome.kind === "failed" && !NOTHING_APPLIED.has(outcome.code)));

/** AWS member paths in a violation, as the GraphQL argument paths a client wrote. */
const FILTER_FIELDS: Record<string, string> = {
  WorkspaceIds: "filter.workspaceIds",
  DirectoryId: "filter.directory.directoryId",
  UserName: "filter.directory.userName",
  BundleId: "filter.bundleId",
  BundleIds: "filter.bundleIds",
  NextToken: "after",
  Limit: "first",
};

export function validationError(violations: Violation[], fields: Record<string, string>) {
  const [first] = violations;
  const field = first!.field.replace(/^[A-Za-z]+/, (member) => fields[member] ?? member);
  return gatewayError("VALIDATION", `${field}: ${first!.detail}`, { field, rule: first!.rule });
}

function checkFirst(first: number | null | undefined): number {
  const size = first ?? CONNECTION_SIZE.default;
  if (!Number.isInteger(size) || size < 1 || size > CONNECTION_SIZE.max) {
    throw gatewayError("VALIDATION", `first: must be from 1 to ${CONNECTION_SIZE.max}`, { field: "first", rule: "range" });
  }
  return size;
}

export class AwsSession {
  readonly workspaces: DataLoader<string, WorkspaceShape | null>;
  readonly bundles: DataLoader<string, BundleShape | null>;
  private readonly clock: () => number;
  private readonly signals: SessionSignals;

  constructor(
    private readonly upstream: UpstreamOptions,
    private readonly scope: RequestScope,
  ) {
    this.clock = upstream.clock ?? Date.now;
    this.signals = signalsFor(scope);
    this.workspaces = createWorkspaceLoader(upstream.client, this.signals.reads);
    this.bundles = createBundleLoader(upstream.client, upstream.bundleCache, this.signals.reads);
  }

  /** A session of its own for each event of a subscription: a deadline of its own, and loaders that are not stale. */
  forEvent(): AwsSession {
    return new AwsSession(this.upstream, this.scope);
  }

  async listWorkspaces(filter: WorkspacesFilter | null | undefined, first?: number | null, after?: string | null) {
    const request = describeWorkspacesRequest(filter);
    const violations = validateDescribeWorkspaces(request);
    if (violations.length > 0) throw validationError(violations, FILTER_FIELDS);
    return this.slice(`workspaces:${JSON.stringify(request)}`, first, after, async (token) => {
      const page = await fetchWorkspacesPage(this.upstream.client, request, token, this.signals.reads);
      for (const workspace of page.items) this.workspaces.clear(workspace.workspaceId!).prime(workspace.workspaceId!, workspace);
      return page;
    });
  }

  async listBundles(filter: BundlesFilter | null | undefined, first?: number | null, after?: string | null) {
    const request = describeBundlesRequest(filter);
    const violations = validateDescribeWorkspaceBundles(request);
    if (violations.length > 0) throw validationError(violations, FILTER_FIELDS);
    return this.slice(`bundles:${JSON.stringify(request)}`, first, after, async (token) => {
      const page = await fetchBundlesPage(this.upstream.client, request, token, this.upstream.bundleCache, this.signals.reads);
      for (const bundle of page.items) this.bundles.clear(bundle.bundleId!).prime(bundle.bundleId!, bundle);
      return page;
    });
  }

  /** With an idempotency key, a repeat by the same caller returns the first result; another input is a conflict. */
  async createWorkspaces(
    requests: WorkspaceRequest[],
    idempotency?: { caller: string; key: string },
  ): Promise<IdempotentRun<CreateOutcome[]>> {
    const create = async () => {
      const outcomes = await createWorkspaces(this.upstream.client, requests, this.signals.writes);
      // Watchable at once, before AWS's listings show them.
      for (const outcome of outcomes) if (outcome.kind === "created") this.upstream.watch.recordCreated(outcome.workspace);
      return outcomes;
    };
    if (!idempotency) return { kind: "result", result: await create(), replayed: false };
    return this.upstream.idempotency.run(idempotency.caller, idempotency.key, requests, create, reachedAws);
  }

  /** Live state of 1 to 100 WorkSpaces from the process's one polling loop; bad IDs are refused before any AWS call. */
  watchWorkspaces(workspaceIds: string[]): AsyncIterableIterator<WatchEvent> {
    if (workspaceIds.length < 1 || workspaceIds.length > WATCH_ID_LIMIT) {
      throw gatewayError("VALIDATION", `workspaceIds: must hold 1 to ${WATCH_ID_LIMIT} items`, { field: "workspaceIds", rule: "listSize" });
    }
    const violations = workspaceIds.flatMap((id, i) => checkWorkspaceId(id, `WorkspaceIds[${i}]`));
    if (violations.length > 0) throw validationError(violations, { WorkspaceIds: "workspaceIds" });
    return this.upstream.watch.stream(workspaceIds);
  }

  /** Modifies, then reads each modified WorkSpace afresh (batched), as AWS shows it after the call. */
  async modifyWorkspaceProperties(requests: ModifyWorkspacePropertiesRequest[]) {
    const outcomes = await modifyWorkspaceProperties(this.upstream.client, requests, this.signals.writes);
    // Read afresh: a read in flight since before the modify (a subscription's tick) would show the old state.
    const rereads = createWorkspaceLoader(this.upstream.client, this.signals.reads, true);
    return Promise.all(
      outcomes.map(async (outcome) => {
        if (outcome.kind !== "modified") return outcome;
        // The change was made: a failed re-read must not turn it into a failure, so the WorkSpace is then null.
        const workspace = await rereads.load(outcome.workspaceId).catch(() => null);
        if (workspace) this.workspaces.clear(outcome.workspaceId).prime(outcome.workspaceId, workspace);
        return { ...outcome, workspace };
      }),
    );
  }

  private async slice<T>(
    listing: string,
    first: number | null | undefined,
    after: string | null | undefined,
    fetchPage: (token: string | null) => Promise<AwsPage<T>>,
  ): Promise<Slice<T>> {
    const size = checkFirst(first);
    const { cursorSecret } = this.upstream;
    try {
      const resumed = after ? readCursor(cursorSecret, listing, after, this.clock()) : null;
      // A cursor expires with the AWS token it holds: one holding the resumed cursor's token keeps that cursor's age.
      const issuedAt = (p: CursorPosition) =>
        resumed && p.token !== null && p.token === resumed.position.token ? resumed.issuedAt : this.clock();
      return await sliceOf(fetchPage, size, resumed?.position ?? null, (p) => encodeCursor(cursorSecret, listing, p, issuedAt(p)));
    } catch (error) {
      throw fromAwsError(error);
    }
  }
}
