// Permits held by this gateway alone: one rate window per account and region. A cluster's gateway takes its leave here,
// at its share of the rate, while Redis is unreachable.
import { defaultBurst, type Grant, RateWindow } from "../../aws/budget/rate-window.ts";
import type { PermitSource } from "./permits.ts";

export class LocalPermits implements PermitSource {
  private readonly windows = new Map<string, RateWindow>();

  constructor(private readonly clock: () => number = () => performance.now()) {}

  async take(partition: string, rate: number, want: number): Promise<Grant> {
    const now = this.clock();
    const limits = { rate, burst: defaultBurst(rate) };
    let window = this.windows.get(partition);
    if (window) window.retune(limits);
    else {
      window = new RateWindow(limits, now);
      this.windows.set(partition, window);
    }
    return window.take(now, want);
  }
}
