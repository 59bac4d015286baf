// Results of createWorkspaces by idempotency key: a repeat within the retention period gets the first result
// without calling AWS again, and a repeat while the first is running waits for it.
import { createHash } from "node:crypto";

export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60_000;

interface Entry<T> {
  fingerprint: string;
  result: Promise<T>;
  expiresAt: number;
}

export type IdempotentRun<T> = { kind: "result"; result: T; replayed: boolean } | { kind: "conflict" };

/** A stable digest of an input, whatever the order of its object keys. */
export function fingerprintOf(value: unknown): string {
  const canonical = JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
  return createHash("sha256").update(canonical).digest("hex");
}

export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    /** Results kept at once; the oldest go first, so memory stays bounded under any traffic. */
    private readonly capacity = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The first result for `key`, or `produce`'s. The same key with another input is a conflict. A result `keep`
   * rejects (nothing reached AWS) is not retained, so a retry with the same key runs again.
   */
  async run(key: string, input: unknown, produce: () => Promise<T>, keep: (result: T) => boolean): Promise<IdempotentRun<T>> {
    const fingerprint = fingerprintOf(input);
    const now = this.clock();
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return { kind: "conflict" };
      return { kind: "result", result: await existing.result, replayed: true };
    }
    const result = produce();
    const entry = { fingerprint, result, expiresAt: now + IDEMPOTENCY_RETENTION_MS };
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.evict(now);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    try {
      const value = await result;
      if (!keep(value)) forget();
      return { kind: "result", result: value, replayed: false };
    } catch (error) {
      forget();
      throw error;
    }
  }

  private evict(now: number) {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.capacity && entry.expiresAt > now) break;
      this.entries.delete(key);
    }
  }
}
