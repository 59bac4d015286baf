// Cursors expire with the AWS token they hold: a fake clock, read by the gateway and the emulator alike, moves
// through the 24 hours AWS keeps a NextToken.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { WorkspacesPageDocument } from "../generated/graphql.ts";
import type { ClockedGateway } from "./fixture.ts";
import { startClockedGateway } from "./fixture.ts";

const HOUR_MS = 60 * 60 * 1000;

describe("cursor expiry follows the AWS token's age", () => {
  let gateway: ClockedGateway;
  let allIds: string[];
  before(async () => {
    gateway = await startClockedGateway();
    const all = await gateway.execute(WorkspacesPageDocument, { first: 60 });
    allIds = all.data!.workspaces!.edges.map((e) => e.node.workspaceId);
    assert.equal(allIds.length, 60);
  });
  after(() => gateway.close());
  /** Each test starts at the same instant, whatever the previous one did to the clock. */
  let start: number;
  beforeEach(() => {
    start ??= gateway.clock.now;
    gateway.clock.now = start;
  });

  it("a cursor 23 hours old works; at 25 hours it is CURSOR_EXPIRED", async () => {
    const first = await gateway.execute(WorkspacesPageDocument, { first: 25 });
    const cursor = first.data!.workspaces!.pageInfo.endCursor!;
    gateway.clock.now = start + 23 * HOUR_MS;
    const young = await gateway.execute(WorkspacesPageDocument, { first: 2, after: cursor });
    assert.equal(young.errors, undefined);
    assert.deepEqual(
      young.data!.workspaces!.edges.map((e) => e.node.workspaceId),
      allIds.slice(25, 27),
    );
    gateway.clock.now = start + 25 * HOUR_MS;
    const old = await gateway.execute(WorkspacesPageDocument, { first: 2, after: cursor });
    assert.equal(old.errors?.[0]?.extensions?.code, "CURSOR_EXPIRED", JSON.stringify(old));
  });

  it("a cursor re-issued mid-page holds the older token, and expires when that token does", async () => {
    // At start: the end of the first AWS page, whose cursor holds the token for the second page.
    const first = await gateway.execute(WorkspacesPageDocument, { first: 25 });
    const pageEnd = first.data!.workspaces!.pageInfo.endCursor!;
    // 23 hours later: 3 more, in the middle of the second page, so their cursors hold that same token.
    gateway.clock.now = start + 23 * HOUR_MS;
    const middle = await gateway.execute(WorkspacesPageDocument, { first: 3, after: pageEnd });
    assert.deepEqual(
      middle.data!.workspaces!.edges.map((e) => e.node.workspaceId),
      allIds.slice(25, 28),
    );
    const midPage = middle.data!.workspaces!.pageInfo.endCursor!;
    // And the end of the second page, whose cursor holds a token AWS issued 23 hours after the first.
    const second = await gateway.execute(WorkspacesPageDocument, { first: 25, after: pageEnd });
    const secondPageEnd = second.data!.workspaces!.pageInfo.endCursor!;

    // 24.5 hours after start: the token in midPage is past AWS's 24 hours, though midPage was handed out 1.5 hours ago.
    gateway.clock.now = start + 24.5 * HOUR_MS;
    const stale = await gateway.execute(WorkspacesPageDocument, { first: 2, after: midPage });
    assert.deepEqual(
      stale.errors?.map((e) => e.extensions?.code),
      ["CURSOR_EXPIRED"],
      JSON.stringify(stale),
    );
    // The newer token is still good.
    const fresh = await gateway.execute(WorkspacesPageDocument, { first: 2, after: secondPageEnd });
    assert.equal(fresh.errors, undefined, JSON.stringify(fresh.errors));
    assert.deepEqual(
      fresh.data!.workspaces!.edges.map((e) => e.node.workspaceId),
      allIds.slice(50, 52),
    );
  });
});
