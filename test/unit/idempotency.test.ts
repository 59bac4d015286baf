// createWorkspaces results by idempotency key: replays, waiting for a first call in flight, conflicts, what is not
// retained, expiry after 24 hours and the bounds (a caller's results pushed out only by its own newer ones).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fingerprintOf } from "../../src/fingerprint.ts";
import { IDEMPOTENCY_RETENTION_MS } from "../../src/shared/idempotency/idempotency.ts";
import { IdempotencyStore } from "../../src/shared/idempotency/memory.ts";

const keepAll = () => true;

/** A produce function that counts its calls and answers `value`, or a fresh object per call by default. */
function producer<T>(value?: T) {
  let calls = 0;
  const produce = async () => {
    calls += 1;
    return (value ?? { call: calls }) as T;
  };
  return { produce, calls: () => calls };
}

/** A produce function the test settles by hand. */
function deferredProducer<T>() {
  const pending: { resolve: (value: T) => void; reject: (error: unknown) => void }[] = [];
  const produce = () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject }));
  return { produce, pending };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

const INPUT = [{ DirectoryId: "d-906734e2f1", UserName: "alice", BundleId: "wsb-8vbljg4r6" }];

describe("IdempotencyStore", () => {
  it("returns the first result for a repeat with the same key and input, without producing again", async () => {
    const store = new IdempotencyStore<{ call: number }>();
    const { produce, calls } = producer<{ call: number }>();
    const first = await store.run("caller", "key-1", INPUT, produce, keepAll);
    assert.deepEqual(first, { kind: "result", result: { call: 1 }, replayed: false });
    const second = await store.run("caller", "key-1", structuredClone(INPUT), produce, keepAll);
    assert.equal(second.kind, "result");
    assert.ok(second.kind === "result");
    assert.equal(second.replayed, true);
    assert.deepEqual(second.result, { call: 1 });
    assert.equal(calls(), 1);
  });

  it("makes a repeat that arrives while the first runs wait for it, producing once", async () => {
    const store = new IdempotencyStore<string>();
    const { produce, pending } = deferredProducer<string>();
    const first = store.run("caller", "k", INPUT, produce, keepAll);
    const second = store.run("caller", "k", INPUT, produce, keepAll);
    const third = store.run("caller", "k", INPUT, produce, keepAll);
    await flush();
    assert.equal(pending.length, 1, "one produce for three runs");
    pending[0]!.resolve("created");
    assert.deepEqual(await first, { kind: "result", result: "created", replayed: false });
    assert.deepEqual(await second, { kind: "result", result: "created", replayed: true });
    assert.deepEqual(await third, { kind: "result", result: "created", replayed: true });
  });

  it("refuses the same key with another input as a conflict, and keeps the first result", async () => {
    const store = new IdempotencyStore<{ call: number }>();
    const { produce, calls } = producer<{ call: number }>();
    await store.run("caller", "k", INPUT, produce, keepAll);
    const other = [{ ...INPUT[0]!, UserName: "bob" }];
    assert.deepEqual(await store.run("caller", "k", other, produce, keepAll), { kind: "conflict" });
    assert.deepEqual(await store.run("caller", "k", [...INPUT, ...INPUT], produce, keepAll), { kind: "conflict" });
    const replay = await store.run("caller", "k", INPUT, produce, keepAll);
    assert.ok(replay.kind === "result" && replay.replayed);
    assert.equal(calls(), 1);
  });

  it("refuses another input even while the first call is still running", async () => {
    const store = new IdempotencyStore<string>();
    const { produce, pending } = deferredProducer<string>();
    const first = store.run("caller", "k", INPUT, produce, keepAll);
    assert.deepEqual(await store.run("caller", "k", [{ ...INPUT[0]!, UserName: "bob" }], produce, keepAll), { kind: "conflict" });
    pending[0]!.resolve("created");
    assert.deepEqual(await first, { kind: "result", result: "created", replayed: false });
    assert.equal(pending.length, 1);
  });

  it("keeps callers apart: another caller's same key with the same input produces again", async () => {
    const store = new IdempotencyStore<{ call: number }>();
    const { produce, calls } = producer<{ call: number }>();
    await store.run("alice", "k", INPUT, produce, keepAll);
    const other = await store.run("bob", "k", INPUT, produce, keepAll);
    assert.deepEqual(other, { kind: "result", result: { call: 2 }, replayed: false });
    assert.equal(calls(), 2);
  });

  it("never lets one caller's keys push out another's results", async () => {
    const store = new IdempotencyStore<string>({ perCaller: { count: 2, bytes: 2 ** 30 } });
    await store.run("alice", "k", INPUT, async () => "alice's", keepAll);
    for (const key of ["1", "2", "3", "4"]) await store.run("mallory", key, INPUT, async () => "noise", keepAll);
    assert.deepEqual(await store.run("alice", "k", INPUT, async () => "again", keepAll), {
      kind: "result",
      result: "alice's",
      replayed: true,
    });
  });

  it("over the total, takes the storing caller's own oldest results, never another caller's, and keeps its newest", async () => {
    const store = new IdempotencyStore<string>({ perCaller: { count: 10, bytes: 2 ** 30 }, total: { count: 4, bytes: 2 ** 30 } });
    for (const owner of ["idle", "busy"]) {
      for (const key of ["1", "2"]) await store.run(owner, key, INPUT, async () => `${owner}-${key}`, keepAll);
    }
    // Over the total with its first result: it has no older one to give, so the newest stays.
    await store.run("new", "1", INPUT, async () => "new-1", keepAll);
    await store.run("busy", "3", INPUT, async () => "busy-3", keepAll);
    const replayed = async (owner: string, key: string) => {
      const run = await store.run(owner, key, INPUT, async () => "ran again", keepAll);
      return run.kind === "result" && run.replayed;
    };
    assert.deepEqual(
      [await replayed("idle", "1"), await replayed("idle", "2"), await replayed("new", "1"), await replayed("busy", "3")],
      [true, true, true, true],
    );
    assert.equal(await replayed("busy", "1"), false, "the busy caller's oldest went, for its own newer result");
  });

  it("never drops a create that is still running, even over capacity", async () => {
    const store = new IdempotencyStore<string>({ perCaller: { count: 1, bytes: 2 ** 30 } });
    let release!: (value: string) => void;
    const slow = store.run("caller", "slow", INPUT, () => new Promise<string>((resolve) => (release = resolve)), keepAll);
    await store.run("caller", "fast", INPUT, async () => "fast", keepAll);
    const repeat = store.run("caller", "slow", INPUT, async () => "second create", keepAll);
    release("first create");
    assert.deepEqual(await slow, { kind: "result", result: "first create", replayed: false });
    assert.deepEqual(await repeat, { kind: "result", result: "first create", replayed: true });
  });

  it("does not retain a result `keep` rejects, so a retry with the key runs again", async () => {
    const store = new IdempotencyStore<{ call: number }>();
    const { produce, calls } = producer<{ call: number }>();
    const keepSecond = (result: { call: number }) => result.call >= 2;
    const first = await store.run("caller", "k", INPUT, produce, keepSecond);
    assert.deepEqual(first, { kind: "result", result: { call: 1 }, replayed: false }, "the caller still gets it");
    const retry = await store.run("caller", "k", INPUT, produce, keepSecond);
    assert.deepEqual(retry, { kind: "result", result: { call: 2 }, replayed: false });
    const replay = await store.run("caller", "k", INPUT, produce, keepSecond);
    assert.deepEqual(replay, { kind: "result", result: { call: 2 }, replayed: true });
    assert.equal(calls(), 2);
    // A rejected result frees the key for another input too.
    const other = new IdempotencyStore<{ call: number }>();
    await other.run("caller", "k", INPUT, producer<{ call: number }>().produce, () => false);
    const changed = await other.run("caller", "k", [{ ...INPUT[0]!, UserName: "bob" }], producer<{ call: number }>().produce, keepAll);
    assert.equal(changed.kind, "result");
  });

  it("does not retain a thrown error: the caller gets it, and a retry runs again", async () => {
    const store = new IdempotencyStore<string>();
    let calls = 0;
    const failing = async () => {
      calls += 1;
      if (calls === 1) throw new Error("network down");
      return "created";
    };
    await assert.rejects(store.run("caller", "k", INPUT, failing, keepAll), /network down/);
    assert.deepEqual(await store.run("caller", "k", INPUT, failing, keepAll), { kind: "result", result: "created", replayed: false });
    assert.equal(calls, 2);
  });

  it("gives a repeat waiting for a failing first call the same error", async () => {
    const store = new IdempotencyStore<string>();
    const { produce, pending } = deferredProducer<string>();
    const first = store.run("caller", "k", INPUT, produce, keepAll);
    const second = store.run("caller", "k", INPUT, produce, keepAll);
    await flush();
    const error = new Error("boom");
    pending[0]!.reject(error);
    await assert.rejects(first, (e) => e === error);
    await assert.rejects(second, (e) => e === error);
    assert.equal(pending.length, 1);
  });

  it("forgets a result 24 hours after the first call", async () => {
    const clock = { now: Date.UTC(2025, 0, 1) };
    const store = new IdempotencyStore<{ call: number }>({ clock: () => clock.now });
    const { produce, calls } = producer<{ call: number }>();
    await store.run("caller", "k", INPUT, produce, keepAll);
    clock.now += IDEMPOTENCY_RETENTION_MS - 1;
    const replay = await store.run("caller", "k", INPUT, produce, keepAll);
    assert.ok(replay.kind === "result" && replay.replayed, "still replayed 1 ms before 24 h");
    assert.equal(IDEMPOTENCY_RETENTION_MS, 24 * 60 * 60 * 1000);
    clock.now += 1;
    assert.deepEqual(await store.run("caller", "k", INPUT, produce, keepAll), { kind: "result", result: { call: 2 }, replayed: false });
    assert.equal(calls(), 2);
    // Once expired, the key may carry another input; the retention restarts from that call.
    clock.now += IDEMPOTENCY_RETENTION_MS;
    const changed = await store.run("caller", "k", [{ ...INPUT[0]!, UserName: "bob" }], produce, keepAll);
    assert.deepEqual(changed, { kind: "result", result: { call: 3 }, replayed: false });
    clock.now += IDEMPOTENCY_RETENTION_MS - 1;
    assert.deepEqual(await store.run("caller", "k", INPUT, produce, keepAll), { kind: "conflict" });
  });

  it("drops expired entries as new ones arrive", async () => {
    const clock = { now: 0 };
    const store = new IdempotencyStore<string>({ clock: () => clock.now });
    for (let i = 0; i < 10; i++) await store.run("caller", `old-${i}`, INPUT, async () => "x", keepAll);
    assert.equal(store["owners"].get("caller")!.entries.size, 10);
    clock.now += IDEMPOTENCY_RETENTION_MS;
    await store.run("caller", "new", INPUT, async () => "y", keepAll);
    assert.deepEqual([...store["owners"].get("caller")!.entries.keys()], ["new"]);
  });

  it("holds at most `capacity` results per caller, the oldest going first", async () => {
    const store = new IdempotencyStore<string>({ perCaller: { count: 3, bytes: 2 ** 30 } });
    let calls = 0;
    const produce = async () => `result-${++calls}`;
    for (const key of ["a", "b", "c", "d"]) await store.run("caller", key, INPUT, produce, keepAll);
    assert.equal(store["owners"].get("caller")!.entries.size, 3);
    const b = await store.run("caller", "b", INPUT, produce, keepAll);
    assert.ok(b.kind === "result" && b.replayed, "b is still held");
    const a = await store.run("caller", "a", INPUT, produce, keepAll);
    assert.deepEqual(a, { kind: "result", result: "result-5", replayed: false }, "a was evicted, so it ran again");
    assert.equal(store["owners"].get("caller")!.entries.size, 3);
    // Running `a` again evicted `b`, the oldest left.
    const bAgain = await store.run("caller", "b", INPUT, produce, keepAll);
    assert.equal(bAgain.kind === "result" && bAgain.replayed, false);
  });
});

describe("IdempotencyStore in bytes", () => {
  const result = (kb: number) => async () => "x".repeat(kb * 1024);

  it("holds at most the bytes a caller may keep, its oldest going first, and counts them", async () => {
    const store = new IdempotencyStore<string>({ perCaller: { count: 1_000, bytes: 10 * 1024 } });
    for (const key of ["a", "b", "c", "d"]) await store.run("caller", key, INPUT, result(3), keepAll);
    assert.deepEqual([...store["owners"].get("caller")!.entries.keys()], ["b", "c", "d"]);
    assert.ok(store.bytes <= 10 * 1024 && store.bytes > 9 * 1024, `${store.bytes} bytes`);
  });

  it("over the total bytes, takes the storing caller's own oldest results: other callers' large ones push out nothing", async () => {
    const store = new IdempotencyStore<string>({ total: { count: 1_000, bytes: 20 * 1024 } });
    await store.run("alice", "1", INPUT, result(1), keepAll);
    for (const key of ["1", "2", "3", "4"]) await store.run("mallory", key, INPUT, result(8), keepAll);
    assert.deepEqual([...store["owners"].get("alice")!.entries.keys()], ["1"], "alice's result is kept");
    assert.deepEqual([...store["owners"].get("mallory")!.entries.keys()], ["3", "4"], "mallory's own oldest went");
    assert.ok(store.bytes <= 20 * 1024, `${store.bytes} bytes`);
  });

  it("keeps a thousand large results from one caller within its bound: the heap cannot grow without one", async () => {
    const store = new IdempotencyStore<string>({ perCaller: { count: 1_000, bytes: 1024 * 1024 } });
    for (let i = 0; i < 1_100; i++) await store.run("caller", `key-${i}`, INPUT, result(250), keepAll);
    assert.ok(store.bytes <= 1024 * 1024, `${store.bytes} bytes kept`);
  });
});

describe("IdempotencyStore revisiting a kept result", () => {
  it("replaces a result whose outcome was unknown with the revisited one, once, for concurrent repeats too", async () => {
    const store = new IdempotencyStore<string[]>();
    let revisits = 0;
    const revisit = (previous: string[]) =>
      previous.includes("unknown")
        ? (async () => {
            revisits += 1;
            return previous.map((item) => (item === "unknown" ? "created" : item));
          })()
        : undefined;
    await store.run("caller", "k", INPUT, async () => ["created", "unknown", "refused"], keepAll, revisit);
    const [a, b] = await Promise.all([
      store.run("caller", "k", INPUT, async () => ["never"], keepAll, revisit),
      store.run("caller", "k", INPUT, async () => ["never"], keepAll, revisit),
    ]);
    assert.deepEqual(a, { kind: "result", result: ["created", "created", "refused"], replayed: true });
    assert.deepEqual(b, a);
    assert.equal(revisits, 1);
  });
});

describe("fingerprintOf", () => {
  it("does not depend on the order of object keys, at any depth", () => {
    const a = { workspaces: [{ directoryId: "d-1", userName: "u", tags: [{ key: "k", value: "v" }], props: { x: 1, y: 2 } }] };
    const b = { workspaces: [{ props: { y: 2, x: 1 }, tags: [{ value: "v", key: "k" }], userName: "u", directoryId: "d-1" }] };
    assert.equal(fingerprintOf(a), fingerprintOf(b));
    assert.match(fingerprintOf(a), /^[0-9a-f]{64}$/);
  });

  it("depends on values, array order and nesting", () => {
    const base = fingerprintOf({ list: [1, 2], name: "n" });
    assert.notEqual(fingerprintOf({ list: [2, 1], name: "n" }), base);
    assert.notEqual(fingerprintOf({ list: [1, 2], name: "m" }), base);
    assert.notEqual(fingerprintOf({ list: [1, 2, 3], name: "n" }), base);
    assert.notEqual(fingerprintOf({ list: [1, 2], name: "n", extra: true }), base);
    assert.notEqual(fingerprintOf({ list: [1, 2], name: { n: "n" } }), base);
    assert.notEqual(fingerprintOf({ list: ["1", "2"], name: "n" }), base, "a string is not a number");
    assert.notEqual(fingerprintOf({ a: null }), fingerprintOf({}), "null is a value");
  });

  it("treats an absent member and an undefined one alike, as JSON does", () => {
    assert.equal(fingerprintOf({ a: 1, b: undefined }), fingerprintOf({ a: 1 }));
  });

  it("is stable for the same value", () => {
    const value = [{ DirectoryId: "d-906734e2f1", UserName: "ünïcødé 🚀", Tags: [] }];
    assert.equal(fingerprintOf(value), fingerprintOf(structuredClone(value)));
  });
});
