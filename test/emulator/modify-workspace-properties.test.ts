// ModifyWorkspaceProperties through the real SDK, driven by the fake clock. AWS's waits between modifications are off
// here (coolDownScale 0), so new WorkSpaces can be modified at once; cool-downs.test.ts covers them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Compute, Workspace, WorkspaceProperties } from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspacesCommand,
  InvalidParameterValuesException,
  InvalidResourceStateException,
  ModifyWorkspacePropertiesCommand,
  OperationInProgressException,
  paginateDescribeWorkspaces,
  ResourceNotFoundException,
  UnsupportedWorkspaceConfigurationException,
} from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, startHarness, UNKNOWN_WORKSPACE } from "./fixture.ts";

const PENDING_MS = 20_000;
const VISIBILITY_LAG_MS = 2_000;

let h: Harness;
let seeded: Workspace[];
before(async () => {
  h = await startHarness({ workspaces: 40, pendingMs: PENDING_MS, visibilityLagMs: VISIBILITY_LAG_MS, seed: 5, coolDownScale: 0 });
  seeded = [];
  for await (const page of paginateDescribeWorkspaces({ client: h.client }, {})) seeded.push(...page.Workspaces!);
});
after(() => h.close());

let users = 0;

/** Creates a workspace of `bundle` and lets it settle to AVAILABLE. */
async function available(bundle: string, properties?: WorkspaceProperties): Promise<string> {
  const result = await h.client.send(
    new CreateWorkspacesCommand({
      Workspaces: [{ DirectoryId: DIRECTORIES.corp, UserName: `modify-${++users}`, BundleId: bundle, WorkspaceProperties: properties }],
    }),
  );
  assert.deepEqual(result.FailedRequests, []);
  h.advance(PENDING_MS);
  return result.PendingRequests![0]!.WorkspaceId!;
}

const modify = (WorkspaceId: string, WorkspaceProperties: WorkspaceProperties) =>
  h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId, WorkspaceProperties }));

async function describeOne(id: string): Promise<Workspace> {
  const result = await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }));
  assert.equal(result.Workspaces!.length, 1);
  return result.Workspaces![0]!;
}

describe("ModifyWorkspaceProperties: which workspaces", () => {
  it("refuses an unknown WorkspaceId with ResourceNotFoundException", async () => {
    await expectAwsError(modify(UNKNOWN_WORKSPACE, { RunningMode: "AUTO_STOP" }), ResourceNotFoundException, new RegExp(UNKNOWN_WORKSPACE));
  });

  it("refuses a workspace not yet visible with ResourceNotFoundException, a PENDING one with InvalidResourceStateException", async () => {
    const result = await h.client.send(
      new CreateWorkspacesCommand({
        Workspaces: [{ DirectoryId: DIRECTORIES.eng, UserName: "modify-pending", BundleId: BUNDLES.VALUE }],
      }),
    );
    const id = result.PendingRequests![0]!.WorkspaceId!;
    await expectAwsError(modify(id, { ComputeTypeName: "STANDARD" }), ResourceNotFoundException);
    h.advance(VISIBILITY_LAG_MS);
    await expectAwsError(modify(id, { ComputeTypeName: "STANDARD" }), InvalidResourceStateException, /PENDING/);
    h.advance(PENDING_MS - VISIBILITY_LAG_MS);
    await modify(id, { ComputeTypeName: "STANDARD" });
    assert.equal((await describeOne(id)).State, "UPDATING");
  });

  it("modifies a STOPPED workspace, and refuses one in ERROR or SUSPENDED with InvalidResourceStateException", async () => {
    const stopped = seeded.find((w) => w.State === "STOPPED" && w.WorkspaceProperties!.RunningMode === "ALWAYS_ON");
    assert.ok(stopped, "the seed has no STOPPED ALWAYS_ON workspace");
    await modify(stopped.WorkspaceId!, { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 120 });
    const after = await describeOne(stopped.WorkspaceId!);
    assert.equal(after.State, "STOPPED");
    assert.equal(after.WorkspaceProperties!.RunningMode, "AUTO_STOP");
    assert.equal(after.WorkspaceProperties!.RunningModeAutoStopTimeoutInMinutes, 120);

    const unmodifiable = seeded.filter((w) => !["AVAILABLE", "STOPPED"].includes(w.State!));
    assert.ok(
      unmodifiable.some((w) => w.State === "ERROR"),
      "the seed has no ERROR workspace",
    );
    for (const w of unmodifiable) {
      await expectAwsError(modify(w.WorkspaceId!, { RunningMode: "ALWAYS_ON" }), InvalidResourceStateException, new RegExp(w.State!));
    }
  });
});

describe("ModifyWorkspaceProperties: a modification's lifecycle", () => {
  it("UPDATE_INITIATED, then UPDATE_IN_PROGRESS while UPDATING, then settles to the new compute type and AVAILABLE", async () => {
    const id = await available(BUNDLES.VALUE);
    const startedAt = h.clock.now;
    const result = await modify(id, { ComputeTypeName: "STANDARD" });
    assert.equal(result.$metadata.httpStatusCode, 200);

    let w = await describeOne(id);
    assert.equal(w.State, "UPDATING");
    assert.deepEqual(w.ModificationStates, [{ Resource: "COMPUTE_TYPE", State: "UPDATE_INITIATED" }]);
    assert.equal(w.WorkspaceProperties!.ComputeTypeName, "VALUE");

    await expectAwsError(modify(id, { ComputeTypeName: "PERFORMANCE" }), OperationInProgressException);
    await expectAwsError(modify(id, { RunningMode: "AUTO_STOP" }), OperationInProgressException);

    h.clock.now = startedAt + PENDING_MS / 2 - 1;
    assert.equal((await describeOne(id)).ModificationStates![0]!.State, "UPDATE_INITIATED");
    h.clock.now = startedAt + PENDING_MS / 2;
    w = await describeOne(id);
    assert.equal(w.State, "UPDATING");
    assert.deepEqual(w.ModificationStates, [{ Resource: "COMPUTE_TYPE", State: "UPDATE_IN_PROGRESS" }]);
    await expectAwsError(modify(id, { ComputeTypeName: "PERFORMANCE" }), OperationInProgressException);

    h.clock.now = startedAt + PENDING_MS - 1;
    assert.equal((await describeOne(id)).State, "UPDATING");
    h.clock.now = startedAt + PENDING_MS;
    w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual(w.ModificationStates, []);
    assert.equal(w.WorkspaceProperties!.ComputeTypeName, "STANDARD");

    // Settled, it can be modified again.
    await modify(id, { ComputeTypeName: "PERFORMANCE" });
    h.advance(PENDING_MS);
    assert.equal((await describeOne(id)).WorkspaceProperties!.ComputeTypeName, "PERFORMANCE");
  });

  it("the listing shows the same modification as WorkspaceIds does", async () => {
    const id = await available(BUNDLES.STANDARD);
    await modify(id, { UserVolumeSizeGib: 100 });
    const page = await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: DIRECTORIES.corp, UserName: `modify-${users}` }));
    assert.deepEqual(
      page.Workspaces!.map((w) => [w.WorkspaceId, w.State, w.ModificationStates]),
      [[id, "UPDATING", [{ Resource: "USER_VOLUME", State: "UPDATE_INITIATED" }]]],
    );
    h.advance(PENDING_MS);
  });

  it("refuses growing both volumes in one call (the admin guide: one, then the other), changing nothing", async () => {
    const id = await available(BUNDLES.VALUE);
    await expectAwsError(
      modify(id, { RootVolumeSizeGib: 175, UserVolumeSizeGib: 100 }),
      InvalidParameterValuesException,
      /cannot grow in the same call/,
    );
    assert.equal((await describeOne(id)).State, "AVAILABLE");
    // User first, then root: 80/10 to 80/100 to 175/100.
    await modify(id, { UserVolumeSizeGib: 100 });
    let w = await describeOne(id);
    assert.equal(w.State, "UPDATING");
    assert.deepEqual(w.ModificationStates, [{ Resource: "USER_VOLUME", State: "UPDATE_INITIATED" }]);
    h.advance(PENDING_MS);
    await modify(id, { RootVolumeSizeGib: 175, UserVolumeSizeGib: 100 });
    assert.deepEqual((await describeOne(id)).ModificationStates, [{ Resource: "ROOT_VOLUME", State: "UPDATE_INITIATED" }]);
    h.advance(PENDING_MS);
    w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual([w.WorkspaceProperties!.RootVolumeSizeGib, w.WorkspaceProperties!.UserVolumeSizeGib], [175, 100]);
    assert.equal(w.WorkspaceProperties!.ComputeTypeName, "VALUE");
  });

  it("a change to what the workspace already has starts no modification", async () => {
    const id = await available(BUNDLES.POWER);
    await modify(id, { ComputeTypeName: "POWER", RunningMode: "ALWAYS_ON" });
    const w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual(w.ModificationStates, []);
    await modify(id, { RootVolumeSizeGib: 175, UserVolumeSizeGib: 100 });
    assert.equal((await describeOne(id)).State, "AVAILABLE");
  });
});

describe("ModifyWorkspaceProperties: running mode", () => {
  it("switches to AUTO_STOP with a timeout at once, without a modification", async () => {
    const id = await available(BUNDLES.VALUE);
    await modify(id, { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 180 });
    const w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual(w.ModificationStates, []);
    assert.equal(w.WorkspaceProperties!.RunningMode, "AUTO_STOP");
    assert.equal(w.WorkspaceProperties!.RunningModeAutoStopTimeoutInMinutes, 180);
    // Then only the timeout, in 60-minute increments.
    await modify(id, { RunningModeAutoStopTimeoutInMinutes: 60 });
    assert.equal((await describeOne(id)).WorkspaceProperties!.RunningModeAutoStopTimeoutInMinutes, 60);
    await expectAwsError(modify(id, { RunningModeAutoStopTimeoutInMinutes: 45 }), InvalidParameterValuesException, /multiple of 60/);
    await expectAwsError(modify(id, { RunningModeAutoStopTimeoutInMinutes: 150 }), InvalidParameterValuesException, /multiple of 60/);
    assert.equal((await describeOne(id)).WorkspaceProperties!.RunningModeAutoStopTimeoutInMinutes, 60);
  });

  it("switches to AUTO_STOP without a timeout, getting the 60-minute default", async () => {
    const id = await available(BUNDLES.VALUE);
    await modify(id, { RunningMode: "AUTO_STOP" });
    const properties = (await describeOne(id)).WorkspaceProperties!;
    assert.equal(properties.RunningMode, "AUTO_STOP");
    assert.equal(properties.RunningModeAutoStopTimeoutInMinutes, 60);
  });

  it("refuses a timeout for an ALWAYS_ON workspace, and drops the timeout when switching to ALWAYS_ON", async () => {
    const id = await available(BUNDLES.VALUE);
    await expectAwsError(
      modify(id, { RunningModeAutoStopTimeoutInMinutes: 60 }),
      InvalidParameterValuesException,
      /only applies with RunningMode AUTO_STOP/,
    );
    assert.equal((await describeOne(id)).WorkspaceProperties!.RunningModeAutoStopTimeoutInMinutes, undefined);

    const autoStop = await available(BUNDLES.VALUE, { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 120 });
    await modify(autoStop, { RunningMode: "ALWAYS_ON" });
    const properties = (await describeOne(autoStop)).WorkspaceProperties!;
    assert.equal(properties.RunningMode, "ALWAYS_ON");
    assert.equal(properties.RunningModeAutoStopTimeoutInMinutes, undefined);
  });
});

describe("ModifyWorkspaceProperties: volumes", () => {
  it("refuses compute and volume in one call, changing nothing", async () => {
    const id = await available(BUNDLES.VALUE);
    await expectAwsError(
      modify(id, { ComputeTypeName: "STANDARD", UserVolumeSizeGib: 50 }),
      InvalidParameterValuesException,
      /ComputeTypeName and volume sizes cannot be changed in the same call/,
    );
    const w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual(w.WorkspaceProperties, {
      RunningMode: "ALWAYS_ON",
      RootVolumeSizeGib: 80,
      UserVolumeSizeGib: 10,
      ComputeTypeName: "VALUE",
      Protocols: ["PCOIP"],
      OperatingSystemName: "WINDOWS_SERVER_2019",
    });
  });

  it("never shrinks a volume", async () => {
    const id = await available(BUNDLES.POWER); // 175 / 100
    await expectAwsError(modify(id, { RootVolumeSizeGib: 80, UserVolumeSizeGib: 100 }), InvalidParameterValuesException, /can only grow/);
    await expectAwsError(modify(id, { UserVolumeSizeGib: 50 }), InvalidParameterValuesException, /can only grow/);
    await expectAwsError(modify(id, { RootVolumeSizeGib: 174 }), InvalidParameterValuesException, /can only grow/);
    assert.equal((await describeOne(id)).State, "AVAILABLE");
    // Grown to 500/500, it cannot go back to sizes that are themselves allowed.
    await modify(id, { RootVolumeSizeGib: 500 });
    h.advance(PENDING_MS);
    await modify(id, { UserVolumeSizeGib: 500 });
    h.advance(PENDING_MS);
    await expectAwsError(modify(id, { RootVolumeSizeGib: 400, UserVolumeSizeGib: 500 }), InvalidParameterValuesException, /can only grow/);
    await expectAwsError(modify(id, { UserVolumeSizeGib: 300 }), InvalidParameterValuesException, /can only grow/);
    const w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual([w.WorkspaceProperties!.RootVolumeSizeGib, w.WorkspaceProperties!.UserVolumeSizeGib], [500, 500]);
  });

  it("allows root 80 only with user 10, 50 or 100", async () => {
    const id = await available(BUNDLES.VALUE); // 80 / 10
    await expectAwsError(modify(id, { UserVolumeSizeGib: 20 }), InvalidParameterValuesException, /root and user volume sizes must be/);
    await expectAwsError(modify(id, { RootVolumeSizeGib: 100 }), InvalidParameterValuesException, /root and user volume sizes must be/);
    await expectAwsError(modify(id, { RootVolumeSizeGib: 175 }), InvalidParameterValuesException, /root and user volume sizes must be/);
    await modify(id, { UserVolumeSizeGib: 50 });
    h.advance(PENDING_MS);
    await modify(id, { UserVolumeSizeGib: 100 });
    h.advance(PENDING_MS);
    const w = await describeOne(id);
    assert.deepEqual([w.WorkspaceProperties!.RootVolumeSizeGib, w.WorkspaceProperties!.UserVolumeSizeGib], [80, 100]);
    // 80/100 may grow to the large range, root first.
    await modify(id, { RootVolumeSizeGib: 175 });
    h.advance(PENDING_MS);
    assert.equal((await describeOne(id)).WorkspaceProperties!.RootVolumeSizeGib, 175);
  });

  it("allows root 175 to 2000 with user 100 to 2000", async () => {
    const id = await available(BUNDLES.POWERPRO); // 175 / 100
    await expectAwsError(modify(id, { RootVolumeSizeGib: 2001 }), InvalidParameterValuesException, /root and user volume sizes must be/);
    await expectAwsError(modify(id, { UserVolumeSizeGib: 2001 }), InvalidParameterValuesException, /root and user volume sizes must be/);
    await modify(id, { RootVolumeSizeGib: 2000 });
    h.advance(PENDING_MS);
    await modify(id, { UserVolumeSizeGib: 2000 });
    h.advance(PENDING_MS);
    const w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual([w.WorkspaceProperties!.RootVolumeSizeGib, w.WorkspaceProperties!.UserVolumeSizeGib], [2000, 2000]);
  });
});

describe("ModifyWorkspaceProperties: compute types", () => {
  it("POWER to POWERPRO works", async () => {
    const id = await available(BUNDLES.POWER);
    await modify(id, { ComputeTypeName: "POWERPRO" });
    assert.deepEqual((await describeOne(id)).ModificationStates, [{ Resource: "COMPUTE_TYPE", State: "UPDATE_INITIATED" }]);
    h.advance(PENDING_MS);
    const w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.equal(w.WorkspaceProperties!.ComputeTypeName, "POWERPRO");
  });

  const refusals: [string, string, Compute][] = [
    ["GRAPHICS", BUNDLES.GRAPHICS, "VALUE"],
    ["GRAPHICS", BUNDLES.GRAPHICS, "GRAPHICSPRO"],
    ["GRAPHICSPRO", BUNDLES.GRAPHICSPRO, "POWERPRO"],
    ["GRAPHICSPRO", BUNDLES.ACCOUNT_GRAPHICSPRO, "GRAPHICS"],
    ["VALUE", BUNDLES.VALUE, "GRAPHICS"],
    ["POWERPRO", BUNDLES.POWERPRO, "GRAPHICSPRO"],
  ];
  for (const [from, bundle, to] of refusals) {
    it(`refuses ${from} to ${to} with UnsupportedWorkspaceConfigurationException`, async () => {
      const id = await available(bundle);
      await expectAwsError(modify(id, { ComputeTypeName: to }), UnsupportedWorkspaceConfigurationException, new RegExp(`${from} to ${to}`));
      const w = await describeOne(id);
      assert.equal(w.State, "AVAILABLE");
      assert.equal(w.WorkspaceProperties!.ComputeTypeName, from);
    });
  }

  it("a refused compute change applies no part of the call", async () => {
    const id = await available(BUNDLES.GRAPHICS);
    await expectAwsError(
      modify(id, { ComputeTypeName: "VALUE", RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 60 }),
      UnsupportedWorkspaceConfigurationException,
    );
    assert.equal((await describeOne(id)).WorkspaceProperties!.RunningMode, "ALWAYS_ON");
  });
});
