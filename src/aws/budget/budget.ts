// The AWS budget of one account and region: the calls per second AWS allows it, shared by every caller of the gateway.
// A call goes when the rate window (rate-window.ts) has room for it, in the call queue's order (call-queue.ts): probes
// and callers with nothing else queued may also take a reserve the backlog leaves them, so a single call goes at once,
// or first, past a backlog. Gateways that share the budget (several behind one load balancer) each keep these rules for
// their own calls, and take leave for every call from one permit source they share (src/shared/permits).
import type { PermitSource } from "../../shared/permits/permits.ts";
import { CallQueue } from "./call-queue.ts";
import { budgetCalls, budgetShed, budgetWait, openBudgets } from "./metrics.ts";
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
  private readonly queue: CallQueue<Waiter>;
  private readonly permits: PermitSource | undefined;
  /** Asking the permit source now; and when it may be asked again after it said wait. */
  private asking = false;
  private permitsRetryAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;

  constructor(
    /** Calls per second. */
    readonly rate: number,
    options: BudgetOptions = {},
  ) {
    this.partition = options.partition ?? "default";
    const burst = options.burst ?? defaultBurst(rate);
    this.reserve = Math.min(burst - 1, Math.floor(rate / 10));
    this.pollShare = options.pollShare ?? 0.2;
    this.queue = new CallQueue(this.pollShare);
    // Monotonic: a wall clock stepped back would take away tokens (and stall every call) for as long.
    this.clock = options.clock ?? (() => performance.now());
    this.window = new RateWindow({ rate, burst }, this.clock());
    this.permits = options.permits;
    openBudgets.add(this);
  }

  /** Resolves when the call may go; rejects with NotSentError when its wait is given up or cannot end in time. */
  take(ticket: CallTicket, signal?: AbortSignal): Promise<void> {
    const now = this.clock();
    if (signal?.aborted) return Promise.reject(this.notSent(ticket, "aborted"));
    // With others waiting, a caller with nothing queued may take the reserve (at once, or in the next round of such
    // callers when it has a token); otherwise the reserve stays for them.
    const light = this.queue.isLight(ticket.caller);
    const goesAtOnce = light
      ? this.queue.lightGoesNext && this.window.room(now) >= 1
      : this.queue.size === 0 && this.window.room(now, this.reserve) >= 1;
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
          this.queue.remove(waiter);
          reject(this.notSent(ticket, "aborted"));
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.queue.push(waiter, goesAtOnce || light);
      this.schedule();
    });
  }

  get queued(): number {
    return this.queue.size;
  }

  /** The share of the budget subscription polling may count on (the rest of what reads leave it, besides). */
  get pollRate(): number {
    return this.rate * this.pollShare;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    openBudgets.delete(this);
  }

  /** Milliseconds a new call of this ticket would wait: the calls ahead of it, at the rate (its class's share of it). */
  private expectedWait(now: number, ticket: CallTicket, light: boolean): number {
    const ahead = this.queue.ahead(ticket, light);
    if (ticket.class === "probe" || light) return Math.max(this.window.untilRoom(now), (ahead * 1000) / this.rate);
    const tokens = this.window.tokensAt(now);
    return ((ahead + 1 + this.reserve - tokens) / (this.rate * this.queue.shareOf(ticket.class))) * 1000;
  }

  /** Milliseconds until the next waiter may go: a probe or light call on the reserve, else the backlog above it. */
  private untilNextMayGo(now: number): number {
    return this.window.untilRoom(now, this.queue.onReserve > 0 ? 0 : this.reserve);
  }

  private schedule(): void {
    if (this.asking || this.closed || this.queue.size === 0) return;
    const now = this.clock();
    const delay = this.permits ? Math.max(this.untilNextMayGo(now), Math.ceil(this.permitsRetryAt - now)) : this.untilNextMayGo(now);
    // A light call or a probe may go sooner than the timer set for the backlog above the reserve.
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
    return this.window.room(now, this.reserve) >= 1 || (this.queue.onReserve > 0 && this.window.room(now) >= 1);
  }

  /** Lets up to `limit` waiters go, in the queue's order, while the window has room for them. */
  private release(now: number, limit: number): void {
    for (let released = 0; released < limit && this.mayRelease(now); released++) {
      const waiter = this.queue.next();
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
    const onReserve = Math.min(this.queue.onReserve, this.window.room(now));
    const backlog = Math.min(this.queue.size - this.queue.onReserve, Math.max(0, this.window.room(now, this.reserve) - onReserve));
    return onReserve + backlog;
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
    budgetCalls.inc({ partition: this.partition, class: ticket.class });
    budgetWait.observe({ class: ticket.class }, seconds);
  }

  private notSent(ticket: CallTicket, reason: "aborted" | "shed", waitMs = 0): NotSentError {
    budgetShed.inc({ class: ticket.class, reason });
    return new NotSentError(reason, Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
