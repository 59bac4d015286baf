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
  /** Entries by caller, so one caller's keys can never push out another's results. */
  private readonly owners = new Map<string, Map<string, Entry<T>>>();

  constructor(
    /** Results kept per caller; the oldest finished ones go first, so memory stays bounded under any traffic. */
    private readonly capacityPerOwner = 1_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The first result for the caller's `key`, or `produce`'s. The same key with another input is a conflict. A
   * result `keep` rejects (nothing reached AWS) is not retained, so a retry with the same key runs again.
   */
  async run(owner: string, key: string, input: unknown, produce: () => Promise<T>, keep: (result: T) => boolean): Promise<IdempotentRun<T>> {
    const fingerprint = fingerprintOf(input);
    const now = this.clock();
    const entries = this.owners.get(owner) ?? new Map<string, Entry<T>>();
    this.owners.set(owner, entries);
    const existing = entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return { kind: "conflict" };
      return { kind: "result", result: await existing.result, replayed: true };
    }
    const entry: Entry<T> = { fingerprint, result: produce(), settled: false, expiresAt: now + IDEMPOTENCY_RETENTION_MS };
    entries.delete(key);
    entries.set(key, entry);
    this.evict(entries, now);
    const forget = () => {
      if (entries.get(key) === entry) entries.delete(key);
    };
    try {
      const value = await entry.result;
      entry.settled = true;
      if (!keep(value)) forget();
      return { kind: "result", result: value, replayed: false };
    } catch (error) {
      forget();
      throw error;
    } finally {
      if (entries.size === 0 && this.owners.get(owner) === entries) this.owners.delete(owner);
    }
  }

  /** Drops expired entries, then the oldest finished ones over capacity; a create still running is never dropped. */
  private evict(entries: Map<string, Entry<T>>, now: number) {
    for (const [key, entry] of entries) {
      if (entry.expiresAt <= now || (entries.size > this.capacityPerOwner && entry.settled)) entries.delete(key);
    }
  }
}
