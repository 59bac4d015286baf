// Results of createWorkspaces by idempotency key: a repeat within the retention period gets the first result
// without calling AWS again, and a repeat while the first is running waits for it.
import { fingerprintOf } from "./fingerprint.ts";

export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60_000;

interface Entry<T> {
  fingerprint: string;
  result: Promise<T>;
  settled: boolean;
  expiresAt: number;
}

export type IdempotentRun<T> = { kind: "result"; result: T; replayed: boolean } | { kind: "conflict" };

export class IdempotencyStore<T> {
  /** Entries by caller, the least recently active caller first. */
  private readonly owners = new Map<string, Map<string, Entry<T>>>();
  private size = 0;

  constructor(
    /** Results kept per caller, so one caller's keys can never push out all of another's. */
    private readonly capacityPerOwner = 1_000,
    /** Results kept in all; beyond it the least recently active callers' oldest results go first. */
    private readonly capacity = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The first result for the caller's `key`, or `produce`'s. The same key with another input is a conflict. A
   * result `keep` rejects (nothing reached AWS) is not retained, so a retry with the same key runs again.
   */
  async run(
    owner: string,
    key: string,
    input: unknown,
    produce: () => Promise<T>,
    keep: (result: T) => boolean,
  ): Promise<IdempotentRun<T>> {
    const fingerprint = fingerprintOf(input);
    const now = this.clock();
    const entries = this.owners.get(owner) ?? new Map<string, Entry<T>>();
    this.owners.delete(owner);
    this.owners.set(owner, entries);
    const existing = entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return { kind: "conflict" };
      return { kind: "result", result: await existing.result, replayed: true };
    }
    const entry: Entry<T> = { fingerprint, result: produce(), settled: false, expiresAt: now + IDEMPOTENCY_RETENTION_MS };
    this.remove(owner, key);
    entries.set(key, entry);
    this.size += 1;
    this.evict(now, entries);
    const forget = () => {
      if (entries.get(key) === entry) this.remove(owner, key);
    };
    try {
      const value = await entry.result;
      entry.settled = true;
      if (!keep(value)) forget();
      return { kind: "result", result: value, replayed: false };
    } catch (error) {
      forget();
      throw error;
    }
  }

  private remove(owner: string, key: string) {
    const entries = this.owners.get(owner);
    if (!entries?.delete(key)) return;
    this.size -= 1;
    if (entries.size === 0) this.owners.delete(owner);
  }

  /**
   * Drops expired entries, the caller's oldest finished ones over its capacity, and the least recently active
   * callers' oldest finished ones over the total; a create still running is never dropped. A full pass: a create is
   * an AWS call, next to which 10,000 steps are nothing.
   */
  private evict(now: number, current: Map<string, Entry<T>>) {
    for (const [owner, entries] of this.owners) {
      for (const [key, entry] of entries) {
        const overOwner = entries === current && entries.size > this.capacityPerOwner;
        if (entry.expiresAt <= now || (entry.settled && (overOwner || this.size > this.capacity))) this.remove(owner, key);
      }
    }
  }
}
