// The order the budget's waiting calls go in, on its own (no rate, no clock): a caller with a thousand calls queued
// delays another caller's single call by a turn at most, callers with backlogs take turns, and callers with one call
// each cannot starve a backlog.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CallClass, CallTicket } from "../../src/aws/budget/budget.ts";
import { CallQueue } from "../../src/aws/budget/call-queue.ts";

interface Call {
  ticket: CallTicket;
}

/** A queue whose calls come as the budget queues them: light when others wait and none of them the caller's. */
function queue() {
  const calls = new CallQueue<Call>(0.2);
  return {
    calls,
    arrive(caller: string, count = 1, callClass: CallClass = "read") {
      for (let i = 0; i < count; i++) calls.push({ ticket: { caller, class: callClass } }, calls.isLight(caller));
    },
    /** The callers of the next `count` calls to go. */
    go(count: number): (string | undefined)[] {
      return Array.from({ length: count }, () => calls.next()?.ticket.caller);
    },
  };
}

describe("the budget's call queue", () => {
  it("lets a single call go within a turn of its coming, however many calls another caller has queued", () => {
    const { arrive, go } = queue();
    arrive("flood", 1_000);
    // At the start, mid-backlog, and right after a round of other light calls, when the backlog's turn is due.
    for (const [gone, round] of [
      [0, 0],
      [7, 0],
      [500, 0],
      [100, 3],
    ] as const) {
      go(gone);
      for (let i = 0; i < round; i++) arrive(`light${i}`);
      go(round);
      arrive("quiet");
      const next = go(2);
      assert.ok(next.indexOf("quiet") === (round > 0 ? 1 : 0), `after ${gone} of the backlog and ${round} light calls: ${next.join(", ")}`);
    }
  });

  it("gives callers with backlogs turns: a second caller's calls go every other call, not after the first's thousand", () => {
    const { arrive, go } = queue();
    arrive("flood", 1_000);
    go(10);
    // Its first call is light; the others join the backlog, where the callers take turns.
    arrive("other", 3);
    assert.deepEqual(go(6), ["other", "flood", "other", "flood", "other", "flood"]);
  });

  it("gives the backlog a call after each round of callers with one call each, so they cannot starve it", () => {
    const { arrive, go } = queue();
    arrive("flood", 100);
    const singles = ["single0", "single1", "single2"];
    for (const caller of singles) arrive(caller);
    const served: (string | undefined)[] = [];
    for (let i = 0; i < 12; i++) {
      const [caller] = go(1);
      served.push(caller);
      // Each asks again as soon as its call went: always exactly one call waiting.
      if (caller?.startsWith("single")) arrive(caller);
    }
    assert.deepEqual(served, [...singles, "flood", ...singles, "flood", ...singles, "flood"]);
  });

  it("lets probes go first, and the backlog's writes before its reads, whatever their order of coming", () => {
    const { arrive, go } = queue();
    arrive("a", 3);
    // Its first write is light; its second joins the backlog, ahead of the reads.
    arrive("b", 2, "write");
    arrive("readiness", 1, "probe");
    assert.deepEqual(go(6), ["readiness", "b", "b", "a", "a", "a"]);
  });
});
