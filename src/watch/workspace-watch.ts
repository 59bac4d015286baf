// Live WorkSpace state for subscriptions: one polling loop per process (per cluster, when gateways share one: the
// lease holder polls every gateway's IDs and the others get its news), so a tick costs one DescribeWorkspaces per 25
// watched IDs of a partition however many subscribers watch them, and nothing is polled while nobody watches. Each
// partition is asked about its own IDs, within polling's share of its AWS budget (the interval stretches when many
// IDs are watched), and each caller keeps to its caps.
import { Repeater } from "@repeaterjs/repeater";
import { Gauge } from "prom-client";
import type { CallTicket } from "../aws/budget/budget.ts";
import { FailureError } from "../aws/failure.ts";
import type { Fleet, Partition } from "../aws/fleet.ts";
import { qualifiedId, splitQualifiedId } from "../aws/fleet.ts";
import { fetchPage } from "../aws/reads.ts";
import type { WorkspaceShape } from "../aws/workspaces.ts";
import { DESCRIBE_WORKSPACES } from "../aws/workspaces.ts";
import { ID_LIST_SIZE } from "../constraints.ts";
import { fingerprintOf } from "../fingerprint.ts";
import { registry } from "../metrics.ts";
import { ALONE } from "../shared/watch-lease/memory.ts";
import type { WatchCluster, WatchEvent, WatchRole } from "../shared/watch-lease/watch-lease.ts";

/** The live polling loops behind subscriptions (one per gateway), read when /metrics is scraped. */
const watchGauges = new Set<{ readonly status: { subscriptions: number; workspaces: number } }>();

const sumOf = (key: "subscriptions" | "workspaces") => [...watchGauges].reduce((total, watch) => total + watch.status[key], 0);

new Gauge({
  name: "workspaces_watch_subscriptions",
  help: "Open workspaceStateChanged subscriptions.",
  registers: [registry],
  collect() {
    this.set(sumOf("subscriptions"));
  },
});

new Gauge({
  name: "workspaces_watch_workspaces",
  help: "Distinct WorkSpaces the subscriptions' polling loop asks AWS about each tick.",
  registers: [registry],
  collect() {
    this.set(sumOf("workspaces"));
  },
});

/** How many IDs one subscription may watch. */
export const WATCH_ID_LIMIT = 100;

/** How long a WorkSpace created through the gateway is taken to exist while AWS does not show it yet. */
export const CREATED_GRACE_MS = 5 * 60_000;

export type WatchListener = (event: WatchEvent) => void;

/** Runs `tick` once after `ms` and returns what cancels it; tests pass one that fires ticks by hand. */
export type Schedule = (tick: () => Promise<void>, ms: number) => () => void;

export interface WatchOptions {
  /** The shortest time between ticks; longer when the watched IDs need more calls than polling's share allows. */
  intervalMs: number;
  /** Open subscriptions, and distinct IDs across them, one caller may have. */
  caps?: { subscriptionsPerCaller: number; idsPerCaller: number };
  /** Open subscriptions this gateway holds for all its callers, at most: each holds a stream and its events' work. */
  maxSubscriptions?: number;
  clock?: () => number;
  schedule?: Schedule;
  /** With other gateways: one of them polls for all. Alone by default. */
  cluster?: WatchCluster;
}

/** Every poll goes on one caller of its own, in the budget's polling class. */
const POLL: CallTicket = { caller: "subscriptions", class: "poll" };

interface Entry {
  listeners: Set<WatchListener>;
  workspace?: WorkspaceShape;
  fingerprint?: string;
}

const timeoutSchedule: Schedule = (tick, ms) => {
  const timer = setTimeout(() => void tick(), ms);
  return () => clearTimeout(timer);
};

/** What a change must touch to be news to subscribers: state, modification states and properties. */
export function watchedFingerprint(workspace: WorkspaceShape): string {
  const { state, modificationStates, workspaceProperties } = workspace;
  return fingerprintOf({ state, modificationStates: modificationStates ?? [], workspaceProperties });
}

export class WorkspaceWatch {
  private readonly entries = new Map<string, Entry>();
  /** Created through this gateway, with the create result, until AWS shows them or the grace ends. */
  private readonly created = new Map<string, { workspace: WorkspaceShape; until: number }>();
  /** Watched IDs no fetch has asked AWS about yet. */
  private readonly fresh = new Set<string>();
  /** Fetches run one after the other, so an older answer never overwrites a newer one. */
  private queue: Promise<void> = Promise.resolve();
  private primeQueued = false;
  private cancelTick: (() => void) | null = null;
  private ticking = false;
  private subscriptions = 0;
  /** Subscriptions counted against the caps: from their start (before their first read) to their end. */
  private reserved = 0;
  private fetched = 0;
  /** Which fetch each state came from (states received from the cluster's holder are not here). */
  private readonly fetchOfState = new WeakMap<WorkspaceShape, number>();
  /** Each caller's open subscriptions and watched IDs (how many of its subscriptions watch each). */
  private readonly callers = new Map<string, { subscriptions: number; ids: Map<string, number> }>();
  private readonly abort = new AbortController();
  private readonly clock: () => number;
  private readonly schedule: Schedule;
  private readonly cluster: WatchCluster;
  /** As holder: the watched fingerprint of each ID last published to the cluster. */
  private readonly published = new Map<string, string>();

  constructor(
    private readonly fleet: Fleet,
    private readonly options: WatchOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.schedule = options.schedule ?? timeoutSchedule;
    this.cluster = options.cluster ?? ALONE;
    watchGauges.add(this);
    this.cluster.attach({
      watched: () => [...this.entries.keys()],
      receive: (event) => void this.settle(event.workspaceId, event.workspace),
      created: (workspace) => this.rememberCreated(workspace),
      wake: () => {
        // Not the holder now: news may be lost meanwhile, so on holding the lease again it publishes every state anew.
        if (this.role() !== "holder") this.published.clear();
        this.scheduleTick();
      },
    });
  }

  /**
   * Calls `listener` with each ID's (qualified by its partition) current state (at once when known, else after one coalesced fetch), then on
   * every change; returns what stops it, which also stops the loop when nobody else watches.
   */
  watch(workspaceIds: readonly string[], listener: WatchListener): () => void {
    const ids = [...new Set(workspaceIds)];
    const known: WatchEvent[] = [];
    for (const id of ids) {
      let entry = this.entries.get(id);
      if (!entry) {
        entry = { listeners: new Set() };
        const created = this.created.get(id);
        if (created && created.until > this.clock()) this.remember(entry, created.workspace);
        this.entries.set(id, entry);
        this.fresh.add(id);
      }
      entry.listeners.add(listener);
      if (entry.workspace) known.push({ workspaceId: id, workspace: entry.workspace });
    }
    this.subscriptions += 1;
    this.prime();
    this.scheduleTick();
    for (const event of known) listener(event);
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      this.subscriptions -= 1;
      for (const id of ids) {
        const entry = this.entries.get(id);
        if (!entry?.listeners.delete(listener) || entry.listeners.size > 0) continue;
        this.entries.delete(id);
        this.fresh.delete(id);
      }
      if (this.polled().length === 0) this.stopTicks();
    };
  }

  /**
   * The events of `workspaceIds` to read one at a time: each ID's latest, the longest waiting first, so a reader that
   * falls behind gets current states rather than a backlog. Watching starts at the first read and stops on
   * return(); the stream ends once every ID has ended, or when the watch closes (the gateway shutting down).
   */
  stream(workspaceIds: readonly string[], caller: string): AsyncIterableIterator<WatchEvent> {
    const release = this.reserve(caller, workspaceIds);
    let started = false;
    const events = new Repeater<WatchEvent>(async (push, stop) => {
      started = true;
      const due = new Map<string, WatchEvent>();
      const open = new Set(workspaceIds);
      let wake = () => {};
      const unwatch = this.watch(workspaceIds, (event) => {
        due.delete(event.workspaceId);
        due.set(event.workspaceId, event);
        if (event.workspace === null) open.delete(event.workspaceId);
        wake();
      });
      const closed = this.abort.signal;
      const close = () => stop();
      closed.addEventListener("abort", close, { once: true });
      let stopped = false;
      void stop.then(() => {
        stopped = true;
        wake();
      });
      while (!stopped && !closed.aborted && (due.size > 0 || open.size > 0)) {
        const [event] = due.values();
        if (event) {
          due.delete(event.workspaceId);
          // Resolves once the reader has taken it: meanwhile newer states replace older ones in `due`.
          await push(event);
        } else {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      }
      unwatch();
      closed.removeEventListener("abort", close);
      release();
      stop();
    });
    // A stream closed before its first read never ran: its reservation is given back here.
    const endEvents = events.return.bind(events);
    events.return = (value) => {
      if (!started) release();
      return endEvents(value);
    };
    return events;
  }

  /** Counts a subscription against its caller's caps and the gateway's, or refuses it; returns what gives it back (once). */
  private reserve(caller: string, workspaceIds: readonly string[]): () => void {
    const { maxSubscriptions } = this.options;
    if (maxSubscriptions !== undefined && this.reserved + 1 > maxSubscriptions) {
      throw new FailureError({
        kind: "invalid",
        reason: "overGatewayCap",
        message: `This gateway holds ${maxSubscriptions} subscriptions, as many as it may; retry later, or through another gateway.`,
      });
    }
    const usage = this.callers.get(caller) ?? { subscriptions: 0, ids: new Map<string, number>() };
    const ids = [...new Set(workspaceIds)];
    const caps = this.options.caps;
    if (caps) {
      const distinct = usage.ids.size + ids.filter((id) => !usage.ids.has(id)).length;
      if (usage.subscriptions + 1 > caps.subscriptionsPerCaller || distinct > caps.idsPerCaller) {
        throw new FailureError({
          kind: "invalid",
          reason: "overWatchCaps",
          message:
            `A caller may hold ${caps.subscriptionsPerCaller} subscriptions watching ${caps.idsPerCaller} WorkSpaces in all; ` +
            `this one would make ${usage.subscriptions + 1} watching ${distinct}. Close some first.`,
        });
      }
    }
    usage.subscriptions += 1;
    for (const id of ids) usage.ids.set(id, (usage.ids.get(id) ?? 0) + 1);
    this.callers.set(caller, usage);
    this.reserved += 1;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.reserved -= 1;
      usage.subscriptions -= 1;
      for (const id of ids) {
        const count = usage.ids.get(id)! - 1;
        if (count > 0) usage.ids.set(id, count);
        else usage.ids.delete(id);
      }
      if (usage.subscriptions === 0) this.callers.delete(caller);
    };
  }

  /** A WorkSpace AWS just accepted: watchable at once, PENDING from the create result until AWS shows it. */
  recordCreated(workspace: WorkspaceShape): void {
    this.rememberCreated(workspace);
    this.cluster.shareCreated(workspace);
  }

  /** The fetch (a tick's, or new IDs') an event's state came from: events of one are news of the same moment. */
  fetchOf(event: WatchEvent): number | undefined {
    return event.workspace ? this.fetchOfState.get(event.workspace) : undefined;
  }

  /** Active subscriptions, watched IDs, and whether a tick is scheduled. */
  get status() {
    return { subscriptions: this.subscriptions, workspaces: this.entries.size, polling: this.cancelTick !== null || this.ticking };
  }

  close(): void {
    watchGauges.delete(this);
    this.abort.abort();
    this.stopTicks();
    this.entries.clear();
    this.fresh.clear();
    this.created.clear();
  }

  /** New IDs are fetched before the next tick, all that arrived meanwhile in one go. */
  private prime(): void {
    if (this.fresh.size === 0 || this.primeQueued) return;
    this.primeQueued = true;
    void this.enqueue(() => {
      this.primeQueued = false;
      return [...this.fresh];
    });
  }

  private rememberCreated(workspace: WorkspaceShape): void {
    this.pruneCreated();
    this.created.set(qualifiedId(workspace.partition, workspace.workspaceId!), { workspace, until: this.clock() + CREATED_GRACE_MS });
  }

  private role(): WatchRole {
    return this.cluster.role();
  }

  /** What a tick asks AWS about: this gateway's IDs, and as the cluster's holder, the other gateways' too. */
  private polled(): string[] {
    const own = [...this.entries.keys()];
    if (this.role() !== "holder") return own;
    return [...new Set([...own, ...this.cluster.othersWatched()])];
  }

  private scheduleTick(): void {
    if (this.cancelTick || this.ticking || this.abort.signal.aborted || this.polled().length === 0) return;
    this.cancelTick = this.schedule(() => this.tick(), this.intervalMs());
  }

  /**
   * The poll interval: the configured one, or longer when a tick's calls to a partition would exceed polling's share of
   * that partition's budget.
   */
  intervalMs(): number {
    let interval = this.options.intervalMs;
    for (const [partition, ids] of this.byPartition(this.polled())) {
      const pollRate = partition.upstream.budget?.pollRate;
      const calls = Math.ceil(ids.length / ID_LIST_SIZE.max);
      if (pollRate) interval = Math.max(interval, Math.ceil((calls / pollRate) * 1000));
    }
    return interval;
  }

  private stopTicks(): void {
    this.cancelTick?.();
    this.cancelTick = null;
  }

  private async tick(): Promise<void> {
    this.cancelTick = null;
    this.ticking = true;
    this.pruneCreated();
    // A follower's ticks ask nothing: the holder's news comes instead; they keep time should it become the holder.
    if (this.role() !== "follower") {
      await this.enqueue(() => {
        const ids = this.polled();
        for (const id of this.published.keys()) if (!ids.includes(id)) this.published.delete(id);
        return ids;
      });
    }
    this.ticking = false;
    this.scheduleTick();
  }

  /** `select` runs when the fetch's turn comes, so it asks only about IDs still watched then. */
  private enqueue(select: () => string[]): Promise<void> {
    this.queue = this.queue.then(() => {
      const ids = select();
      for (const id of ids) this.fresh.delete(id);
      return this.fetch(ids);
    });
    return this.queue;
  }

  /** Qualified IDs by the partition the fleet serves them in; an ID of a partition not served is never asked about. */
  private byPartition(ids: string[]): Map<Partition, { qualified: string; id: string }[]> {
    const grouped = new Map<Partition, { qualified: string; id: string }[]>();
    for (const qualified of ids) {
      const split = splitQualifiedId(qualified);
      const partition = split && this.fleet.get(split.partition);
      if (!partition) continue;
      const ids = grouped.get(partition);
      if (ids) ids.push({ qualified, id: split.id });
      else grouped.set(partition, [{ qualified, id: split.id }]);
    }
    return grouped;
  }

  /** Each partition is asked about its own IDs, the partitions at once, their calls of 25 one after the other. */
  private async fetch(ids: string[]): Promise<void> {
    const fetch = ++this.fetched;
    await Promise.all(
      [...this.byPartition(ids)].map(async ([partition, watched]) => {
        for (let start = 0; start < watched.length; start += ID_LIST_SIZE.max) {
          const batch = watched.slice(start, start + ID_LIST_SIZE.max);
          try {
            // A call that never answers must not stop the loop for good: each has at most one interval (or 10 s).
            const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(Math.min(this.options.intervalMs, 10_000))]);
            const request = { WorkspaceIds: batch.map((w) => w.id) };
            const page = await fetchPage(DESCRIBE_WORKSPACES, partition, request, null, { signal, ticket: POLL });
            for (const workspace of page.items) this.fetchOfState.set(workspace, fetch);
            this.apply(
              batch.map((w) => w.qualified),
              page.items,
            );
          } catch {
            // Throttled or failing: these IDs keep their last state, and the next tick asks again.
          }
        }
      }),
    );
  }

  private apply(batch: string[], workspaces: WorkspaceShape[]): void {
    const found = new Map(workspaces.map((w) => [qualifiedId(w.partition, w.workspaceId!), w]));
    const news: WatchEvent[] = [];
    for (const id of batch) {
      const workspace = found.get(id) ?? null;
      if (!this.settle(id, workspace) || this.role() !== "holder") continue;
      const fingerprint = workspace && watchedFingerprint(workspace);
      if (fingerprint === (this.published.get(id) ?? null)) continue;
      if (fingerprint) this.published.set(id, fingerprint);
      else this.published.delete(id);
      news.push({ workspaceId: id, workspace });
    }
    if (news.length > 0) this.cluster.publish(news);
  }

  /**
   * What AWS says of one ID (null: it has no such WorkSpace), for its subscribers: a changed state, or the end of its
   * stream. False when it is not news: not found, but created too recently for AWS to show it yet.
   */
  private settle(id: string, workspace: WorkspaceShape | null): boolean {
    const entry = this.entries.get(id);
    if (workspace) {
      this.created.delete(id);
      if (entry && this.remember(entry, workspace)) this.emit(entry, { workspaceId: id, workspace });
      return true;
    }
    if ((this.created.get(id)?.until ?? Number.NEGATIVE_INFINITY) > this.clock()) return false;
    if (entry) {
      this.entries.delete(id);
      this.emit(entry, { workspaceId: id, workspace: null });
    }
    return true;
  }

  /** Keeps the latest state; true when a watched field changed (or it is the first state). */
  private remember(entry: Entry, workspace: WorkspaceShape): boolean {
    const fingerprint = watchedFingerprint(workspace);
    const changed = fingerprint !== entry.fingerprint;
    entry.workspace = workspace;
    entry.fingerprint = fingerprint;
    return changed;
  }

  private emit(entry: Entry, event: WatchEvent): void {
    for (const listener of [...entry.listeners]) listener(event);
  }

  private pruneCreated(): void {
    const now = this.clock();
    for (const [id, { until }] of this.created) if (until <= now) this.created.delete(id);
  }
}
