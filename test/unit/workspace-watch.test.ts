import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Fleet, Partition, qualifiedId } from "../../src/aws/fleet.ts";
import { Upstream } from "../../src/aws/upstream.ts";
import type { WorkspaceShape } from "../../src/aws/workspaces.ts";
import { WorkspaceWatch, watchedFingerprint } from "../../src/watch/workspace-watch.ts";

const HOME = { accountId: "123456789012", region: "us-east-1" };

const workspace: WorkspaceShape = {
  partition: HOME,
  workspaceId: "ws-abcdefgh1",
  state: "AVAILABLE",
  ipAddress: "10.0.0.1",
  modificationStates: [],
  workspaceProperties: { runningMode: "ALWAYS_ON", computeTypeName: "POWER", rootVolumeSizeGib: 175, userVolumeSizeGib: 100 },
};

describe("watchedFingerprint", () => {
  it("is the same whatever order AWS sent the members in", () => {
    const reordered: WorkspaceShape = {
      workspaceProperties: { userVolumeSizeGib: 100, rootVolumeSizeGib: 175, computeTypeName: "POWER", runningMode: "ALWAYS_ON" },
      modificationStates: [],
      state: "AVAILABLE",
      workspaceId: "ws-abcdefgh1",
      partition: HOME,
    };
    assert.equal(watchedFingerprint(reordered), watchedFingerprint(workspace));
  });

  it("ignores fields subscribers are not told about, and absent modification states", () => {
    const { modificationStates: _, ...withoutModifications } = workspace;
    assert.equal(watchedFingerprint({ ...workspace, ipAddress: "10.0.0.2", errorMessage: "x" }), watchedFingerprint(workspace));
    assert.equal(watchedFingerprint(withoutModifications), watchedFingerprint(workspace));
    assert.equal(
      watchedFingerprint({
        ...workspace,
        workspaceProperties: { ...workspace.workspaceProperties, runningModeAutoStopTimeoutInMinutes: undefined },
      }),
      watchedFingerprint(workspace),
    );
  });

  it("changes with the state, a modification state or a property", () => {
    const fingerprints = (
      [
        workspace,
        { ...workspace, state: "UPDATING" },
        { ...workspace, state: "UPDATING", modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }] },
        { ...workspace, state: "UPDATING", modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_IN_PROGRESS" }] },
        { ...workspace, workspaceProperties: { ...workspace.workspaceProperties, computeTypeName: "POWERPRO" } },
        {
          ...workspace,
          workspaceProperties: { ...workspace.workspaceProperties, runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 60 },
        },
      ] as WorkspaceShape[]
    ).map(watchedFingerprint);
    assert.equal(new Set(fingerprints).size, fingerprints.length);
  });
});

describe("the poll interval", () => {
  /** A watch of `count` IDs on an upstream whose budget is `rate` calls a second, polling's share a fifth; no tick runs. */
  function watching(count: number, rate: number) {
    const upstream = new Upstream(
      { region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } },
      { maxAttempts: 1, rateLimit: rate, pollShare: 0.2 },
    );
    const fleet = new Fleet([new Partition(HOME.accountId, HOME.region, upstream, null)]);
    const watch = new WorkspaceWatch(fleet, { intervalMs: 5_000, schedule: () => () => {} });
    const ids = Array.from({ length: count }, (_, i) => qualifiedId(HOME, `ws-${String(i).padStart(9, "0")}`));
    for (let start = 0; start < ids.length; start += 100) watch.watch(ids.slice(start, start + 100), () => {});
    const close = () => {
      watch.close();
      fleet.destroy();
    };
    return { watch, close };
  }

  it("is WATCH_POLL_MS while a tick's calls fit polling's share of the budget", () => {
    const { watch, close } = watching(1_000, 50);
    // 40 calls a tick; polling's share is 10 calls a second: 4 s, under the 5 s configured.
    assert.equal(watch.intervalMs(), 5_000);
    close();
  });

  it("stretches to fit polling's share when many IDs are watched, rather than taking the others' share", () => {
    const { watch, close } = watching(10_000, 50);
    // 400 calls a tick at 10 calls a second.
    assert.equal(watch.intervalMs(), 40_000);
    close();
  });

  it("is WATCH_POLL_MS whatever is watched when the budget is unlimited", () => {
    const { watch, close } = watching(10_000, 0);
    assert.equal(watch.intervalMs(), 5_000);
    close();
  });
});
