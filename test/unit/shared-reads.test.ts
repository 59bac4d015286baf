// Identical reads in flight share one call; the shared call is aborted only when every caller has given up.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { coalescedReads } from "../../src/aws/metrics.ts";
import { SharedReads } from "../../src/aws/shared-reads.ts";

/** A call the test settles by hand, recording the signal it was given. */
function deferredCall<T>() {
  const calls: { signal: AbortSignal; resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const call = (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      calls.push({ signal, resolve, reject });
    });
  return { call, calls };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function coalescedCount(operation: string): Promise<number> {
  const metric = await coalescedReads.get();
  return metric.values.find((v) => v.labels.operation === operation)?.value ?? 0;
}

/** Settles a promise into a result the test can inspect synchronously. */
function settle<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

describe("SharedReads", () => {
  it("runs identical reads in flight as one call, and gives every caller its result", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<{ items: string[] }>();
    const before = await coalescedCount("SharedOp");
    const callers = [
      reads.run("k", "SharedOp", undefined, call),
      reads.run("k", "SharedOp", new AbortController().signal, call),
      reads.run("k", "SharedOp", undefined, call),
    ];
    assert.equal(calls.length, 1);
    assert.equal(reads.size, 1);
    const result = { items: ["ws-1"] };
    calls[0]!.resolve(result);
    const results = await Promise.all(callers);
    for (const value of results) assert.equal(value, result, "the very same result object");
    assert.equal((await coalescedCount("SharedOp")) - before, 2, "two reads joined the first");
  });

  it("starts a fresh read (one after a write) afresh, and lets later readers join it rather than the older call", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const before = reads.run("k", "FreshOp", undefined, call);
    const fresh = reads.run("k", "FreshOp", undefined, call, true);
    const later = reads.run("k", "FreshOp", undefined, call);
    assert.equal(calls.length, 2);
    calls[0]!.resolve("before the write");
    calls[1]!.resolve("after the write");
    assert.deepEqual(await Promise.all([before, fresh, later]), ["before the write", "after the write", "after the write"]);
    assert.equal(reads.size, 0);
  });

  it("runs reads with different keys separately", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const a = reads.run("a", "Op", undefined, call);
    const b = reads.run("b", "Op", undefined, call);
    assert.equal(calls.length, 2);
    assert.equal(reads.size, 2);
    calls[0]!.resolve("A");
    calls[1]!.resolve("B");
    assert.deepEqual(await Promise.all([a, b]), ["A", "B"]);
  });

  it("lets one caller give up without aborting the call the others wait for", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const leaving = new AbortController();
    const staying = new AbortController();
    const left = settle(reads.run("k", "Op", leaving.signal, call));
    const stayed = reads.run("k", "Op", staying.signal, call);
    const reason = new Error("client left");
    leaving.abort(reason);
    await flush();
    assert.equal(left.error, reason, "the caller that left gets its own signal's reason, at once");
    assert.equal(calls[0]!.signal.aborted, false, "the shared call goes on");
    calls[0]!.resolve("value");
    assert.equal(await stayed, "value");
  });

  it("aborts the shared call when every caller has given up", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const first = new AbortController();
    const second = new AbortController();
    const a = settle(reads.run("k", "Op", first.signal, call));
    const b = settle(reads.run("k", "Op", second.signal, call));
    first.abort(new Error("first left"));
    await flush();
    assert.equal(calls[0]!.signal.aborted, false);
    const last = new Error("second left");
    second.abort(last);
    await flush();
    assert.equal(calls[0]!.signal.aborted, true);
    assert.equal(calls[0]!.signal.reason, last, "aborted with the last caller's reason");
    assert.equal((a.error as Error).message, "first left");
    assert.equal(b.error, last);
    calls[0]!.reject(calls[0]!.signal.reason);
    await flush();
    assert.equal(reads.size, 0);
  });

  it("never aborts a call a caller without a signal waits for", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const controller = new AbortController();
    const patient = reads.run("k", "Op", undefined, call);
    const leaving = settle(reads.run("k", "Op", controller.signal, call));
    controller.abort();
    await flush();
    assert.ok(leaving.error);
    assert.equal(calls[0]!.signal.aborted, false);
    calls[0]!.resolve("value");
    assert.equal(await patient, "value");
  });

  it("forgets a call once it settles, so a later read calls again", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const first = reads.run("k", "Op", undefined, call);
    calls[0]!.resolve("one");
    assert.equal(await first, "one");
    assert.equal(reads.size, 0);
    const second = reads.run("k", "Op", undefined, call);
    assert.equal(calls.length, 2);
    calls[1]!.reject(new Error("boom"));
    await assert.rejects(second, /boom/);
    assert.equal(reads.size, 0, "forgotten after a failure too");
    const third = reads.run("k", "Op", undefined, call);
    assert.equal(calls.length, 3, "a failure is not cached");
    calls[2]!.resolve("three");
    assert.equal(await third, "three");
  });

  it("gives every caller the call's error", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const callers = [
      reads.run("k", "Op", undefined, call),
      reads.run("k", "Op", new AbortController().signal, call),
      reads.run("k", "Op", new AbortController().signal, call),
    ];
    const error = new Error("ThrottlingException");
    calls[0]!.reject(error);
    const results = await Promise.allSettled(callers);
    for (const result of results) {
      assert.equal(result.status, "rejected");
      assert.equal(result.reason, error, "the very same error");
    }
    assert.equal(reads.size, 0);
  });

  it("refuses a caller whose signal is already aborted, without calling", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const reason = new Error("too late");
    await assert.rejects(reads.run("k", "Op", AbortSignal.abort(reason), call), (error) => error === reason);
    assert.equal(calls.length, 0);
    assert.equal(reads.size, 0);
  });

  it("removes each caller's abort listener once the call settles", async () => {
    const reads = new SharedReads();
    const { call, calls } = deferredCall<string>();
    const controller = new AbortController();
    const pending = reads.run("k", "Op", controller.signal, call);
    calls[0]!.resolve("value");
    assert.equal(await pending, "value");
    await flush();
    // Aborting afterwards must neither throw nor touch the finished call.
    controller.abort();
    assert.equal(calls[0]!.signal.aborted, false);
  });

  // The SDK settles an aborted call a little later (the socket is torn down first). A read arriving in that gap must
  // not join the abandoned call and fail with the reason of callers it has nothing to do with.
  it("does not hand a newcomer the abort of a call every earlier caller abandoned", async () => {
    const reads = new SharedReads();
    const calls: AbortSignal[] = [];
    const call = (signal: AbortSignal) =>
      new Promise<string>((resolve, reject) => {
        calls.push(signal);
        signal.addEventListener("abort", () => setTimeout(() => reject(signal.reason), 20), { once: true });
        if (calls.length > 1) setTimeout(() => resolve("fresh"), 5);
      });
    const leaving = new AbortController();
    const left = settle(reads.run("k", "Op", leaving.signal, call));
    leaving.abort(new Error("the first client left"));
    await flush();
    assert.ok(left.error);
    const newcomer = await reads.run("k", "Op", new AbortController().signal, call).then(
      (value) => ({ value }),
      (error: unknown) => ({ error: (error as Error).message }),
    );
    assert.deepEqual(newcomer, { value: "fresh" }, "the newcomer got another caller's abort");
  });
});
