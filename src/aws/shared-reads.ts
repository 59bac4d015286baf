// Identical reads in flight at the same time, from any number of GraphQL requests, share one AWS call.
import { coalescedReads } from "./metrics.ts";

interface InFlight {
  promise: Promise<unknown>;
  controller: AbortController;
  callers: number;
}

export class SharedReads {
  private readonly inFlight = new Map<string, InFlight>();

  /**
   * Runs `call` unless an identical one (same `key`) is running, and then waits for that one. The shared call is
   * aborted only when every caller waiting for it has given up.
   */
  run<T>(
    key: string,
    operation: string,
    signal: AbortSignal | undefined,
    call: (signal: AbortSignal) => Promise<T>,
    fresh = false,
  ): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    // A fresh read (after a write) must not join a call AWS may have answered before the write: it starts one that
    // later readers join instead.
    let entry = fresh ? undefined : this.inFlight.get(key);
    if (entry) {
      coalescedReads.inc({ operation });
    } else {
      const controller = new AbortController();
      const created: InFlight = { promise: call(controller.signal), controller, callers: 0 };
      created.promise = created.promise.finally(() => this.forget(key, created));
      entry = created;
      this.inFlight.set(key, entry);
    }
    const shared = entry;
    shared.callers += 1;
    if (!signal) return shared.promise as Promise<T>;
    return new Promise<T>((resolve, reject) => {
      const leave = () => {
        shared.callers -= 1;
        if (shared.callers === 0) {
          // Abandoned: a newcomer must start afresh rather than join a call being aborted.
          this.forget(key, shared);
          shared.controller.abort(signal.reason);
        }
        reject(signal.reason);
      };
      signal.addEventListener("abort", leave, { once: true });
      (shared.promise as Promise<T>).then(resolve, reject).finally(() => signal.removeEventListener("abort", leave));
    });
  }

  private forget(key: string, entry: InFlight) {
    if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
  }

  get size(): number {
    return this.inFlight.size;
  }
}
