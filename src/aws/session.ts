// What one GraphQL request may ask of AWS: its signals (the client leaving, the deadline) and its own loaders, so
// nothing is fetched twice in a request. What outlives requests (the upstream, caches, the watch) is in Services.
import type DataLoader from "dataloader";
import type { CallTicket } from "./budget.ts";
import type { BundleCache, BundleShape } from "./bundles.ts";
import { createBundleLoader } from "./bundles.ts";
import type { ConnectionStatusShape } from "./connection-status.ts";
import { createConnectionStatusLoader } from "./connection-status.ts";
import type { CreateOutcome } from "./create-workspaces.ts";
import type { DirectoryShape } from "./directories.ts";
import { createDirectoryLoader } from "./directories.ts";
import type { Idempotency } from "./idempotency.ts";
import type { ReadOptions, Upstream, WriteOptions } from "./upstream.ts";
import type { WorkspaceWatch } from "./workspace-watch.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { createWorkspaceLoader } from "./workspaces.ts";

/** What every request shares, for the life of the process. */
export interface Services {
  upstream: Upstream;
  bundleCache: BundleCache;
  /** Signs cursors; instances behind one load balancer must share it. */
  cursorSecret: string;
  /** createWorkspaces results by idempotency key, across requests. */
  idempotency: Idempotency<CreateOutcome[]>;
  /** The process's one polling loop for subscriptions. */
  watch: WorkspaceWatch;
  clock: () => number;
}

/** The request a session serves: who sent it, its client's signal (aborted when the client leaves) and its deadline. */
export interface RequestScope {
  caller: string;
  signal: AbortSignal;
  deadlineMs: number;
}

export class AwsSession {
  /** Aborts reads: the deadline passed or the client left. */
  readonly reads: AbortSignal;
  /** Aborts writes: only the deadline, as a write abandoned midway has an unknown outcome. */
  readonly writes: AbortSignal;
  readonly workspaces: DataLoader<string, WorkspaceShape | null>;
  readonly bundles: DataLoader<string, BundleShape | null>;
  readonly directories: DataLoader<string, DirectoryShape | null>;
  readonly connectionStatus: DataLoader<string, ConnectionStatusShape | null>;
  private readonly caller: string;
  /** When the deadline passes, on the monotonic clock the AWS budget reads. */
  private readonly deadline: number;

  constructor(
    readonly services: Services,
    scope: RequestScope,
  ) {
    this.caller = scope.caller;
    this.deadline = performance.now() + scope.deadlineMs;
    this.writes = AbortSignal.timeout(scope.deadlineMs);
    // AbortSignal.any holds its sources weakly: a listener on the deadline would keep each request's objects alive
    // until it fires, seconds after the request ended.
    this.reads = AbortSignal.any([scope.signal, this.writes]);
    this.workspaces = createWorkspaceLoader(services.upstream, this.readOptions());
    this.bundles = createBundleLoader(services.upstream, services.bundleCache, this.readOptions());
    this.directories = createDirectoryLoader(services.upstream, this.readOptions());
    this.connectionStatus = createConnectionStatusLoader(services.upstream, this.readOptions());
  }

  /** Whose call it is, of which class, and by when it must go: what the AWS budget serves in turns. */
  ticket(callClass: "read" | "write"): CallTicket {
    return { caller: this.caller, class: callClass, deadline: this.deadline };
  }

  readOptions(fresh = false): ReadOptions {
    return { signal: this.reads, ticket: this.ticket("read"), fresh };
  }

  writeOptions(): WriteOptions {
    return { signal: this.writes, ticket: this.ticket("write") };
  }
}
