// The AWS budget of one account and region: the calls per second AWS allows it, shared by every caller of the gateway.
// A call goes when the rate window (rate-window.ts) has room for it; the calls waiting are served fairly: readiness
// probes first, then callers with nothing else queued, on a reserve the others leave them, taking turns with the
// backlog (a round of them, then one of its calls); the backlog goes writes first, then reads and subscription polling,
// each of those two with its share, callers taking turns within a class. A caller with a thousand calls queued thus
// delays another's single call by a turn at most, not by the backlog. Gateways that share the budget (several behind
// one load balancer) each keep these rules for their own calls, and take leave for every call from one permit source
// they share (src/shared/permits).
import { Counter, Gauge, Histogram } from "prom-client";
import { registry } from "../../metrics.ts";
import type { PermitSource } from "../../shared/permits/permits.ts";
import { defaultBurst, RateWindow } from "./rate-window.ts";

export type CallClass = "probe" | "write" | "read" | "poll";

/** Who a call is for, and by when it must have gone (a monotonic time, performance.now()'s). */
export interface CallTicket {
  caller: string;
  class: CallClass;
  deadline?: number;
}

/** Why a call never left the gateway: its wait was given up (deadline, client gone), or it could not go in time. */
export class NotSentError extends Error {
  override readonly name = "NotSentError";

  constructor(
    readonly reason: "aborted" | "shed",
    /** Seconds until the budget could take the call. */
    readonly retryAfter: number,
  ) {
    super(reason === "shed" ? "The AWS budget cannot take this call before its deadline." : "The call was given up before it was sent.");
  }
}

interface Waiter {
  ticket: CallTicket;
  queuedAt: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Callers of one class taking turns, each with its calls in arrival order. */
class TurnQueue {
  private readonly byCaller = new Map<string, Waiter[]>();
  size = 0;

  push(waiter: Waiter): void {
    const calls = this.byCaller.get(waiter.ticket.caller);
    if (calls) calls.push(waiter);
    else this.byCaller.set(waiter.ticket.caller, [waiter]);
    this.size += 1;
  }

  /** The next caller's oldest call; that caller then goes to the back of the turn. */
  shift(): Waiter | undefined {
    const next = this.byCaller.entries().next();
    if (next.done) return undefined;
    const [caller, calls] = next.value;
    const waiter = calls.shift()!;
    this.byCaller.delete(caller);
    if (calls.length > 0) this.byCaller.set(caller, calls);
    this.size -= 1;
    return waiter;
  }

  remove(waiter: Waiter): void {
    const calls = this.byCaller.get(waiter.ticket.caller);
    const index = calls?.indexOf(waiter) ?? -1;
    if (!calls || index < 0) return;
    calls.splice(index, 1);
    if (calls.length === 0) this.byCaller.delete(waiter.ticket.caller);
    this.size -= 1;
  }

  /** Turns before a new call of `caller` would go: a round of every waiting caller per call it already has queued. */
  turnsBefore(caller: string): number {
    const own = this.byCaller.get(caller)?.length ?? 0;
    let turns = 0;
    for (const calls of this.byCaller.values()) turns += Math.min(calls.length, own + 1);
    return turns;
  }

  has(caller: string): boolean {
    return this.byCaller.has(caller);
  }
}

const dispatched = new Counter({
  name: "workspaces_aws_budget_calls_total",
  help: "AWS calls (attempts) let through by the budget, by account/region and caller class.",
  labelNames: ["partition", "class"] as const,
  registers: [registry],
});

const waited = new Histogram({
  name: "workspaces_aws_budget_wait_seconds",
  help: "How long calls waited for the AWS budget, by caller class.",
  labelNames: ["class"] as const,
  buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const shed = new Counter({
  name: "workspaces_aws_budget_shed_total",
  help: "Calls not sent: their deadline would pass (shed) or passed (aborted) while they waited for the budget, by class.",
  labelNames: ["class", "reason"] as const,
  registers: [registry],
});

const budgets = new Set<AwsBudget>();
new Gauge({
  name: "workspaces_aws_budget_queued",
  help: "Calls waiting for the AWS budget, by account/region.",
  labelNames: ["partition"] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const budget of budgets) this.set({ partition: budget.partition }, budget.queued);
  },
});

export interface BudgetOptions {
  /** The account/region, for metrics. */
  partition?: string;
  /** Calls at once after a quiet spell: a fifth of a second's worth by default. */
  burst?: number;
  /** The least share of the budget subscription polling gets while reads wait too (and reads the rest). */
  pollShare?: number;
  /** Shared by the gateways of a cluster: every call also needs its leave. */
  permits?: PermitSource;
  clock?: () => number;
}

export class AwsBudget {
  readonly partition: string;
  private readonly window: RateWindow;
  /** Tokens (and places in the log) only probes and light calls may take: a single call then goes at once, past a backlog. */
  private readonly reserve: number;
  private readonly pollShare: number;
  private readonly clock: () => number;
  private readonly probes: Waiter[] = [];
  /**
   * Calls of callers with nothing else queued, in rounds with the backlog: they may take the reserve as soon as it has
   * a token and a place in the second (and with a shared permit source, its leave).
   */
  private readonly light: Waiter[] = [];
  private readonly permits: PermitSource | undefined;
  /** Asking the permit source now; and when it may be asked again after it said wait. */
  private asking = false;
  private permitsRetryAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly queues: Record<"write" | "read" | "poll", TurnQueue> = {
    write: new TurnQueue(),
    read: new TurnQueue(),
    poll: new TurnQueue(),
  };
  /** Reads and polls let through while both waited, to keep polling at its share. */
  private served = { read: 0, poll: 0 };
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  /**
   * Light callers and the backlog take turns: a round of the light calls waiting as it starts, then one call of the
   * queues, so callers with one call each cannot starve the backlog either. Light calls left in the round; and
   * whether the backlog's call is due.
   */
  private lightRound = 0;
  private backlogDue = false;

  constructor(
    /** Calls per second. */
    readonly rate: number,
    options: BudgetOptions = {},
  ) {
    this.partition = options.partition ?? "default";
    const burst = options.burst ?? defaultBurst(rate);
    this.reserve = Math.min(burst - 1, Math.floor(rate / 10));
    this.pollShare = options.pollShare ?? 0.2;
    // Monotonic: a wall clock stepped back would take away tokens (and stall every call) for as long.
    this.clock = options.clock ?? (() => performance.now());
    this.window = new RateWindow({ rate, burst }, this.clock());
    this.permits = options.permits;
    budgets.add(this);
  }

  /** Resolves when the call may go; rejects with NotSentError when its wait is given up or cannot end in time. */
  take(ticket: CallTicket, signal?: AbortSignal): Promise<void> {
    const now = this.clock();
    if (signal?.aborted) return Promise.reject(this.notSent(ticket, "aborted"));
    // With others waiting, a caller with nothing queued may take the reserve (at once, or in the next round of such
    // callers when it has a token); otherwise the reserve stays for them.
    const light = this.queued > 0 && !this.isQueued(ticket.caller);
    const goesAtOnce = light
      ? this.probes.length + this.light.length === 0 && !this.backlogDue && this.window.room(now) >= 1
      : this.queued === 0 && this.window.room(now, this.reserve) >= 1;
    if (goesAtOnce && !this.permits) {
      this.window.spend(now);
      this.count(ticket, 0);
      return Promise.resolve();
    }
    const wait = goesAtOnce ? 0 : this.expectedWait(now, ticket, light);
    if (ticket.deadline !== undefined && now + wait > ticket.deadline) return Promise.reject(this.notSent(ticket, "shed", wait));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { ticket, queuedAt: now, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          this.remove(waiter);
          reject(this.notSent(ticket, "aborted"));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      if (ticket.class === "probe") this.probes.push(waiter);
      else if (goesAtOnce || light) this.light.push(waiter);
      else this.queues[ticket.class].push(waiter);
      this.schedule();
    });
  }

  get queued(): number {
    return this.probes.length + this.light.length + this.queues.write.size + this.queues.read.size + this.queues.poll.size;
  }

  /** The share of the budget subscription polling may count on (the rest of what reads leave it, besides). */
  get pollRate(): number {
    return this.rate * this.pollShare;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    budgets.delete(this);
  }

  /** Milliseconds a new call of this ticket would wait: the queues ahead of it, at the rate (its share of it). */
  private expectedWait(now: number, ticket: CallTicket, light: boolean): number {
    if (ticket.class === "probe" || light) {
      const ahead = this.probes.length + (ticket.class === "probe" ? 0 : this.light.length);
      return Math.max(this.window.untilRoom(now), (ahead * 1000) / this.rate);
    }
    const ahead =
      this.probes.length +
      this.light.length +
      this.queues.write.size +
      (ticket.class === "read" || ticket.class === "poll" ? this.queues[ticket.class].turnsBefore(ticket.caller) : 0);
    const share = ticket.class === "poll" ? this.pollShare : ticket.class === "read" ? 1 - this.pollShare : 1;
    const busy =
      ticket.class === "read" || ticket.class === "poll" ? (this.queues.read.size > 0 && this.queues.poll.size > 0 ? share : 1) : 1;
    return ((ahead + 1 + this.reserve - this.window.tokensAt(now)) / (this.rate * busy)) * 1000;
  }

  private next(): Waiter | undefined {
    const probe = this.probes.shift();
    if (probe) return probe;
    const backlog = this.queued - this.light.length;
    if (this.light.length > 0 && !(this.backlogDue && backlog > 0)) {
      // A round is the light calls waiting as it starts (fewer if some gave up).
      if (this.lightRound === 0 || this.lightRound > this.light.length) this.lightRound = this.light.length;
      this.lightRound -= 1;
      this.backlogDue = this.lightRound === 0 && backlog > 0;
      return this.light.shift();
    }
    this.backlogDue = false;
    const write = this.queues.write.shift();
    if (write) return write;
    const { read, poll } = this.queues;
    if (read.size === 0 || poll.size === 0) return read.shift() ?? poll.shift();
    const total = this.served.read + this.served.poll;
    const pollsDue = this.served.poll < this.pollShare * (total + 1);
    const chosen = pollsDue ? "poll" : "read";
    this.served[chosen] += 1;
    // A window of a hundred choices, so an old imbalance does not decide forever.
    if (total >= 100) this.served = { read: this.served.read / 2, poll: this.served.poll / 2 };
    return this.queues[chosen].shift();
  }

  private isQueued(caller: string): boolean {
    return (
      this.queues.write.has(caller) ||
      this.queues.read.has(caller) ||
      this.queues.poll.has(caller) ||
      this.probes.some((w) => w.ticket.caller === caller) ||
      this.light.some((w) => w.ticket.caller === caller)
    );
  }

  private remove(waiter: Waiter): void {
    const lane = [this.probes, this.light].find((waiters) => waiters.includes(waiter));
    if (lane) {
      lane.splice(lane.indexOf(waiter), 1);
    } else if (waiter.ticket.class !== "probe") {
      this.queues[waiter.ticket.class].remove(waiter);
    }
  }

  /** Milliseconds until the next waiter may go: a probe or light call on the reserve, else the backlog above it. */
  private untilNextMayGo(now: number): number {
    return this.window.untilRoom(now, this.probes.length + this.light.length > 0 ? 0 : this.reserve);
  }

  private schedule(): void {
    if (this.asking || this.closed || this.queued === 0) return;
    const now = this.clock();
    const delay = this.permits ? Math.max(this.untilNextMayGo(now), Math.ceil(this.permitsRetryAt - now)) : this.untilNextMayGo(now);
    // A light call or a probe may go sooner than the timer set for the queue above the reserve.
    if (this.timer) {
      if (this.timerDue <= now + delay) return;
      clearTimeout(this.timer);
    }
    this.timerDue = now + delay;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.permits) void this.releaseWithPermits();
      else {
        this.release(this.clock(), Number.POSITIVE_INFINITY);
        this.schedule();
      }
    }, delay);
  }

  /** Whether the window has room for the next call: the backlog's above the reserve, or a probe's or light call's. */
  private mayRelease(now: number): boolean {
    return this.window.room(now, this.reserve) >= 1 || (this.probes.length + this.light.length > 0 && this.window.room(now) >= 1);
  }

  /** Lets up to `limit` waiters go, in the order of the rules, while the window has room for them. */
  private release(now: number, limit: number): void {
    for (let released = 0; released < limit && this.mayRelease(now); released++) {
      const waiter = this.next();
      if (!waiter) break;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      this.window.spend(now);
      this.count(waiter.ticket, (now - waiter.queuedAt) / 1000);
      waiter.resolve();
    }
  }

  /** How many waiters release() would let go now: the leave to ask the shared permit source for. */
  private releasable(now: number): number {
    // Probes and light calls first, on the reserve too; then the backlog, on what they leave above it.
    const first = Math.min(this.probes.length + this.light.length, this.window.room(now));
    const rest = Math.min(this.queued - this.probes.length - this.light.length, Math.max(0, this.window.room(now, this.reserve) - first));
    return first + rest;
  }

  /** Asks the shared source for leave for what may go here, lets that many go, and waits as told for the rest. */
  private async releaseWithPermits(): Promise<void> {
    const want = this.releasable(this.clock());
    if (want > 0) {
      this.asking = true;
      // A source that fails says nothing: ask again shortly rather than stall every call.
      const { granted, retryInMs } = await this.permits!.take(this.partition, this.rate, want).catch(() => ({
        granted: 0,
        retryInMs: 100,
      }));
      this.asking = false;
      const now = this.clock();
      this.release(now, granted);
      if (granted < want) this.permitsRetryAt = now + Math.max(1, retryInMs);
    }
    this.schedule();
  }

  private count(ticket: CallTicket, seconds: number): void {
    dispatched.inc({ partition: this.partition, class: ticket.class });
    waited.observe({ class: ticket.class }, seconds);
  }

  private notSent(ticket: CallTicket, reason: "aborted" | "shed", waitMs = 0): NotSentError {
    shed.inc({ class: ticket.class, reason });
    return new NotSentError(reason, Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
