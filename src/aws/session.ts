// What one GraphQL request may ask of AWS: its signals (the client leaving, the deadline) and its own loaders, so
// nothing is fetched twice in a request. What outlives requests (the upstream, caches, the watch) is in Services.
import type DataLoader from "dataloader";
import type { BundleCache, BundleShape } from "./bundles.ts";
import { createBundleLoader } from "./bundles.ts";
import type { ConnectionStatusShape } from "./connection-status.ts";
import { createConnectionStatusLoader } from "./connection-status.ts";
import type { CreateOutcome } from "./create-workspaces.ts";
import type { DirectoryShape } from "./directories.ts";
import { createDirectoryLoader } from "./directories.ts";
import type { IdempotencyStore } from "./idempotency.ts";
import type { Upstream } from "./upstream.ts";
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
  idempotency: IdempotencyStore<CreateOutcome[]>;
  /** The process's one polling loop for subscriptions. */
  watch: WorkspaceWatch;
  clock: () => number;
}

/** The request a session serves: its client's signal (aborted when the client leaves) and its deadline. */
export interface RequestScope {
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

  constructor(
    readonly services: Services,
    scope: RequestScope,
  ) {
    this.writes = AbortSignal.timeout(scope.deadlineMs);
    // AbortSignal.any holds its sources weakly: a listener on the deadline would keep each request's objects alive
    // until it fires, seconds after the request ended.
    this.reads = AbortSignal.any([scope.signal, this.writes]);
    this.workspaces = createWorkspaceLoader(services.upstream, { signal: this.reads });
    this.bundles = createBundleLoader(services.upstream, services.bundleCache, this.reads);
    this.directories = createDirectoryLoader(services.upstream, { signal: this.reads });
    this.connectionStatus = createConnectionStatusLoader(services.upstream, { signal: this.reads });
  }
}
