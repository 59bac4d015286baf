// Subscribing and disconnecting 1,000 times leaves nothing behind: no subscription, watched ID, timer or heap
// growth beyond the noise of a garbage-collected runtime.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { TestGateway } from "../gateway/fixture.ts";
import { startTestGateway } from "../gateway/fixture.ts";
import type { WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables } from "../generated/graphql.ts";
import { WorkspaceStateChangedDocument } from "../generated/graphql.ts";
import { SeededPool } from "../mutations/helpers.ts";
import { SseSubscription } from "../support/sse.ts";
import { eventually, TIMEOUT_MS } from "./helpers.ts";

const CYCLES = 1_000;
const CONCURRENCY = 10;
/** Runs grow the heap by up to 2 MiB of noise; a subscription kept with its request holds about 24 KiB. */
const HEAP_GROWTH_LIMIT = 8 * 1024 * 1024;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function settledHeap(): number {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
}

const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

describe("1,000 subscribe/unsubscribe cycles", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  let ids: [string, string];

  before(async () => {
    gateway = await startTestGateway({ workspaces: 60 }, { watchPollMs: 60_000 });
    const pool = await SeededPool.load(gateway.client);
    ids = [pool.take().WorkspaceId!, pool.take().WorkspaceId!];
  });
  after(() => gateway.close());

  /** Subscribes to one ID watched all along and one watched only while this cycle lasts, reads both, disconnects. */
  async function cycles(count: number) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = 0; i < count / CONCURRENCY; i++) {
          const subscription = await SseSubscription.open<WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables>(
            gateway.url,
            WorkspaceStateChangedDocument,
            { workspaceIds: ids },
          );
          await subscription.nextData();
          await subscription.nextData();
          subscription.close();
        }
      }),
    );
    await eventually(() => gateway.watch.status.subscriptions === 1, "every disconnect seen");
  }

  it("return the watch, the timers and the heap to their baseline", async () => {
    const anchor = await SseSubscription.open<WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables>(
      gateway.url,
      WorkspaceStateChangedDocument,
      { workspaceIds: [ids[0]] },
    );
    await anchor.nextData();
    await cycles(100);
    const baseline = { heap: settledHeap(), timers: timers(), status: gateway.watch.status };
    assert.deepEqual(baseline.status, { subscriptions: 1, workspaces: 1, polling: true });

    await cycles(CYCLES);
    assert.deepEqual(gateway.watch.status, baseline.status);
    assert.equal(timers(), baseline.timers);
    const growth = settledHeap() - baseline.heap;
    assert.ok(growth < HEAP_GROWTH_LIMIT, `the heap grew by ${Math.round(growth / 1024)} KiB over ${CYCLES} cycles`);
    anchor.close();
  });
});
