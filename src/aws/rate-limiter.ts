// A token bucket shared by every AWS call of the process, so a burst of GraphQL traffic is spread out over time
// instead of reaching AWS as a burst (which AWS would throttle for the whole account).
export class RateLimiter {
  private tokens: number;
  private updatedAt: number;
  private readonly queue: { resolve: () => void; reject: (reason: unknown) => void; signal?: AbortSignal; onAbort: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `ratePerSecond` calls per second on average, up to `burst` at once after a quiet spell. */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = Math.max(1, ratePerSecond),
    // Monotonic: a wall clock stepped back would take away tokens (and stall every call) for as long.
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = clock();
  }

  /** Resolves when the call may go; rejects with the signal's reason if the caller gives up first. */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.refill();
    if (this.queue.length === 0 && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.schedule();
    });
  }

  private refill() {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.updatedAt) * this.ratePerSecond) / 1000);
    this.updatedAt = now;
  }

  private schedule() {
    if (this.timer || this.queue.length === 0) return;
    const wait = Math.max(0, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.refill();
      while (this.queue.length > 0 && this.tokens >= 1) {
        const waiter = this.queue.shift()!;
        waiter.signal?.removeEventListener("abort", waiter.onAbort);
        this.tokens -= 1;
        waiter.resolve();
      }
      this.schedule();
    }, wait);
  }
}
