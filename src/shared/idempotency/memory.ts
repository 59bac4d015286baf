// Results of createWorkspaces by idempotency key: a repeat within the retention period gets the first result
// without calling AWS again, a repeat while the first is running waits for it, and a result that left something
// unknown is revisited rather than replayed. Bounded in count and in bytes, per caller and in all; a caller's results
// make room only for its own newer ones.
import { fingerprintOf } from "../../fingerprint.ts";
import type { Idempotency, IdempotentRun, StoreBounds } from "./idempotency.ts";
import { IDEMPOTENCY_RETENTION_MS, idempotencyEvicted, idempotencyStores } from "./idempotency.ts";

interface Entry<T> {
  fingerprint: string;
  result: Promise<T>;
  settled: boolean;
  expiresAt: number;
  /** The settled result's size (its JSON), 0 while running. */
  bytes: number;
}

interface Usage<T> {
  entries: Map<string, Entry<T>>;
  bytes: number;
}

export class IdempotencyStore<T> implements Idempotency<T> {
  /** Entries by caller. */
  private readonly owners = new Map<string, Usage<T>>();
  private count = 0;
  bytes = 0;
  private readonly perCaller: StoreBounds;
  private readonly total: StoreBounds;
  private readonly clock: () => number;

  constructor(
    options: {
      /** What one caller may keep, so its keys can never push out all of another's. */
      perCaller?: StoreBounds;
      /** What is kept in all; beyond it the storing caller's oldest results go, never another's. */
      total?: StoreBounds;
      clock?: () => number;
    } = {},
  ) {
    this.perCaller = options.perCaller ?? { count: 1_000, bytes: 8 * 1024 * 1024 };
    this.total = options.total ?? { count: 10_000, bytes: 64 * 1024 * 1024 };
    this.clock = options.clock ?? Date.now;
    idempotencyStores.add(this);
  }

  async run(
    owner: string,
    key: string,
    input: unknown,
    produce: (lost: boolean) => Promise<T>,
    keep: (result: T) => boolean,
    revisit: (result: T) => Promise<T> | undefined = () => undefined,
  ): Promise<IdempotentRun<T>> {
    const fingerprint = fingerprintOf(input);
    const now = this.clock();
    const existing = this.owners.get(owner)?.entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return { kind: "conflict" };
      // Chained, so concurrent repeats revisit one after the other: the second finds nothing left unknown.
      existing.result = existing.result.then((previous) => revisit(previous) ?? previous);
      const result = await existing.result;
      const usage = this.owners.get(owner);
      if (usage?.entries.get(key) === existing) this.resize(usage, existing, result);
      return { kind: "result", result, replayed: true };
    }
    // An expired entry goes first (with its caller's usage, when it was the last).
    this.remove(owner, key);
    const usage: Usage<T> = this.owners.get(owner) ?? { entries: new Map(), bytes: 0 };
    this.owners.set(owner, usage);
    const entry: Entry<T> = { fingerprint, result: produce(false), settled: false, expiresAt: now + IDEMPOTENCY_RETENTION_MS, bytes: 0 };
    usage.entries.set(key, entry);
    this.count += 1;
    const forget = () => {
      if (usage.entries.get(key) === entry) this.remove(owner, key);
    };
    try {
      const value = await entry.result;
      entry.settled = true;
      if (!keep(value)) forget();
      else this.resize(usage, entry, value);
      return { kind: "result", result: value, replayed: false };
    } catch (error) {
      forget();
      throw error;
    }
  }

  private resize(usage: Usage<T>, entry: Entry<T>, value: T): void {
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? "");
    usage.bytes += bytes - entry.bytes;
    this.bytes += bytes - entry.bytes;
    entry.bytes = bytes;
    this.evict(usage, entry);
  }

  private remove(owner: string, key: string) {
    const usage = this.owners.get(owner);
    const entry = usage?.entries.get(key);
    if (!usage || !entry) return;
    usage.entries.delete(key);
    usage.bytes -= entry.bytes;
    this.bytes -= entry.bytes;
    this.count -= 1;
    if (usage.entries.size === 0) this.owners.delete(owner);
  }

  /**
   * Drops expired entries, then the storing caller's oldest finished ones while it is over its bounds or the store over
   * its total: `kept`, the result just stored, stays, as do other callers' results and any create still running. A
   * full pass: a create is an AWS call, next to which 10,000 steps are nothing.
   */
  private evict(current: Usage<T>, kept: Entry<T>) {
    const now = this.clock();
    const over = () =>
      current.entries.size > this.perCaller.count ||
      current.bytes > this.perCaller.bytes ||
      this.count > this.total.count ||
      this.bytes > this.total.bytes;
    for (const [owner, usage] of this.owners) {
      for (const [key, entry] of usage.entries) {
        if (entry.expiresAt <= now) this.remove(owner, key);
        else if (usage === current && entry !== kept && entry.settled && over()) {
          this.remove(owner, key);
          idempotencyEvicted.inc();
        }
      }
    }
  }
}
