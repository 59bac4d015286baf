// The emulator's knobs (throttling, latency, seeded worlds) and its /_emulator/* endpoints.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  DescribeWorkspacesCommand,
  InvalidParameterValuesException,
  paginateDescribeWorkspaces,
  WorkSpacesServiceException,
} from "@aws-sdk/client-workspaces";
import type { EmulatorStats } from "../../src/emulator/index.ts";
import { RequestCounter } from "../../src/emulator/stats.ts";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, rawCall, startHarness } from "./fixture.ts";

async function listAll(h: Harness): Promise<Workspace[]> {
  const all: Workspace[] = [];
  for await (const page of paginateDescribeWorkspaces({ client: h.client }, {})) all.push(...page.Workspaces!);
  return all;
}

describe("throttleRate", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 10, throttleRate: 1 });
  });
  after(() => h.close());

  it("at 1.0, every call gets ThrottlingException (SDK with maxAttempts 1)", async () => {
    const client = h.newClient({ maxAttempts: 1 });
    h.emulator.resetStats();
    const error = await expectAwsError(client.send(new DescribeWorkspacesCommand({})), "ThrottlingException", /Rate exceeded/);
    assert.ok(error instanceof WorkSpacesServiceException);
    assert.deepEqual(h.emulator.stats().requests, { DescribeWorkspaces: 1 });
  });

  it("at 1.0, the SDK retries a throttled call up to maxAttempts, then gives up", async () => {
    const client = h.newClient({ maxAttempts: 2 });
    h.emulator.resetStats();
    await expectAwsError(client.send(new DescribeWorkspaceDirectoriesCommand({})), "ThrottlingException");
    assert.deepEqual(h.emulator.stats().requests, { DescribeWorkspaceDirectories: 2 });
  });

  it("is a live setting: back at 0, calls succeed", async () => {
    h.emulator.settings.throttleRate = 0;
    try {
      const client = h.newClient({ maxAttempts: 1 });
      const result = await client.send(new DescribeWorkspacesCommand({}));
      assert.equal(result.Workspaces!.length, 10);
    } finally {
      h.emulator.settings.throttleRate = 1;
    }
  });

  it("does not throttle what is not an operation (the call is refused for that first)", async () => {
    const response = await rawCall(h.emulator.url, "WorkspacesService.NoSuchOperation", "{}");
    assert.equal(response.body.__type, "UnknownOperationException");
  });
});

describe("throttleRate 0.3 with the SDK's default retries", () => {
  let h: Harness;
  // Seed 2 throttles 3 of the first 11 requests, never the same call thrice: deterministic, and quick to retry.
  before(async () => {
    h = await startHarness({ workspaces: 30, throttleRate: 0.3, seed: 2 });
  });
  after(() => h.close());

  it("every call succeeds, and the emulator saw more requests than calls", async () => {
    const calls = 8;
    h.emulator.resetStats();
    let attempts = 0;
    for (let i = 0; i < calls; i++) {
      const result = await h.client.send(new DescribeWorkspacesCommand({ Limit: 5 }));
      assert.equal(result.Workspaces!.length, 5);
      attempts += result.$metadata.attempts!;
    }
    const requests = h.emulator.stats().requests.DescribeWorkspaces!;
    assert.ok(requests > calls, `expected retries: ${requests} requests for ${calls} calls`);
    assert.ok(requests <= calls * 3, `${requests} requests for ${calls} calls`);
    // Every request the emulator counted is an attempt the SDK made.
    assert.equal(attempts, requests);
  });
});

describe("latencyMs", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 5, latencyMs: 150 });
  });
  after(() => h.close());

  const timed = async () => {
    const started = performance.now();
    await h.client.send(new DescribeWorkspaceDirectoriesCommand({}));
    return performance.now() - started;
  };

  it("adds the latency to every call, and is a live setting", async () => {
    const slow = Math.min(await timed(), await timed());
    assert.ok(slow >= 145, `a call took ${slow.toFixed(1)} ms with 150 ms of latency`);
    h.emulator.settings.latencyMs = 0;
    const fast = Math.min(await timed(), await timed(), await timed());
    assert.ok(fast < slow - 100, `a call took ${fast.toFixed(1)} ms without latency, ${slow.toFixed(1)} ms with`);
  });

  it("delays errors too", async () => {
    h.emulator.settings.latencyMs = 120;
    const started = performance.now();
    await expectAwsError(h.client.send(new DescribeWorkspacesCommand({ Limit: 0 })), InvalidParameterValuesException);
    assert.ok(performance.now() - started >= 115);
  });
});

describe("workspaces and seed", () => {
  const harnesses: Harness[] = [];
  const start = async (workspaces: number, seed: number) => {
    const h = await startHarness({ workspaces, seed });
    harnesses.push(h);
    return h;
  };
  after(async () => {
    for (const h of harnesses) await h.close();
  });

  it("starts with as many workspaces as asked", async () => {
    for (const count of [0, 1, 26]) {
      const h = await start(count, 1);
      assert.equal(h.emulator.world.workspaces.size, count);
      assert.equal((await listAll(h)).length, count);
    }
  });

  it("the same seed makes the same world; another seed another", async () => {
    const [a, b, c] = [await start(40, 42), await start(40, 42), await start(40, 43)];
    const [wa, wb, wc] = [await listAll(a), await listAll(b), await listAll(c)];
    assert.equal(wa.length, 40);
    assert.deepEqual(wa, wb);
    const ids = (ws: Workspace[]) => ws.map((w) => w.WorkspaceId);
    assert.notDeepEqual(ids(wa), ids(wc));
    assert.equal(ids(wa).filter((id) => ids(wc).includes(id)).length, 0, "different seeds should not share IDs");
    // Created workspaces get deterministic IDs too.
    const create = (h: Harness) =>
      h.client.send(
        new CreateWorkspacesCommand({
          Workspaces: [{ DirectoryId: DIRECTORIES.eng, UserName: "seeded-new", BundleId: BUNDLES.STANDARD }],
        }),
      );
    const [ca, cb, cc] = [await create(a), await create(b), await create(c)];
    assert.equal(ca.PendingRequests![0]!.WorkspaceId, cb.PendingRequests![0]!.WorkspaceId);
    assert.notEqual(ca.PendingRequests![0]!.WorkspaceId, cc.PendingRequests![0]!.WorkspaceId);
  });
});

describe("/_emulator/stats and /_emulator/reset-stats", () => {
  const EMPTY = { requests: {}, partitions: {}, busiestSecond: {} };
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 5 });
  });
  after(() => h.close());

  /** The counts; the busiest second (timing, tested with the counter itself) only checked for its partitions. */
  const stats = async () => {
    const response = await fetch(`${h.emulator.url}/_emulator/stats`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    const { busiestSecond, ...counts } = (await response.json()) as EmulatorStats;
    assert.deepEqual(Object.keys(busiestSecond), Object.keys(counts.partitions));
    return { ...counts, busiestSecond: {} };
  };
  const reset = async () => {
    const response = await fetch(`${h.emulator.url}/_emulator/reset-stats`, { method: "POST" });
    assert.equal(response.status, 200);
    return response.json();
  };

  it("counts every request by operation, refused ones included, and reset zeroes it", async () => {
    assert.deepEqual(await reset(), EMPTY);
    assert.deepEqual(await stats(), EMPTY);
    await h.client.send(new DescribeWorkspacesCommand({}));
    await h.client.send(new DescribeWorkspacesCommand({ Limit: 2 }));
    await expectAwsError(h.client.send(new DescribeWorkspacesCommand({ Limit: 99 })), InvalidParameterValuesException);
    await h.client.send(new DescribeWorkspaceBundlesCommand({ Owner: "AMAZON" }));
    await h.client.send(
      new CreateWorkspacesCommand({ Workspaces: [{ DirectoryId: DIRECTORIES.corp, UserName: "stats", BundleId: BUNDLES.VALUE }] }),
    );
    await rawCall(h.emulator.url, "WorkspacesService.DescribeWorkspaceDirectories", "{ not json");
    await rawCall(h.emulator.url, "WorkspacesService.RebootWorkspaces", "{}");
    const requests = {
      DescribeWorkspaces: 3,
      DescribeWorkspaceBundles: 1,
      CreateWorkspaces: 1,
      DescribeWorkspaceDirectories: 1,
      RebootWorkspaces: 1,
    };
    // Every call was made with a key the emulator did not issue, in the first region: the default partition.
    const expected = { requests, partitions: { "123456789012/us-east-1": requests }, busiestSecond: {} };
    assert.deepEqual(await stats(), expected);
    // Reading the stats is not itself counted, and the in-process view agrees.
    assert.deepEqual(await stats(), expected);
    assert.deepEqual({ ...h.emulator.stats(), busiestSecond: {} }, expected);

    assert.deepEqual(await reset(), EMPTY);
    assert.deepEqual(await stats(), EMPTY);
    await h.client.send(new DescribeWorkspacesCommand({}));
    assert.deepEqual(await stats(), {
      requests: { DescribeWorkspaces: 1 },
      partitions: { "123456789012/us-east-1": { DescribeWorkspaces: 1 } },
      busiestSecond: {},
    });
    h.emulator.resetStats();
    assert.deepEqual(h.emulator.stats(), EMPTY);
  });

  it("keeps the busiest second of each partition: the most requests that arrived in one second of the clock", () => {
    const counter = new RequestCounter();
    const here = { account: "123456789012", region: "us-east-1" };
    const there = { account: "123456789012", region: "eu-west-1" };
    for (const at of [0, 100, 900, 950, 999, 1_000, 1_500, 2_001, 2_600, 2_999]) counter.countIn(here, "DescribeWorkspaces", at);
    counter.countIn(there, "DescribeWorkspaces", 50);
    // Second 0 holds five, second 1 two, second 2 three.
    assert.deepEqual(counter.snapshot().busiestSecond, { "123456789012/us-east-1": 5, "123456789012/eu-west-1": 1 });
    counter.reset();
    assert.deepEqual(counter.snapshot().busiestSecond, {});
  });

  it("stats() is a snapshot, not a live view", async () => {
    h.emulator.resetStats();
    const snapshot = h.emulator.stats();
    await h.client.send(new DescribeWorkspacesCommand({}));
    assert.deepEqual(snapshot, EMPTY);
    assert.deepEqual(h.emulator.stats().requests, { DescribeWorkspaces: 1 });
  });
});
