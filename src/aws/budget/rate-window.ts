// The rate rule of an AWS budget, the one statement of it in TypeScript (src/shared/permits/redis.ts states it in Lua on
// Redis's clock, and test/cluster/rate-window.test.ts holds the two to the same cases): a token bucket paces the calls
// through the second, and a log of the calls of the last WINDOW_MS caps them at the rate. Pure: the time comes with each
// question, so the budget, the permits and the tests each bring their own clock.

/**
 * How long a call counts against the cap: a second, and a tenth to spare for its way to AWS (the event loop, signing,
 * the network), so calls that delays bunch together still reach AWS at most `rate` in any second of its clock.
 */
export const WINDOW_MS = 1_100;

/** Calls at once after a quiet spell: a fifth of a second's worth. */
export const defaultBurst = (rate: number) => Math.max(1, Math.ceil(rate / 5));

export interface RateLimits {
  /** Calls per second. */
  rate: number;
  /** Calls at once after a quiet spell: the bucket's size. */
  burst: number;
}

/** How many of the calls asked for may go now, and if not all, in how many ms one more may. */
export interface Grant {
  granted: number;
  retryInMs: number;
}

export class RateWindow {
  private limits: RateLimits;
  /** The most calls in the log at once: the rate, and one at least for a rate under one a second. */
  private cap: number;
  private tokens: number;
  private at: number;
  /** When the calls of the last WINDOW_MS went, oldest first from `expired` (dropped in batches, not one by one). */
  private log: number[] = [];
  private expired = 0;

  constructor(limits: RateLimits, now: number) {
    this.limits = limits;
    this.cap = capOf(limits.rate);
    this.tokens = limits.burst;
    this.at = now;
  }

  /** Other limits from now on, over the tokens and the log as they are (gateways of a cluster may disagree for a while). */
  retune(limits: RateLimits): void {
    this.limits = limits;
    this.cap = capOf(limits.rate);
  }

  /** Calls that may go now leaving `kept` tokens, and as many places in the log, untouched. */
  room(now: number, kept = 0): number {
    this.refill(now);
    return Math.max(0, Math.min(Math.floor(this.tokens - kept), this.cap - kept - this.sent));
  }

  /** Milliseconds until one call may go leaving `kept` tokens and places untouched (0: now). */
  untilRoom(now: number, kept = 0): number {
    this.refill(now);
    const forToken = ((1 + kept - this.tokens) * 1000) / this.limits.rate;
    // The call whose leaving the log frees the place.
    const over = this.sent - (this.cap - 1 - kept);
    const forPlace = over > 0 ? this.log[this.expired + over - 1]! + WINDOW_MS - now : 0;
    return Math.max(0, Math.ceil(Math.max(forToken, forPlace)));
  }

  /** The bucket's tokens now (a fraction of one included). */
  tokensAt(now: number): number {
    this.refill(now);
    return this.tokens;
  }

  /** Counts `calls` as gone now; the caller has checked there is room for them. */
  spend(now: number, calls = 1): void {
    this.refill(now);
    this.tokens -= calls;
    for (let i = 0; i < calls; i++) this.log.push(now);
  }

  /** Takes what the bucket and the log allow of `want`; when not all, says when one more may go. */
  take(now: number, want: number): Grant {
    const granted = Math.min(want, this.room(now));
    this.spend(now, granted);
    return { granted, retryInMs: granted === want ? 0 : this.untilRoom(now) };
  }

  private get sent(): number {
    return this.log.length - this.expired;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.limits.burst, this.tokens + (Math.max(0, now - this.at) * this.limits.rate) / 1000);
    this.at = now;
    while (this.expired < this.log.length && this.log[this.expired]! <= now - WINDOW_MS) this.expired += 1;
    if (this.expired > 1024) {
      this.log = this.log.slice(this.expired);
      this.expired = 0;
    }
  }
}

const capOf = (rate: number) => Math.max(1, Math.floor(rate));
