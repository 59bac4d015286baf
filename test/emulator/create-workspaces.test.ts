// CreateWorkspaces through the real SDK: FailedRequests item by item, and a new workspace's lifecycle on the fake clock.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { CreateWorkspacesCommandOutput, Workspace, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import { CreateWorkspacesCommand, DescribeWorkspacesCommand } from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, startHarness, UNKNOWN_BUNDLE, UNKNOWN_DIRECTORY } from "./fixture.ts";

const PENDING_MS = 10_000;
const VISIBILITY_LAG_MS = 1_000;

let h: Harness;
before(async () => {
  h = await startHarness({ workspaces: 0, pendingMs: PENDING_MS, visibilityLagMs: VISIBILITY_LAG_MS, seed: 3 });
});
after(() => h.close());

const request = (UserName: string, overrides: Partial<WorkspaceRequest> = {}): WorkspaceRequest => ({
  DirectoryId: DIRECTORIES.corp,
  UserName,
  BundleId: BUNDLES.VALUE,
  ...overrides,
});

const create = (...Workspaces: WorkspaceRequest[]) => h.client.send(new CreateWorkspacesCommand({ Workspaces }));

const byId = async (id: string) => (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }))).Workspaces!;

/** The created WorkSpaces as DescribeWorkspaces shows them, once visible: PendingRequests carry only a few members. */
async function described(result: CreateWorkspacesCommandOutput): Promise<Workspace[]> {
  h.advance(VISIBILITY_LAG_MS);
  const ids = result.PendingRequests!.map((w) => w.WorkspaceId!);
  const found = (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: ids }))).Workspaces!;
  return ids.map((id) => found.find((w) => w.WorkspaceId === id)!);
}

describe("CreateWorkspaces: FailedRequests", () => {
  it("answers each refused item with its request echoed and AWS's error code, in order, and creates the rest", async () => {
    await create(request("already"));
    const items: WorkspaceRequest[] = [
      request("ok-value", { Tags: [{ Key: "team", Value: "blue" }] }),
      request("no-dir", { DirectoryId: UNKNOWN_DIRECTORY }),
      request("no-bundle", { BundleId: UNKNOWN_BUNDLE }),
      request("already"),
      request("auto-stop-always-on", { WorkspaceProperties: { RunningMode: "ALWAYS_ON", RunningModeAutoStopTimeoutInMinutes: 60 } }),
      request("no-key", { RootVolumeEncryptionEnabled: true }),
      request("ok-value"),
      request("ok-graphicspro", { BundleId: BUNDLES.GRAPHICSPRO }),
      request("ok-powerpro", { BundleId: BUNDLES.POWERPRO }),
      request("no-key-user", { UserVolumeEncryptionEnabled: true, VolumeEncryptionKey: "" }),
    ];
    const result = await create(...items);
    assert.deepEqual(
      result.FailedRequests!.map((f) => [f.WorkspaceRequest, f.ErrorCode]),
      [
        [items[1], "ResourceNotFound.Directory"],
        [items[2], "ResourceNotFound.Bundle"],
        [items[3], "ResourceExists.Workspace"],
        [items[4], "AutoStopTimeoutIsNotApplicableForAnAlwaysOnWorkspace"],
        [items[5], "InvalidParameterValues.VolumeEncryptionKey"],
        [items[6], "ResourceExists.Workspace"],
        [items[9], "InvalidParameterValues.VolumeEncryptionKey"],
      ],
    );
    for (const failure of result.FailedRequests!) {
      assert.equal(typeof failure.ErrorMessage, "string");
      assert.ok(failure.ErrorMessage!.length > 0);
    }
    assert.match(result.FailedRequests![0]!.ErrorMessage!, new RegExp(UNKNOWN_DIRECTORY));
    assert.match(result.FailedRequests![1]!.ErrorMessage!, new RegExp(UNKNOWN_BUNDLE));
    assert.deepEqual(
      (await described(result)).map((w) => [w.UserName, w.BundleId, w.WorkspaceProperties!.ComputeTypeName, w.State]),
      [
        ["ok-value", BUNDLES.VALUE, "VALUE", "PENDING"],
        ["ok-graphicspro", BUNDLES.GRAPHICSPRO, "GRAPHICSPRO", "PENDING"],
        ["ok-powerpro", BUNDLES.POWERPRO, "POWERPRO", "PENDING"],
      ],
    );
  });

  it("refuses a user's second workspace with the same bundle and directory, also twice in one call, in any case", async () => {
    const first = await create(request("Dup-User"), request("dup-user"), request("DUP-USER", { BundleId: BUNDLES.STANDARD }));
    assert.deepEqual(
      first.PendingRequests!.map((w) => [w.UserName, w.BundleId]),
      [
        ["Dup-User", BUNDLES.VALUE],
        ["DUP-USER", BUNDLES.STANDARD],
      ],
    );
    assert.deepEqual(
      first.FailedRequests!.map((f) => [f.WorkspaceRequest!.UserName, f.ErrorCode]),
      [["dup-user", "ResourceExists.Workspace"]],
    );
    // Still invisible to DescribeWorkspaces, yet already taken.
    const again = await create(request("dup-user"));
    assert.deepEqual(
      again.FailedRequests!.map((f) => f.ErrorCode),
      ["ResourceExists.Workspace"],
    );
    assert.match(again.FailedRequests![0]!.ErrorMessage!, /already has a WorkSpace/);
    // The same user may have the same bundle in another directory.
    const elsewhere = await create(request("dup-user", { DirectoryId: DIRECTORIES.eng }));
    assert.deepEqual(elsewhere.FailedRequests, []);
    assert.equal(elsewhere.PendingRequests![0]!.DirectoryId, DIRECTORIES.eng);
  });

  it("refuses an auto-stop timeout without RunningMode, since a workspace is ALWAYS_ON unless told", async () => {
    const result = await create(request("timeout-only", { WorkspaceProperties: { RunningModeAutoStopTimeoutInMinutes: 120 } }));
    assert.deepEqual(
      result.FailedRequests!.map((f) => f.ErrorCode),
      ["AutoStopTimeoutIsNotApplicableForAnAlwaysOnWorkspace"],
    );
    assert.deepEqual(result.PendingRequests, []);
  });

  it("refuses an auto-stop timeout that is not a multiple of 60 minutes, or given with MANUAL", async () => {
    const items = [
      request("timeout-90", { WorkspaceProperties: { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 90 } }),
      request("timeout-manual", { WorkspaceProperties: { RunningMode: "MANUAL", RunningModeAutoStopTimeoutInMinutes: 60 } }),
    ];
    const result = await create(...items);
    assert.deepEqual(
      result.FailedRequests!.map((f) => [f.WorkspaceRequest, f.ErrorCode]),
      [
        [items[0], "InvalidParameterValuesException"],
        [items[1], "InvalidParameterValuesException"],
      ],
    );
    assert.match(result.FailedRequests![0]!.ErrorMessage!, /multiple of 60/);
  });
});

describe("CreateWorkspaces: the workspace created", () => {
  it("answers every member, from the request and the bundle", async () => {
    const result = await create(
      request("full-members", {
        BundleId: BUNDLES.POWER,
        DirectoryId: DIRECTORIES.eng,
        VolumeEncryptionKey: "arn:aws:kms:us-east-1:123456789012:key/abcd",
        RootVolumeEncryptionEnabled: true,
        UserVolumeEncryptionEnabled: true,
        WorkspaceProperties: { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 180 },
      }),
    );
    assert.deepEqual(result.FailedRequests, []);
    // AWS answers only what identifies the new WorkSpace, PENDING.
    assert.deepEqual(Object.keys(result.PendingRequests![0]!).sort(), ["BundleId", "DirectoryId", "State", "UserName", "WorkspaceId"]);
    const [w] = (await described(result)) as [Workspace];
    assert.match(w.WorkspaceId!, /^ws-[0-9a-z]{9}$/);
    assert.equal(w.DirectoryId, DIRECTORIES.eng);
    assert.equal(w.UserName, "full-members");
    assert.equal(w.BundleId, BUNDLES.POWER);
    assert.equal(w.State, "PENDING");
    assert.match(w.IpAddress!, /^10\.\d+\.\d+\.\d+$/);
    assert.match(w.SubnetId!, /^subnet-0f1e2d3c4b5a6000[34]$/);
    assert.match(w.ComputerName!, /^WSAMZN-[0-9A-Z]{8}$/);
    assert.equal(w.VolumeEncryptionKey, "arn:aws:kms:us-east-1:123456789012:key/abcd");
    assert.equal(w.RootVolumeEncryptionEnabled, true);
    assert.equal(w.UserVolumeEncryptionEnabled, true);
    assert.deepEqual(w.WorkspaceProperties, {
      RunningMode: "AUTO_STOP",
      RunningModeAutoStopTimeoutInMinutes: 180,
      RootVolumeSizeGib: 175,
      UserVolumeSizeGib: 100,
      ComputeTypeName: "POWER",
      Protocols: ["PCOIP"],
      OperatingSystemName: "WINDOWS_SERVER_2019",
    });
    assert.deepEqual(w.ModificationStates, []);
  });

  it("defaults to ALWAYS_ON, and to a 60-minute timeout for AUTO_STOP", async () => {
    const result = await create(
      request("defaults-always-on"),
      request("defaults-auto-stop", { WorkspaceProperties: { RunningMode: "AUTO_STOP" } }),
    );
    const [alwaysOn, autoStop] = await described(result);
    assert.deepEqual(alwaysOn!.WorkspaceProperties, {
      RunningMode: "ALWAYS_ON",
      RootVolumeSizeGib: 80,
      UserVolumeSizeGib: 10,
      ComputeTypeName: "VALUE",
      Protocols: ["PCOIP"],
      OperatingSystemName: "WINDOWS_SERVER_2019",
    });
    assert.equal(alwaysOn!.RootVolumeEncryptionEnabled, false);
    assert.equal(alwaysOn!.UserVolumeEncryptionEnabled, false);
    assert.equal(alwaysOn!.VolumeEncryptionKey, undefined);
    assert.deepEqual(autoStop!.WorkspaceProperties, {
      RunningMode: "AUTO_STOP",
      RunningModeAutoStopTimeoutInMinutes: 60,
      RootVolumeSizeGib: 80,
      UserVolumeSizeGib: 10,
      ComputeTypeName: "VALUE",
      Protocols: ["PCOIP"],
      OperatingSystemName: "WINDOWS_SERVER_2019",
    });
  });

  it("creates GRAPHICSPRO and POWERPRO workspaces from the account's bundles too", async () => {
    const result = await create(
      request("acct-gpro", { BundleId: BUNDLES.ACCOUNT_GRAPHICSPRO }),
      request("acct-ppro", { BundleId: BUNDLES.ACCOUNT_POWERPRO }),
    );
    assert.deepEqual(result.FailedRequests, []);
    assert.deepEqual(
      (await described(result)).map((w) => [w.WorkspaceProperties!.ComputeTypeName, w.WorkspaceProperties!.RootVolumeSizeGib]),
      [
        ["GRAPHICSPRO", 100],
        ["POWERPRO", 175],
      ],
    );
  });

  it("gives every workspace its own ID, IP address and computer name", async () => {
    const result = await create(...Array.from({ length: 25 }, (_, i) => request(`unique-${i}`, { DirectoryId: DIRECTORIES.eng })));
    const workspaces = await described(result);
    for (const member of ["WorkspaceId", "IpAddress", "ComputerName"] as const) {
      assert.equal(new Set(workspaces.map((w) => w[member])).size, 25, member);
    }
  });
});

describe("CreateWorkspaces: lifecycle on the clock", () => {
  it("PENDING and invisible until the visibility lag passes, then PENDING, then AVAILABLE after pendingMs", async () => {
    const createdAt = h.clock.now;
    const result = await create(request("lifecycle", { DirectoryId: DIRECTORIES.eng, BundleId: BUNDLES.PERFORMANCE }));
    const id = result.PendingRequests![0]!.WorkspaceId!;
    assert.equal(result.PendingRequests![0]!.State, "PENDING");
    const listed = async () => {
      const page = await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: DIRECTORIES.eng, UserName: "lifecycle" }));
      return page.Workspaces!.map((w) => [w.WorkspaceId, w.State]);
    };

    assert.deepEqual(await byId(id), []);
    assert.deepEqual(await listed(), []);
    h.clock.now = createdAt + VISIBILITY_LAG_MS - 1;
    assert.deepEqual(await byId(id), []);
    assert.deepEqual(await listed(), []);

    h.clock.now = createdAt + VISIBILITY_LAG_MS;
    assert.deepEqual(
      (await byId(id)).map((w) => w.State),
      ["PENDING"],
    );
    assert.deepEqual(await listed(), [[id, "PENDING"]]);

    h.clock.now = createdAt + PENDING_MS - 1;
    assert.deepEqual(await listed(), [[id, "PENDING"]]);

    h.clock.now = createdAt + PENDING_MS;
    const [available] = await byId(id);
    assert.equal(available!.State, "AVAILABLE");
    assert.deepEqual(available!.ModificationStates, []);
    assert.deepEqual(await listed(), [[id, "AVAILABLE"]]);
  });

  it("a new workspace shows up at the end of the unfiltered listing once visible", async () => {
    const result = await create(request("listing-end", { BundleId: BUNDLES.GRAPHICS }));
    const id = result.PendingRequests![0]!.WorkspaceId!;
    const everything = async () => {
      const all: string[] = [];
      let token: string | undefined;
      do {
        const page = await h.client.send(new DescribeWorkspacesCommand({ NextToken: token }));
        all.push(...page.Workspaces!.map((w) => w.WorkspaceId!));
        token = page.NextToken;
      } while (token);
      return all;
    };
    assert.ok(!(await everything()).includes(id));
    h.advance(VISIBILITY_LAG_MS);
    assert.equal((await everything()).at(-1), id);
    const byBundle = await h.client.send(new DescribeWorkspacesCommand({ BundleId: BUNDLES.GRAPHICS }));
    assert.ok(byBundle.Workspaces!.some((w) => w.WorkspaceId === id));
  });
});
