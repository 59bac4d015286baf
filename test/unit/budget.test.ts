// The AWS budget of an account and region, on a fake clock moved together with node:test's mocked setTimeout: the
// rate held, callers taking turns, writes first, polling's share, probes ahead, and calls not sent when they cannot be.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { describe, it } from "node:test";
import type { CallClass, CallTicket } from "../../src/aws/budget/budget.ts";
import { AwsBudget, NotSentError } from "../../src/aws/budget/budget.ts";

/** Lets promise callbacks run (setImmediate is not mocked). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function fakeTime(t: TestContext) {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const clock = { now: 1_000_000 };
  return {
    clock: () => clock.now,
    get now() {
      return clock.now;
    },
    async advance(ms: number) {
      for (let step = 0; step < ms; step++) {
        clock.now += 1;
        t.mock.timers.tick(1);
        await flush();
      }
    },
  };
}

/** Takes a call and records, in order, who went and when (in fake time), or why not. */
function recorder(budget: AwsBudget, time: { now: number }) {
  const log: { who: string; at: number }[] = [];
  const take = (who: string, ticket: CallTicket, signal?: AbortSignal) =>
    budget.take(ticket, signal).then(
      () => log.push({ who, at: time.now }),
      (error: unknown) => log.push({ who: `${who}:${error instanceof NotSentError ? error.reason : "error"}`, at: time.now }),
    );
  return { log, take, order: () => log.map((entry) => entry.who) };
}

const ticket = (caller: string, callClass: CallClass = "read", deadline?: number): CallTicket => ({ caller, class: callClass, deadline });

describe("AwsBudget", () => {
  it("never lets more than the rate go in any second, and paces the calls through it", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(10, { burst: 3, clock: time.clock });
    const { log, take } = recorder(budget, time);
    for (let i = 0; i < 23; i++) void take(`c${i}`, ticket("a"));
    await flush();
    // The burst less the reserve at once (the reserve is for callers with nothing queued), then one per 100 ms.
    assert.equal(log.length, 2);
    await time.advance(3_000);
    assert.equal(log.length, 23);
    for (const { at } of log)
      assert.ok(log.filter((e) => e.at >= at && e.at < at + 1_000).length <= 10, `more than 10 in the second from ${at}`);
    assert.deepEqual(
      log.slice(2, 5).map((e) => e.at - log[0]!.at),
      [100, 200, 300],
    );
    budget.close();
  });

  it("takes callers in turns: a single call waits one turn behind a backlog of a hundred, not the backlog", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(10, { burst: 1, clock: time.clock });
    const { take, order } = recorder(budget, time);
    for (let i = 0; i < 100; i++) void take(`flood${i}`, ticket("flood"));
    await flush();
    await time.advance(250);
    void take("single", ticket("quiet"));
    await time.advance(300);
    const position = order().indexOf("single");
    assert.ok(position >= 0 && position <= 5, `the single call went ${position}th: ${order().slice(0, 8).join(", ")}`);
    budget.close();
  });

  it("lets a single call go at the next token past a thousand calls of another caller: a turn at most", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(10, { burst: 1, clock: time.clock });
    const { log, take } = recorder(budget, time);
    for (let i = 0; i < 1_000; i++) void take("flood", ticket("flood"));
    await flush();
    await time.advance(250);
    const arrived = time.now;
    const before = log.length;
    assert.equal(before, 3, "the flood goes at the rate: at 0, 100 and 200 ms");
    void take("single", ticket("quiet"));
    await time.advance(200);
    const after = log.slice(before);
    const single = after.findIndex((e) => e.who === "single");
    assert.ok(single === 0, `${single} of the flood went before it: ${after.map((e) => e.who).join(", ")}`);
    assert.ok(after[0]!.at - arrived <= 1000 / 10, `it went ${after[0]!.at - arrived} ms after it came`);
    budget.close();
  });

  it("keeps a reserve for callers with nothing queued: their single call goes at once, past a backlog", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(20, { clock: time.clock });
    const { take, order } = recorder(budget, time);
    for (let i = 0; i < 100; i++) void take("flood", ticket("flood"));
    await flush();
    await time.advance(500);
    const before = order().length;
    void take("single", ticket("quiet"));
    await flush();
    assert.equal(order().at(-1), "single", "it went with no wait");
    assert.equal(order().length, before + 1);
    // The backlog goes on within the rate: 20 in the log's 1.1 s, less the places kept for callers like "single".
    await time.advance(1_000);
    const flood = order().length - before - 1;
    assert.ok(flood >= 14 && flood <= 17, `${flood} of the flood in a second`);
    budget.close();
  });

  it("lets callers with nothing queued go first, on the reserve, when they find it spent, then the backlog its turn", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(20, { clock: time.clock });
    const { log, take, order } = recorder(budget, time);
    for (let i = 0; i < 100; i++) void take("flood", ticket("flood"));
    await flush();
    await time.advance(500);
    const arrived = time.now;
    const before = order().length;
    // Four at once: the reserve's two tokens take two, and the other two wait as a round for its next ones, not for
    // the backlog's, which has its turn after them.
    for (let i = 0; i < 4; i++) void take(`quiet${i}`, ticket(`quiet${i}`));
    await flush();
    await time.advance(300);
    const after = log.slice(before);
    assert.deepEqual(
      after.slice(0, 5).map((e) => e.who),
      ["quiet0", "quiet1", "quiet2", "quiet3", "flood"],
    );
    assert.ok(after[3]!.at - arrived <= 2 * (1000 / 20) + 1, `the fourth went ${after[3]!.at - arrived} ms after it came`);
    budget.close();
  });

  it("wakes for a caller with nothing queued at its token, not at the later one the backlog waits for", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(20, { burst: 4, clock: time.clock });
    const { log, take } = recorder(budget, time);
    for (let i = 0; i < 50; i++) void take("flood", ticket("flood"));
    await flush();
    await time.advance(300);
    for (let i = 0; i < 3; i++) void take(`quiet${i}`, ticket(`quiet${i}`));
    // After their round, with the reserve spent: the backlog's timer waits for three tokens, "late" for one.
    await time.advance(160);
    const arrived = time.now;
    void take("late", ticket("late"));
    await time.advance(200);
    const late = log.find((e) => e.who === "late");
    assert.ok(late && late.at - arrived <= 1000 / 20 + 1, `it went ${late ? late.at - arrived : "never"} ms after it came`);
    budget.close();
  });

  it("gives the backlog a turn after each round of callers with one call each, so they cannot starve it", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(20, { clock: time.clock });
    const { take, order } = recorder(budget, time);
    for (let i = 0; i < 100; i++) void take("flood", ticket("flood"));
    await flush();
    await time.advance(1_000);
    // Three callers who ask again as soon as their call goes: each always has exactly one call waiting.
    let stopped = false;
    const loop = async (caller: string) => {
      while (!stopped) await take(caller, ticket(caller));
    };
    const before = order().length;
    for (let i = 0; i < 3; i++) void loop(`single${i}`);
    await time.advance(3_000);
    stopped = true;
    const served = order().slice(before);
    const flood = served.filter((who) => who === "flood").length;
    // Four callers taking turns: a quarter for the backlog, give or take the calls that went at once.
    assert.ok(flood >= served.length * 0.15 && flood <= served.length * 0.35, `the backlog got ${flood} of ${served.length} calls`);
    budget.close();
  });

  it("lets writes go before reads, and probes before anything", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(10, { burst: 1, clock: time.clock });
    const { take, order } = recorder(budget, time);
    void take("first", ticket("a"));
    for (let i = 0; i < 3; i++) void take(`read${i}`, ticket("a"));
    void take("write", ticket("b", "write"));
    void take("probe", ticket("readiness", "probe"));
    await flush();
    await time.advance(600);
    assert.deepEqual(order(), ["first", "probe", "write", "read0", "read1", "read2"]);
    budget.close();
  });

  it("gives polling its share while reads wait too, and all of the rest to reads", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(10, { burst: 1, pollShare: 0.2, clock: time.clock });
    const { take, order } = recorder(budget, time);
    void take("first", ticket("a"));
    for (let i = 0; i < 100; i++) void take("read", ticket(`reader${i % 5}`));
    for (let i = 0; i < 100; i++) void take("poll", ticket("subscriptions", "poll"));
    await flush();
    await time.advance(10_000);
    const served = order().slice(1, 101);
    const polls = served.filter((who) => who === "poll").length;
    assert.ok(polls >= 18 && polls <= 22, `${polls} of 100 were polls`);
    budget.close();
  });

  it("does not send a call whose wait is given up, or whose deadline would pass before its turn (shed)", async (t) => {
    const time = fakeTime(t);
    const budget = new AwsBudget(10, { burst: 1, clock: time.clock });
    const { take, order } = recorder(budget, time);
    void take("first", ticket("a"));
    for (let i = 0; i < 10; i++) void take("queued", ticket("a"));
    const controller = new AbortController();
    void take("given-up", ticket("b"), controller.signal);
    void take("late", ticket("c", "read", time.now + 50));
    await flush();
    controller.abort();
    await flush();
    assert.deepEqual(order(), ["first", "late:shed", "given-up:aborted"]);
    await time.advance(2_000);
    assert.equal(order().filter((who) => who === "queued").length, 10);
    budget.close();
  });
});
