// What the emulator was asked: requests by operation (WorkSpaces operations and STS actions), in all and by partition.
import type { Partition } from "./partitions.ts";
import { partitionKey } from "./partitions.ts";

export interface EmulatorStats {
  /** Every request by operation, refused ones included. */
  requests: Record<string, number>;
  /** The same by the caller's "<account>/<region>", for the requests whose caller and region were known. */
  partitions: Record<string, Record<string, number>>;
}

export class RequestCounter {
  private counts: EmulatorStats = { requests: {}, partitions: {} };

  count(operation: string): void {
    this.counts.requests[operation] = (this.counts.requests[operation] ?? 0) + 1;
  }

  countIn(partition: Partition, operation: string): void {
    const key = partitionKey(partition);
    const counts = this.counts.partitions[key] ?? {};
    counts[operation] = (counts[operation] ?? 0) + 1;
    this.counts.partitions[key] = counts;
  }

  snapshot(): EmulatorStats {
    return structuredClone(this.counts);
  }

  reset(): void {
    this.counts = { requests: {}, partitions: {} };
  }
}
