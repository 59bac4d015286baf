// What the emulator was asked: requests by operation (WorkSpaces operations and STS actions), in all and by partition.
import type { Partition } from "./partitions.ts";
import { partitionKey } from "./partitions.ts";

export interface EmulatorStats {
  /** Every request by operation, refused ones included. */
  requests: Record<string, number>;
  /** The same by the caller's "<account>/<region>", for the requests whose caller and region were known. */
  partitions: Record<string, Record<string, number>>;
  /** By "<account>/<region>": the most WorkSpaces requests that arrived in one second of the clock. */
  busiestSecond: Record<string, number>;
}

export class RequestCounter {
  private counts: EmulatorStats = { requests: {}, partitions: {}, busiestSecond: {} };
  /** By partition, the clock second now counted and its requests so far. */
  private seconds = new Map<string, { second: number; count: number }>();

  count(operation: string): void {
    this.counts.requests[operation] = (this.counts.requests[operation] ?? 0) + 1;
  }

  /** `arrivedAt`, for a WorkSpaces request: when it arrived (Date.now()), before any latency added. */
  countIn(partition: Partition, operation: string, arrivedAt?: number): void {
    const key = partitionKey(partition);
    const counts = this.counts.partitions[key] ?? {};
    counts[operation] = (counts[operation] ?? 0) + 1;
    this.counts.partitions[key] = counts;
    if (arrivedAt !== undefined) this.countArrival(key, arrivedAt);
  }

  private countArrival(key: string, arrivedAt: number): void {
    const second = Math.floor(arrivedAt / 1000);
    const current = this.seconds.get(key);
    const count = current?.second === second ? current.count + 1 : 1;
    this.seconds.set(key, { second, count });
    this.counts.busiestSecond[key] = Math.max(this.counts.busiestSecond[key] ?? 0, count);
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = { requests: {}, partitions: {}, busiestSecond: {} };
    this.seconds.clear();
  }
}
