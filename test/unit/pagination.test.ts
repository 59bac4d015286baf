import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { FailureError } from "../../src/aws/failure.ts";
import { Partition } from "../../src/aws/fleet.ts";
import type { AwsPage } from "../../src/aws/pagination.ts";
import { fleetSlice, sliceOf } from "../../src/aws/pagination.ts";
import { Upstream } from "../../src/aws/upstream.ts";
import { codeOf } from "../../src/error-codes.ts";

/** A fake upstream of `total` numbered items in pages of `size`, that (like AWS) gives a token after a full page. */
function upstream(total: number, size: number, label = "") {
  const calls: (string | null)[] = [];
  const fetchPage = async (token: string | null): Promise<AwsPage<string>> => {
    calls.push(token);
    const start = token === null ? 0 : Number(token);
    const items = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => `${label}${start + i}`);
    return { items, nextToken: items.length === size ? String(start + size) : undefined };
  };
  return { calls, fetchPage };
}

const numbers = (items: { node: string }[]) => items.map((item) => Number(item.node));

describe("sliceOf: one partition", () => {
  it("takes first items from one page and knows more follow without another call", async () => {
    const { calls, fetchPage } = upstream(60, 25);
    const slice = await sliceOf(fetchPage, 10, null);
    assert.deepEqual(numbers(slice.items), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(await slice.hasNextPage, true);
    assert.equal(calls.length, 1);
  });

  it("chains pages for more than a page", async () => {
    const { calls, fetchPage } = upstream(60, 25);
    const slice = await sliceOf(fetchPage, 60, null);
    assert.equal(slice.items.length, 60);
    assert.equal(await slice.hasNextPage, false);
    assert.deepEqual(calls, [null, "25", "50"]);
  });

  it("resumes right after any item, also in the middle of a page", async () => {
    const { fetchPage } = upstream(60, 25);
    const all = await sliceOf(fetchPage, 60, null);
    for (const k of [0, 5, 23, 24, 25, 48, 58]) {
      const rest = await sliceOf(fetchPage, 60, all.items[k]!.position);
      assert.deepEqual(numbers(rest.items), numbers(all.items.slice(k + 1)), `after item ${k}`);
    }
  });

  it("peeks at the next page only when hasNextPage is awaited, and is exact at an empty last page", async () => {
    const { calls, fetchPage } = upstream(50, 25);
    const slice = await sliceOf(fetchPage, 25, null);
    assert.equal(calls.length, 1);
    assert.equal(await slice.hasNextPage, true);
    assert.equal(calls.length, 2);
    const last = await sliceOf(fetchPage, 25, slice.items.at(-1)!.position);
    assert.equal(last.items.length, 25);
    assert.equal(await last.hasNextPage, false, "AWS's token after the last full page leads to an empty page");
  });

  it("a position at a page end resumes from the next token, without refetching the page", async () => {
    const { calls, fetchPage } = upstream(60, 25);
    const slice = await sliceOf(fetchPage, 25, null);
    assert.deepEqual(slice.items.at(-1)!.position, { token: "25", offset: 0 });
    calls.length = 0;
    await sliceOf(fetchPage, 5, slice.items.at(-1)!.position);
    assert.deepEqual(calls, ["25"]);
  });
});

describe("fleetSlice: partition by partition", () => {
  // Partitions need an upstream to exist; these are never called (the fake pages stand in for AWS).
  const idle = new Upstream({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
  after(() => idle.destroy());
  const services = { cursorSecret: "unit", clock: () => 1_800_000_000_000 };
  const A = new Partition("111111111111", "us-east-1", idle, null);
  const B = new Partition("111111111111", "eu-west-1", idle, null);
  const C = new Partition("222222222222", "us-east-1", idle, null);

  /** Fake partitions of these sizes (pages of 25), their items named `<partition>:<n>`, and the calls each got. */
  function fleetOf(sizes: [Partition, number][]) {
    const upstreams = new Map(
      sizes.map(([partition, total]) => [partition, upstream(total, 25, `${partition.region}/${partition.accountId}:`)]),
    );
    const broken = new Set<Partition>();
    const fetchPage = async (partition: Partition, token: string | null) => {
      if (broken.has(partition)) throw new FailureError({ kind: "refused", message: "denied", awsErrorCode: "AccessDenied" });
      return upstreams.get(partition)!.fetchPage(token);
    };
    const calls = (partition: Partition) => upstreams.get(partition)!.calls;
    const page = (first: number, after?: string | null) =>
      fleetSlice(
        services,
        "test",
        sizes.map(([p]) => p),
        first,
        after,
        fetchPage,
      );
    return { page, calls, broken };
  }

  /** Every node of a walk by pages of `first`, and the pages' missing partitions. */
  async function walk(page: (first: number, after?: string | null) => ReturnType<typeof fleetSlice<string>>, first: number) {
    const nodes: string[] = [];
    const missing: string[][] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const slice = await page(first, after);
      nodes.push(...slice.edges.map((e) => e.node));
      missing.push(slice.missingPartitions.map((m) => `${m.partition.accountId}/${m.partition.region} ${codeOf(m.failure)}`));
      if (!(await slice.hasNextPage)) return { nodes, missing, lastCursor: slice.edges.at(-1)?.cursor ?? after };
      after = slice.edges.at(-1)!.cursor;
    }
    throw new Error("the walk did not end");
  }

  const named = (partition: Partition, from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => `${partition.region}/${partition.accountId}:${from + i}`);

  it("visits every item once, partition by partition in the order given, whatever the page size", async () => {
    for (const first of [1, 7, 25, 26, 100]) {
      const { page } = fleetOf([
        [A, 30],
        [B, 0],
        [C, 51],
      ]);
      const { nodes } = await walk(page, first);
      assert.deepEqual(nodes, [...named(A, 0, 30), ...named(C, 0, 51)], `pages of ${first}`);
    }
  });

  it("asks every partition at once, so a page spanning them costs one round of calls", async () => {
    const { page, calls } = fleetOf([
      [A, 10],
      [B, 10],
      [C, 10],
    ]);
    const slice = await page(25);
    assert.deepEqual(
      slice.edges.map((e) => e.node),
      [...named(A, 0, 10), ...named(B, 0, 10), ...named(C, 0, 5)],
    );
    assert.deepEqual([calls(A), calls(B), calls(C)], [[null], [null], [null]]);
    assert.equal(await slice.hasNextPage, true, "C's other items follow");
    const rest = await page(25, slice.edges.at(-1)!.cursor);
    assert.deepEqual(
      rest.edges.map((e) => e.node),
      named(C, 5, 10),
    );
    assert.deepEqual([calls(A), calls(B)], [[null], [null]], "finished partitions are not asked again");
    assert.equal(await rest.hasNextPage, false);
  });

  it("resumes from any edge's cursor right after that edge, across partitions", async () => {
    const { page } = fleetOf([
      [A, 12],
      [C, 30],
    ]);
    const all = await page(42);
    for (const k of [0, 11, 12, 40]) {
      const rest = await page(100, all.edges[k]!.cursor);
      assert.deepEqual(
        rest.edges.map((e) => e.node),
        all.edges.slice(k + 1).map((e) => e.node),
        `after edge ${k}`,
      );
    }
  });

  it("is exact about a next page: a look-ahead when only it can tell, paid for only when read", async () => {
    const { page, calls } = fleetOf([
      [A, 25],
      [B, 0],
    ]);
    const slice = await page(25);
    assert.deepEqual([calls(A).length, calls(B).length], [1, 1]);
    assert.equal(await slice.hasNextPage, false, "A's token leads to an empty page, and B is empty");
    assert.deepEqual(calls(A), [null, "25"]);
  });

  it("lists a failing partition as missing, takes the others, and asks it again on the next page until it answers", async () => {
    const { page, calls, broken } = fleetOf([
      [A, 30],
      [B, 20],
      [C, 5],
    ]);
    broken.add(B);
    const first = await page(25);
    assert.deepEqual(
      first.edges.map((e) => e.node),
      named(A, 0, 25),
    );
    assert.deepEqual(
      first.missingPartitions.map((m) => [m.partition, codeOf(m.failure)]),
      [[{ accountId: B.accountId, region: B.region }, "ACCESS_DENIED"]],
    );
    const second = await page(25, first.edges.at(-1)!.cursor);
    assert.deepEqual(
      second.edges.map((e) => e.node),
      [...named(A, 25, 30), ...named(C, 0, 5)],
      "past the missing partition to the next",
    );
    assert.equal(second.missingPartitions.length, 1, "asked again, and still missing");
    assert.equal(await second.hasNextPage, false, "nothing follows in the partitions that answered");
    broken.delete(B);
    const healed = await page(25, second.edges.at(-1)!.cursor);
    assert.deepEqual(
      healed.edges.map((e) => e.node),
      named(B, 0, 20),
      "its items, once it answers, each once",
    );
    assert.deepEqual(healed.missingPartitions, []);
    assert.deepEqual(calls(C), [null, null], "C, finished, is not asked again");
  });

  it("fails as a whole, with the first partition's failure, only when no partition asked answers", async () => {
    const { page, broken } = fleetOf([
      [A, 3],
      [B, 3],
    ]);
    broken.add(A);
    broken.add(B);
    await assert.rejects(page(5), (error: unknown) => error instanceof FailureError && codeOf(error.failure) === "ACCESS_DENIED");
  });
});
