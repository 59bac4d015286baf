// What one GraphQL request may ask of AWS: its signals (the client leaving, the deadline) and its own loaders in each
// partition, so nothing is fetched twice in a request. What outlives requests (the fleet, caches, the watch) is in
// Services.
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-workspaces";
import type DataLoader from "dataloader";
import type { Idempotency } from "../shared/idempotency/idempotency.ts";
import type { WorkspaceWatch } from "../watch/workspace-watch.ts";
import type { CallTicket } from "./budget/budget.ts";
import type { CreateOutcome } from "./create-workspaces.ts";
import { FailureError } from "./failure.ts";
import type { Fleet, Partition, PartitionRef } from "./fleet.ts";
import { partitionKey } from "./fleet.ts";
import type { ItemOf, ListMember, Read } from "./reads.ts";
import { createLoader } from "./reads.ts";
import type { ReadOptions, WriteOptions } from "./upstream.ts";

/** What every request shares, for the life of the process. */
export interface Services {
  /** Every account and region served, each with its client, budget and bundle cache. */
  fleet: Fleet;
  /** Signs cursors; instances behind one load balancer must share it. */
  cursorSecret: string;
  /** createWorkspaces results by idempotency key, across requests. */
  idempotency: Idempotency<CreateOutcome[]>;
  /** The process's one polling loop for subscriptions. */
  watch: WorkspaceWatch;
  clock: () => number;
  /** Aborted when the process stops and can wait no longer (SHUTDOWN_TIMEOUT_MS): writes in flight are cut short. */
  cut?: AbortSignal;
}

/** The request a session serves: who sent it, its client's signal (aborted when the client leaves) and its deadline. */
export interface RequestScope {
  caller: string;
  signal: AbortSignal;
  deadlineMs: number;
}

/** A request's loaders in one partition: IDs are batched 25 a call within it, never across partitions. */
export class PartitionSession {
  /** Each read's loader, made on its first use. */
  private readonly loaders = new Map<object, DataLoader<string, unknown>>();

  constructor(
    readonly partition: Partition,
    private readonly options: ReadOptions,
  ) {}

  /** The loader of `read` (a description of workspaces.ts, bundles.ts, ...) in this partition. */
  loader<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>>(
    read: Read<Input, Output, Items>,
  ): DataLoader<string, ItemOf<Output, Items> | null> {
    let loader = this.loaders.get(read) as DataLoader<string, ItemOf<Output, Items> | null> | undefined;
    if (!loader) {
      loader = createLoader(read, this.partition, this.options);
      this.loaders.set(read, loader);
    }
    return loader;
  }
}

/**
 * A session whose reads fail at once, before any call: `caller`'s share of the AWS budget is spent for `retryAfter` s
 * (a subscription's event past what its caller may spend).
 */
export function spentSession(services: Services, caller: string, retryAfter: number, deadlineMs: number): AwsSession {
  const message = `This caller's share of the AWS budget is spent for now; this event's lookups were not made. Retry in ${retryAfter} s.`;
  const reason = new FailureError({ kind: "unsent", reason: "quotaSpent", message, retryAfter });
  return new AwsSession(services, { caller, signal: AbortSignal.abort(reason), deadlineMs });
}

export class AwsSession {
  /** Aborts reads: the deadline passed or the client left. */
  readonly reads: AbortSignal;
  /** Aborts writes: only the deadline, as a write abandoned midway has an unknown outcome. */
  readonly writes: AbortSignal;
  private readonly caller: string;
  /** When the deadline passes, on the monotonic clock the AWS budget reads. */
  private readonly deadline: number;
  /** Loaders by partition key, made when the request first reaches that partition. */
  private readonly partitions = new Map<string, PartitionSession>();

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
  }

  /** The request's loaders in a partition the fleet serves. */
  in(partition: PartitionRef): PartitionSession {
    const key = partitionKey(partition);
    let session = this.partitions.get(key);
    if (!session) {
      const served = this.services.fleet.get(partition);
      // The schema checks the partitions clients name; anything else was read from a partition served.
      if (!served) throw new Error(`this gateway does not serve ${key}`);
      session = new PartitionSession(served, this.readOptions());
      this.partitions.set(key, session);
    }
    return session;
  }

  /**
   * Loaders for reads around a write, in each partition made on first use: fresh, they never join a read in flight since
   * before (a subscription's tick), and they cache nothing of the request's.
   */
  freshReads(): (partition: Partition) => PartitionSession {
    const sessions = new Map<Partition, PartitionSession>();
    return (partition) => {
      let session = sessions.get(partition);
      if (!session) {
        session = new PartitionSession(partition, this.readOptions(true));
        sessions.set(partition, session);
      }
      return session;
    };
  }

  /** Whose call it is, of which class, and by when it must go: what the AWS budget serves in turns. */
  ticket(callClass: "read" | "write"): CallTicket {
    return { caller: this.caller, class: callClass, deadline: this.deadline };
  }

  readOptions(fresh = false): ReadOptions {
    return { signal: this.reads, ticket: this.ticket("read"), fresh };
  }

  writeOptions(): WriteOptions {
    return { signal: this.writes, cut: this.services.cut, ticket: this.ticket("write") };
  }

  /** Milliseconds until the deadline. */
  timeLeft(): number {
    return this.deadline - performance.now();
  }
}
