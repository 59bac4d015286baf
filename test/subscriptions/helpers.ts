// Shared by the subscription tests: a watch schedule whose ticks the test fires, and waiting on what the server
// does after a client has gone (yoga learns of a disconnect asynchronously).
import assert from "node:assert/strict";
import type { Schedule } from "../../src/watch/workspace-watch.ts";
import { sleep } from "../mutations/helpers.ts";

/** A stream that never sends what a test waits for fails that test's suite instead of hanging the run. */
export const TIMEOUT_MS = 60_000;

/** Holds the tick the watch scheduled instead of running it after a delay; `fire` runs it to its end. */
export class ManualTicks {
  private pending: (() => Promise<void>) | null = null;
  /** The delay of every tick scheduled so far. */
  readonly delays: number[] = [];

  readonly schedule: Schedule = (tick, ms) => {
    this.pending = tick;
    this.delays.push(ms);
    return () => {
      if (this.pending === tick) this.pending = null;
    };
  };

  get scheduled(): boolean {
    return this.pending !== null;
  }

  async fire(): Promise<void> {
    const tick = this.pending;
    assert.ok(tick, "no tick is scheduled");
    this.pending = null;
    await tick();
  }
}

/** Waits until `condition` holds, failing after `limitMs`; for effects that follow a disconnect by a few turns. */
export async function eventually(condition: () => boolean | Promise<boolean>, what: string, limitMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    assert.ok(Date.now() - start < limitMs, `${what}: still not so after ${limitMs} ms`);
    await sleep(5);
  }
}
