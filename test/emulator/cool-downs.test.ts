// AWS's waits between modifications (admin guide, "Modify a WorkSpace"), on by default, on the fake clock.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { WorkspaceProperties } from "@aws-sdk/client-workspaces";
import { CreateWorkspacesCommand, InvalidResourceStateException, ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import { checkModificationWaits } from "../../src/constraints.ts";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, startHarness } from "./fixture.ts";

const PENDING_MS = 10_000;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

let users = 0;
async function launch(h: Harness, bundle: string): Promise<string> {
  const result = await h.client.send(
    new CreateWorkspacesCommand({ Workspaces: [{ DirectoryId: DIRECTORIES.corp, UserName: `wait-${++users}`, BundleId: bundle }] }),
  );
  h.advance(PENDING_MS);
  return result.PendingRequests![0]!.WorkspaceId!;
}

const modify = (h: Harness, WorkspaceId: string, WorkspaceProperties: WorkspaceProperties) =>
  h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId, WorkspaceProperties }));

describe("cool-downs, as AWS", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 0, pendingMs: PENDING_MS });
  });
  after(() => h.close());

  it("no volume growth and no larger compute type in a WorkSpace's first 6 hours; a smaller one at once", async () => {
    const id = await launch(h, BUNDLES.STANDARD);
    await expectAwsError(modify(h, id, { UserVolumeSizeGib: 100 }), InvalidResourceStateException, /first 6 hours; try again in 6 hours/);
    await expectAwsError(modify(h, id, { ComputeTypeName: "POWER" }), InvalidResourceStateException, /first 6 hours/);
    await modify(h, id, { ComputeTypeName: "VALUE" });
    h.advance(6 * HOUR);
    await modify(h, id, { UserVolumeSizeGib: 100 });
  });

  it("volumes grow once in 6 hours", async () => {
    const id = await launch(h, BUNDLES.VALUE);
    h.advance(6 * HOUR);
    await modify(h, id, { UserVolumeSizeGib: 100 });
    const grownAt = h.clock.now;
    h.advance(PENDING_MS);
    await expectAwsError(
      modify(h, id, { RootVolumeSizeGib: 175 }),
      InvalidResourceStateException,
      /volumes of a WorkSpace can grow once in 6 hours/,
    );
    // The running mode is no volume: it changes at once.
    await modify(h, id, { RunningMode: "AUTO_STOP" });
    h.clock.now = grownAt + 6 * HOUR - 1;
    await expectAwsError(modify(h, id, { RootVolumeSizeGib: 175 }), InvalidResourceStateException, /try again in 1 hour$/);
    h.clock.now = grownAt + 6 * HOUR;
    await modify(h, id, { RootVolumeSizeGib: 175 });
  });

  it("a larger compute type once in 6 hours, a smaller one once in 30 days", async () => {
    const id = await launch(h, BUNDLES.VALUE);
    h.advance(6 * HOUR);
    await modify(h, id, { ComputeTypeName: "STANDARD" });
    h.advance(PENDING_MS);
    await expectAwsError(modify(h, id, { ComputeTypeName: "POWER" }), InvalidResourceStateException, /larger compute type once in 6 hours/);
    await modify(h, id, { ComputeTypeName: "VALUE" });
    h.advance(6 * HOUR);
    await modify(h, id, { ComputeTypeName: "PERFORMANCE" });
    h.advance(PENDING_MS);
    await expectAwsError(
      modify(h, id, { ComputeTypeName: "VALUE" }),
      InvalidResourceStateException,
      /smaller compute type once in 30 days/,
    );
    h.advance(30 * DAY);
    await modify(h, id, { ComputeTypeName: "VALUE" });
  });
});

describe("cool-downs, scaled", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 0, pendingMs: PENDING_MS, coolDownScale: 0.001 });
  });
  after(() => h.close());

  it("coolDownScale 0.001 turns 6 hours into 21.6 seconds", async () => {
    const id = await launch(h, BUNDLES.STANDARD);
    await expectAwsError(modify(h, id, { UserVolumeSizeGib: 100 }), InvalidResourceStateException);
    h.advance(0.001 * 6 * HOUR);
    await modify(h, id, { UserVolumeSizeGib: 100 });
  });

  it("the pure rule: 0 turns every wait off; seeded WorkSpaces (launched long ago) wait for nothing", () => {
    const current = { RootVolumeSizeGib: 80, UserVolumeSizeGib: 10, ComputeTypeName: "VALUE" } as const;
    const now = Date.UTC(2025, 0, 1);
    assert.deepEqual(checkModificationWaits(current, { UserVolumeSizeGib: 50 }, { createdAt: now }, now, 0), []);
    assert.equal(checkModificationWaits(current, { UserVolumeSizeGib: 50 }, { createdAt: now }, now).length, 1);
    assert.deepEqual(checkModificationWaits(current, { ComputeTypeName: "POWER" }, { createdAt: -Infinity }, now), []);
    assert.equal(
      checkModificationWaits(current, { ComputeTypeName: "POWER" }, { createdAt: now }, now)[0]!.code,
      "InvalidResourceStateException",
    );
  });
});
