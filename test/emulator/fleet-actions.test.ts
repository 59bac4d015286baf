// Start, Stop, Reboot, Rebuild, Restore and Terminate through the real SDK: the states each accepts, its lifecycle
// on the fake clock, FailedRequests item by item, and DescribeWorkspacesConnectionStatus along the way.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspacesCommand,
  DescribeWorkspacesConnectionStatusCommand,
  InvalidParameterValuesException,
  ModifyWorkspacePropertiesCommand,
  OperationNotSupportedException,
  paginateDescribeWorkspaces,
  RebootWorkspacesCommand,
  RebuildWorkspacesCommand,
  ResourceNotFoundException,
  RestoreWorkspaceCommand,
  StartWorkspacesCommand,
  StopWorkspacesCommand,
  TerminateWorkspacesCommand,
} from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, startHarness, UNKNOWN_WORKSPACE } from "./fixture.ts";

const PENDING_MS = 10_000;

let h: Harness;
let seeded: Workspace[];
before(async () => {
  h = await startHarness({ workspaces: 60, pendingMs: PENDING_MS, visibilityLagMs: 0, seed: 1 });
  seeded = [];
  for await (const page of paginateDescribeWorkspaces({ client: h.client }, {})) seeded.push(...page.Workspaces!);
});
after(() => h.close());

const ids = (...workspaces: (Workspace | string)[]) => workspaces.map((w) => ({ WorkspaceId: typeof w === "string" ? w : w.WorkspaceId! }));

async function stateOf(id: string): Promise<string | undefined> {
  const result = await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }));
  return result.Workspaces![0]?.State;
}

let taken = new Set<string>();
/** A seeded WorkSpace no other test has used, in `state` and, if given, `runningMode`. */
function take(state: string, runningMode?: string): Workspace {
  const found = seeded.find(
    (w) =>
      !taken.has(w.WorkspaceId!) && w.State === state && (runningMode === undefined || w.WorkspaceProperties!.RunningMode === runningMode),
  );
  assert.ok(found, `the seed has no more ${state} ${runningMode ?? ""} WorkSpaces`);
  taken = new Set([...taken, found.WorkspaceId!]);
  return found;
}

let users = 0;
async function created(runningMode = "AUTO_STOP"): Promise<string> {
  const result = await h.client.send(
    new CreateWorkspacesCommand({
      Workspaces: [
        {
          DirectoryId: DIRECTORIES.eng,
          UserName: `action-${++users}`,
          BundleId: BUNDLES.STANDARD,
          WorkspaceProperties: { RunningMode: runningMode as never },
        },
      ],
    }),
  );
  h.advance(PENDING_MS);
  return result.PendingRequests![0]!.WorkspaceId!;
}

describe("StopWorkspaces and StartWorkspaces", () => {
  it("stops an AUTO_STOP WorkSpace through STOPPING, then starts it through STARTING", async () => {
    const w = take("AVAILABLE", "AUTO_STOP");
    const stop = await h.client.send(new StopWorkspacesCommand({ StopWorkspaceRequests: ids(w) }));
    assert.deepEqual(stop.FailedRequests, []);
    const stoppedAt = h.clock.now;
    assert.equal(await stateOf(w.WorkspaceId!), "STOPPING");
    h.clock.now = stoppedAt + PENDING_MS - 1;
    assert.equal(await stateOf(w.WorkspaceId!), "STOPPING");
    h.clock.now = stoppedAt + PENDING_MS;
    assert.equal(await stateOf(w.WorkspaceId!), "STOPPED");

    const start = await h.client.send(new StartWorkspacesCommand({ StartWorkspaceRequests: ids(w) }));
    assert.deepEqual(start.FailedRequests, []);
    assert.equal(await stateOf(w.WorkspaceId!), "STARTING");
    h.advance(PENDING_MS);
    assert.equal(await stateOf(w.WorkspaceId!), "AVAILABLE");
  });

  it("stops a MANUAL WorkSpace, and one in IMPAIRED, UNHEALTHY or ERROR", async () => {
    const manual = await created("MANUAL");
    const troubled = ["IMPAIRED", "UNHEALTHY", "ERROR"].map((state) => take(state, "AUTO_STOP"));
    const result = await h.client.send(new StopWorkspacesCommand({ StopWorkspaceRequests: ids(manual, ...troubled) }));
    assert.deepEqual(result.FailedRequests, []);
    h.advance(PENDING_MS);
    for (const id of [manual, ...troubled.map((w) => w.WorkspaceId!)]) assert.equal(await stateOf(id), "STOPPED");
    // Stopped from ERROR, it no longer carries the error.
    const [error] = (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [troubled[2]!.WorkspaceId!] }))).Workspaces!;
    assert.equal(error!.ErrorCode, undefined);
  });

  it("answers FailedRequests item by item, in order, and acts on the rest", async () => {
    const alwaysOn = take("AVAILABLE", "ALWAYS_ON");
    const stopped = take("STOPPED", "AUTO_STOP");
    const ok = take("AVAILABLE", "AUTO_STOP");
    const result = await h.client.send(new StopWorkspacesCommand({ StopWorkspaceRequests: ids(alwaysOn, UNKNOWN_WORKSPACE, stopped, ok) }));
    assert.deepEqual(
      result.FailedRequests!.map((f) => [f.WorkspaceId, f.ErrorCode]),
      [
        [alwaysOn.WorkspaceId, "OperationNotSupportedException"],
        [UNKNOWN_WORKSPACE, "ResourceNotFoundException"],
        [stopped.WorkspaceId, "InvalidResourceStateException"],
      ],
    );
    assert.match(result.FailedRequests![0]!.ErrorMessage!, /running mode ALWAYS_ON cannot be stopped/);
    assert.match(result.FailedRequests![2]!.ErrorMessage!, /state STOPPED/);
    assert.equal(await stateOf(ok.WorkspaceId!), "STOPPING");
    assert.equal(await stateOf(alwaysOn.WorkspaceId!), "AVAILABLE");
    h.advance(PENDING_MS);
  });

  it("starts only STOPPED AUTO_STOP or MANUAL WorkSpaces", async () => {
    const available = take("AVAILABLE", "AUTO_STOP");
    const alwaysOnStopped = take("STOPPED", "ALWAYS_ON");
    const result = await h.client.send(new StartWorkspacesCommand({ StartWorkspaceRequests: ids(available, alwaysOnStopped) }));
    assert.deepEqual(
      result.FailedRequests!.map((f) => [f.WorkspaceId, f.ErrorCode]),
      [
        [available.WorkspaceId, "InvalidResourceStateException"],
        [alwaysOnStopped.WorkspaceId, "OperationNotSupportedException"],
      ],
    );
  });

  it("refuses the whole call for an empty list, 26 items, or a malformed WorkspaceId", async () => {
    await expectAwsError(
      h.client.send(new StartWorkspacesCommand({ StartWorkspaceRequests: [] })),
      InvalidParameterValuesException,
      /must hold 1 to 25/,
    );
    const many = Array.from({ length: 26 }, () => ({ WorkspaceId: UNKNOWN_WORKSPACE }));
    await expectAwsError(
      h.client.send(new StopWorkspacesCommand({ StopWorkspaceRequests: many })),
      InvalidParameterValuesException,
      /1 to 25/,
    );
    await expectAwsError(
      h.client.send(new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: [{ WorkspaceId: "ws-BAD" }] })),
      InvalidParameterValuesException,
      /^TerminateWorkspaceRequests\[0\]\.WorkspaceId: must match/,
    );
    // 25 is the limit, not a refusal.
    const result = await h.client.send(new RebootWorkspacesCommand({ RebootWorkspaceRequests: many.slice(1) }));
    assert.equal(result.FailedRequests!.length, 25);
  });
});

describe("RebootWorkspaces", () => {
  it("reboots AVAILABLE and UNHEALTHY WorkSpaces through REBOOTING, and a REBOOTING one again", async () => {
    const available = take("AVAILABLE");
    const unhealthy = take("UNHEALTHY");
    const result = await h.client.send(new RebootWorkspacesCommand({ RebootWorkspaceRequests: ids(available, unhealthy) }));
    assert.deepEqual(result.FailedRequests, []);
    assert.equal(await stateOf(available.WorkspaceId!), "REBOOTING");
    h.advance(PENDING_MS / 2);
    const again = await h.client.send(new RebootWorkspacesCommand({ RebootWorkspaceRequests: ids(available) }));
    assert.deepEqual(again.FailedRequests, []);
    h.advance(PENDING_MS / 2);
    assert.equal(await stateOf(available.WorkspaceId!), "REBOOTING");
    assert.equal(await stateOf(unhealthy.WorkspaceId!), "AVAILABLE");
    h.advance(PENDING_MS / 2);
    assert.equal(await stateOf(available.WorkspaceId!), "AVAILABLE");
  });

  it("refuses STOPPED, ERROR and SUSPENDED WorkSpaces", async () => {
    const refused = ["STOPPED", "ERROR", "SUSPENDED"].map((state) => take(state));
    const result = await h.client.send(new RebootWorkspacesCommand({ RebootWorkspaceRequests: ids(...refused) }));
    assert.deepEqual(
      result.FailedRequests!.map((f) => f.ErrorCode),
      ["InvalidResourceStateException", "InvalidResourceStateException", "InvalidResourceStateException"],
    );
  });
});

describe("RebuildWorkspaces and RestoreWorkspace", () => {
  it("rebuilds one WorkSpace a call, through REBUILDING, to AVAILABLE with a new private IP address", async () => {
    const stopped = take("STOPPED");
    const result = await h.client.send(new RebuildWorkspacesCommand({ RebuildWorkspaceRequests: ids(stopped) }));
    assert.deepEqual(result.FailedRequests, []);
    assert.equal(await stateOf(stopped.WorkspaceId!), "REBUILDING");
    h.advance(PENDING_MS);
    const [rebuilt] = (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [stopped.WorkspaceId!] }))).Workspaces!;
    assert.equal(rebuilt!.State, "AVAILABLE");
    assert.notEqual(rebuilt!.IpAddress, stopped.IpAddress);
    await expectAwsError(
      h.client.send(new RebuildWorkspacesCommand({ RebuildWorkspaceRequests: ids(take("AVAILABLE"), take("AVAILABLE")) })),
      InvalidParameterValuesException,
      /^RebuildWorkspaceRequests: must hold 1 to 1 items/,
    );
    const suspended = await h.client.send(new RebuildWorkspacesCommand({ RebuildWorkspaceRequests: ids(take("SUSPENDED")) }));
    assert.deepEqual(
      suspended.FailedRequests!.map((f) => f.ErrorCode),
      ["InvalidResourceStateException"],
    );
  });

  it("restores an ERROR WorkSpace through RESTORING to AVAILABLE; refuses others with exceptions", async () => {
    const error = take("ERROR");
    const result = await h.client.send(new RestoreWorkspaceCommand({ WorkspaceId: error.WorkspaceId! }));
    assert.equal(result.$metadata.httpStatusCode, 200);
    assert.equal(await stateOf(error.WorkspaceId!), "RESTORING");
    await expectAwsError(
      h.client.send(new RestoreWorkspaceCommand({ WorkspaceId: error.WorkspaceId! })),
      OperationNotSupportedException,
      /RESTORING/,
    );
    h.advance(PENDING_MS);
    assert.equal(await stateOf(error.WorkspaceId!), "AVAILABLE");
    await expectAwsError(
      h.client.send(new RestoreWorkspaceCommand({ WorkspaceId: take("IMPAIRED").WorkspaceId! })),
      OperationNotSupportedException,
    );
    await expectAwsError(h.client.send(new RestoreWorkspaceCommand({ WorkspaceId: UNKNOWN_WORKSPACE })), ResourceNotFoundException);
    await expectAwsError(
      h.client.send(new RestoreWorkspaceCommand({ WorkspaceId: "ws-x" })),
      InvalidParameterValuesException,
      /^WorkspaceId: must match/,
    );
  });
});

describe("TerminateWorkspaces", () => {
  it("terminates through TERMINATING and TERMINATED, then the WorkSpace is gone and its user may have another", async () => {
    const id = await created();
    const [before] = (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }))).Workspaces!;
    const result = await h.client.send(new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: ids(id) }));
    assert.deepEqual(result.FailedRequests, []);
    const terminatedAt = h.clock.now;
    assert.equal(await stateOf(id), "TERMINATING");
    // Terminating twice changes nothing.
    assert.deepEqual((await h.client.send(new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: ids(id) }))).FailedRequests, []);
    const again = () =>
      h.client.send(
        new CreateWorkspacesCommand({
          Workspaces: [{ DirectoryId: DIRECTORIES.eng, UserName: before!.UserName!, BundleId: BUNDLES.STANDARD }],
        }),
      );
    assert.deepEqual(
      (await again()).FailedRequests!.map((f) => f.ErrorCode),
      ["ResourceExists.Workspace"],
    );
    h.clock.now = terminatedAt + PENDING_MS;
    assert.equal(await stateOf(id), "TERMINATED");
    const listed = async () =>
      (await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: DIRECTORIES.eng, UserName: before!.UserName! }))).Workspaces!.map(
        (w) => w.WorkspaceId,
      );
    assert.deepEqual(await listed(), [id]);
    h.clock.now = terminatedAt + 2 * PENDING_MS;
    assert.equal(await stateOf(id), undefined);
    assert.deepEqual(await listed(), []);
    const replacement = await again();
    assert.deepEqual(replacement.FailedRequests, []);
    assert.notEqual(replacement.PendingRequests![0]!.WorkspaceId, id);
  });

  it("terminates a WorkSpace in any state but SUSPENDED, a PENDING or UPDATING one included", async () => {
    const pending = (
      await h.client.send(
        new CreateWorkspacesCommand({
          Workspaces: [{ DirectoryId: DIRECTORIES.corp, UserName: "terminate-pending", BundleId: BUNDLES.VALUE }],
        }),
      )
    ).PendingRequests![0]!.WorkspaceId!;
    const states = ["AVAILABLE", "STOPPED", "ERROR"].map((state) => take(state));
    // A smaller compute type is allowed right after launch; the WorkSpace is UPDATING.
    const updating = await created();
    await h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: updating, WorkspaceProperties: { ComputeTypeName: "VALUE" } }));
    assert.equal(await stateOf(updating), "UPDATING");
    const targets = [pending, ...states.map((w) => w.WorkspaceId!), updating];
    const suspended = take("SUSPENDED");
    const result = await h.client.send(new TerminateWorkspacesCommand({ TerminateWorkspaceRequests: ids(...targets, suspended) }));
    assert.deepEqual(
      result.FailedRequests!.map((f) => [f.WorkspaceId, f.ErrorCode]),
      [[suspended.WorkspaceId, "InvalidResourceStateException"]],
    );
    assert.equal(await stateOf(pending), "TERMINATING");
    h.advance(2 * PENDING_MS);
    for (const id of targets) assert.equal(await stateOf(id), undefined);
    assert.equal(await stateOf(suspended.WorkspaceId!), "SUSPENDED");
  });
});

describe("DescribeWorkspacesConnectionStatus", () => {
  it("answers every WorkSpace, page by page, each consistent with its state", async () => {
    const statuses = [];
    let token: string | undefined;
    do {
      const page = await h.client.send(new DescribeWorkspacesConnectionStatusCommand({ NextToken: token }));
      statuses.push(...page.WorkspacesConnectionStatus!);
      token = page.NextToken;
    } while (token);
    const workspaces: Workspace[] = [];
    for await (const page of paginateDescribeWorkspaces({ client: h.client }, {})) workspaces.push(...page.Workspaces!);
    assert.deepEqual(
      statuses.map((s) => s.WorkspaceId),
      workspaces.map((w) => w.WorkspaceId),
    );
    const stateOfId = new Map(workspaces.map((w) => [w.WorkspaceId, w.State]));
    for (const status of statuses) {
      const state = stateOfId.get(status.WorkspaceId)!;
      if (status.ConnectionState === "CONNECTED") assert.equal(state, "AVAILABLE");
      if (["STOPPED", "STOPPING", "STARTING", "REBOOTING"].includes(state)) assert.equal(status.ConnectionState, "DISCONNECTED");
      if (["ERROR", "PENDING", "SUSPENDED", "IMPAIRED", "UNHEALTHY"].includes(state)) assert.equal(status.ConnectionState, "UNKNOWN");
      assert.ok(status.ConnectionStateCheckTimestamp instanceof Date);
      assert.ok(status.ConnectionStateCheckTimestamp.getTime() <= h.clock.now);
      if (status.ConnectionState === "CONNECTED")
        assert.ok(status.LastKnownUserConnectionTimestamp! <= status.ConnectionStateCheckTimestamp);
    }
    assert.ok(statuses.some((s) => s.ConnectionState === "CONNECTED"));
    assert.ok(statuses.some((s) => s.ConnectionState === "DISCONNECTED"));
  });

  it("a seed always answers the same, and stopping a connected WorkSpace disconnects its user at that time", async () => {
    const other = await startHarness({ workspaces: 60, seed: 1 });
    try {
      const first = await h.client.send(
        new DescribeWorkspacesConnectionStatusCommand({ WorkspaceIds: seeded.slice(40, 50).map((w) => w.WorkspaceId!) }),
      );
      const second = await other.client.send(
        new DescribeWorkspacesConnectionStatusCommand({ WorkspaceIds: seeded.slice(40, 50).map((w) => w.WorkspaceId!) }),
      );
      assert.deepEqual(
        first.WorkspacesConnectionStatus!.map((s) => [s.WorkspaceId, s.ConnectionState === "CONNECTED"]),
        second.WorkspacesConnectionStatus!.map((s) => [s.WorkspaceId, s.ConnectionState === "CONNECTED"]),
      );
    } finally {
      await other.close();
    }
    const all = (
      await h.client.send(
        new DescribeWorkspacesConnectionStatusCommand({
          WorkspaceIds: seeded
            .filter((w) => !taken.has(w.WorkspaceId!))
            .slice(0, 25)
            .map((w) => w.WorkspaceId!),
        }),
      )
    ).WorkspacesConnectionStatus!;
    const connected = all.find(
      (s) =>
        s.ConnectionState === "CONNECTED" &&
        seeded.find((w) => w.WorkspaceId === s.WorkspaceId)!.WorkspaceProperties!.RunningMode !== "ALWAYS_ON",
    );
    assert.ok(connected, "no connected AUTO_STOP WorkSpace among the first 25");
    const stoppedAt = h.clock.now;
    await h.client.send(new StopWorkspacesCommand({ StopWorkspaceRequests: ids(connected.WorkspaceId!) }));
    const [status] = (await h.client.send(new DescribeWorkspacesConnectionStatusCommand({ WorkspaceIds: [connected.WorkspaceId!] })))
      .WorkspacesConnectionStatus!;
    assert.equal(status!.ConnectionState, "DISCONNECTED");
    assert.equal(status!.LastKnownUserConnectionTimestamp!.getTime(), stoppedAt);
    // A new WorkSpace no one has used: no last connection.
    const fresh = await created();
    const [unused] = (await h.client.send(new DescribeWorkspacesConnectionStatusCommand({ WorkspaceIds: [fresh] })))
      .WorkspacesConnectionStatus!;
    assert.equal(unused!.ConnectionState, "DISCONNECTED");
    assert.equal(unused!.LastKnownUserConnectionTimestamp, undefined);
  });

  it("refuses 26 WorkspaceIds, and a token of DescribeWorkspaces", async () => {
    await expectAwsError(
      h.client.send(new DescribeWorkspacesConnectionStatusCommand({ WorkspaceIds: Array.from({ length: 26 }, () => UNKNOWN_WORKSPACE) })),
      InvalidParameterValuesException,
      /^WorkspaceIds: must hold 1 to 25/,
    );
    const page = await h.client.send(new DescribeWorkspacesCommand({}));
    await expectAwsError(
      h.client.send(new DescribeWorkspacesConnectionStatusCommand({ NextToken: page.NextToken })),
      InvalidParameterValuesException,
      /NextToken is not valid/,
    );
  });
});
