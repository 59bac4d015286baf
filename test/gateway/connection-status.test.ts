// Workspace.connectionStatus through HTTP against the emulator: as DescribeWorkspacesConnectionStatus gives it, 25
// WorkSpaces a call, following the WorkSpace's state.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { WorkspaceConnectionStatus } from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesConnectionStatusCommand, StopWorkspacesCommand } from "@aws-sdk/client-workspaces";
import { ConsoleMainScreenDocument } from "../generated/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { sdkWorkspaces, startTestGateway } from "./fixture.ts";

let gateway: TestGateway;

before(async () => {
  gateway = await startTestGateway({ workspaces: 60, pendingMs: 60_000 });
});
after(() => gateway.close());

/** A connection status as the schema shows it: timestamps as ISO-8601 strings, absent members null. */
const expected = (s: WorkspaceConnectionStatus) => ({
  connectionState: s.ConnectionState ?? null,
  connectionStateCheckTimestamp: s.ConnectionStateCheckTimestamp?.toISOString() ?? null,
  lastKnownUserConnectionTimestamp: s.LastKnownUserConnectionTimestamp?.toISOString() ?? null,
});

describe("Workspace.connectionStatus", () => {
  it("is DescribeWorkspacesConnectionStatus's answer for each WorkSpace, 25 a call", async () => {
    await gateway.resetAwsCalls();
    const response = await gateway.execute(ConsoleMainScreenDocument, { first: 60 });
    assert.equal(response.errors, undefined);
    const nodes = response.data!.workspaces!.edges.map((e) => e.node);
    const calls = await gateway.awsCalls();
    assert.equal(calls.DescribeWorkspacesConnectionStatus, 3);
    const statuses = new Map<string, WorkspaceConnectionStatus>();
    for (let i = 0; i < nodes.length; i += 25) {
      const ids = nodes.slice(i, i + 25).map((n) => n.workspaceId);
      const out = await gateway.client.send(new DescribeWorkspacesConnectionStatusCommand({ WorkspaceIds: ids }));
      for (const s of out.WorkspacesConnectionStatus!) statuses.set(s.WorkspaceId!, s);
    }
    for (const node of nodes) assert.deepEqual(node.connectionStatus, expected(statuses.get(node.workspaceId)!), node.workspaceId);
    // The seed holds all three states, and users who never connected.
    const states = new Set(nodes.map((n) => n.connectionStatus!.connectionState));
    assert.deepEqual([...states].sort(), ["CONNECTED", "DISCONNECTED", "UNKNOWN"]);
    assert.ok(nodes.some((n) => n.connectionStatus!.lastKnownUserConnectionTimestamp === null));
    assert.ok(nodes.every((n) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(n.connectionStatus!.connectionStateCheckTimestamp!)));
  });

  it("follows the WorkSpace: a stopped one's user is no longer connected", async () => {
    const connected = (await gateway.client.send(new DescribeWorkspacesConnectionStatusCommand({}))).WorkspacesConnectionStatus!.find(
      (s) => s.ConnectionState === "CONNECTED",
    )!;
    const workspace = (await sdkWorkspaces(gateway.client)).find((w) => w.WorkspaceId === connected.WorkspaceId)!;
    assert.notEqual(workspace.WorkspaceProperties!.RunningMode, "ALWAYS_ON", "the seeded CONNECTED WorkSpace cannot be stopped");
    await gateway.client.send(new StopWorkspacesCommand({ StopWorkspaceRequests: [{ WorkspaceId: connected.WorkspaceId }] }));
    const query = `{ workspace(workspaceId: "${connected.WorkspaceId}") { state connectionStatus { connectionState lastKnownUserConnectionTimestamp } } }`;
    const body = (await (await gateway.post({ query })).json()) as {
      data: { workspace: { state: string; connectionStatus: { connectionState: string; lastKnownUserConnectionTimestamp: string } } };
    };
    assert.equal(body.data.workspace.state, "STOPPING");
    assert.equal(body.data.workspace.connectionStatus.connectionState, "DISCONNECTED");
    assert.ok(
      Date.parse(body.data.workspace.connectionStatus.lastKnownUserConnectionTimestamp) >=
        connected.LastKnownUserConnectionTimestamp!.getTime(),
    );
  });
});
