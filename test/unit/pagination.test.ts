import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CursorPosition } from "../../src/aws/cursor.ts";
import type { AwsPage } from "../../src/aws/pagination.ts";
import { sliceOf } from "../../src/aws/pagination.ts";

/** A fake upstream of `total` numbered items in pages of `size`, that (like AWS) gives a token after a full page. */
function upstream(total: number, size: number) {
  const calls: (string | null)[] = [];
  const fetchPage = async (token: string | null): Promise<AwsPage<number>> => {
    calls.push(token);
    const start = token === null ? 0 : Number(token);
    const items = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
    return { items, nextToken: items.length === size ? String(start + size) : undefined };
  };
  return { calls, fetchPage };
}

const cursorOf = (p: CursorPosition) => JSON.stringify(p);
const positionOf = (cursor: string) => JSON.parse(cursor) as CursorPosition;

describe("sliceOf", () => {
  it("takes first items from one page and knows more follow without another call", async () => {
    const { calls, fetchPage } = upstream(60, 25);
    const slice = await sliceOf(fetchPage, 10, null, cursorOf);
    assert.deepEqual(
      slice.edges.map((e) => e.node),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.equal(await slice.hasNextPage, true);
    assert.equal(calls.length, 1);
  });

  it("chains pages for more than a page", async () => {
    const { calls, fetchPage } = upstream(60, 25);
    const slice = await sliceOf(fetchPage, 60, null, cursorOf);
    assert.equal(slice.edges.length, 60);
    assert.equal(await slice.hasNextPage, false);
    assert.deepEqual(calls, [null, "25", "50"]);
  });

  it("resumes right after any edge, also in the middle of a page", async () => {
    const { fetchPage } = upstream(60, 25);
    const all = await sliceOf(fetchPage, 60, null, cursorOf);
    for (const k of [0, 5, 23, 24, 25, 48, 58]) {
      const rest = await sliceOf(fetchPage, 60, positionOf(all.edges[k]!.cursor), cursorOf);
      assert.deepEqual(
        rest.edges.map((e) => e.node),
        all.edges.slice(k + 1).map((e) => e.node),
        `after edge ${k}`,
      );
    }
  });

  it("peeks at the next page only when hasNextPage is awaited, and is exact at an empty last page", async () => {
    const { calls, fetchPage } = upstream(50, 25);
    const slice = await sliceOf(fetchPage, 25, null, cursorOf);
    assert.equal(calls.length, 1);
    assert.equal(await slice.hasNextPage, true);
    assert.equal(calls.length, 2);
    const last = await sliceOf(fetchPage, 25, positionOf(slice.edges.at(-1)!.cursor), cursorOf);
    assert.equal(last.edges.length, 25);
    assert.equal(await last.hasNextPage, false, "AWS's token after the last full page leads to an empty page");
  });

  it("a cursor at a page end resumes from the next token, without refetching the page", async () => {
    const { calls, fetchPage } = upstream(60, 25);
    const slice = await sliceOf(fetchPage, 25, null, cursorOf);
    assert.deepEqual(positionOf(slice.edges.at(-1)!.cursor), { token: "25", offset: 0 });
    calls.length = 0;
    await sliceOf(fetchPage, 5, positionOf(slice.edges.at(-1)!.cursor), cursorOf);
    assert.deepEqual(calls, ["25"]);
  });
});
