// The AWS CLI against the emulator, as a developer would point it there (--endpoint-url): the WorkSpace actions,
// directories and connection status answer as AWS would, and a create reads back with WorkspaceName and Protocols.
// The emulator runs in-process on a fake clock; the CLI runs as a child process, so the emulator keeps serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { AWS, startAwsCli } from "./aws-cli.ts";
import { BUNDLES, DESIGN_DIRECTORY, DIRECTORIES, T0 } from "./fixture.ts";

const PENDING_MS = 10_000;

/** The CLI's environment: test credentials and nothing from the machine's own AWS configuration. */
const CLI_ENV = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_CONFIG_FILE: "/nonexistent",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent",
  AWS_PAGER: "",
};

const cli = AWS === undefined ? undefined : await startAwsCli(AWS);

/**
 * The request members this CLI's copy of the service model knows: an older CLI (Debian's awscli 2.9) neither sends
 * WorkspaceName nor knows DescribeWorkspaceDirectories' Filters, so what needs them is skipped there.
 */
async function knownInputs(command: string): Promise<string> {
  if (cli === undefined) return "";
  return (await cli.run(["workspaces", command, "--generate-cli-skeleton", "input"], CLI_ENV)).stdout;
}
const CREATE_INPUTS = await knownInputs("create-workspaces");
const DIRECTORY_INPUTS = await knownInputs("describe-workspace-directories");

describe("the AWS CLI against the emulator", {
  skip: AWS === undefined && "no aws on PATH (npm test installs Debian's awscli as root)",
}, () => {
  const clock = { now: T0 };
  let emulator: RunningEmulator;
  let seeded: Workspace[];

  /** `aws workspaces <args>` on the emulator: its exit code and what it printed. */
  const invoke = (args: string[]) =>
    cli!.run(["workspaces", ...args, "--endpoint-url", emulator.url, "--region", "us-east-1", "--output", "json"], CLI_ENV);

  /** Runs `aws workspaces <args>` and parses its JSON output ({} when it prints none). */
  async function aws(...args: string[]): Promise<any> {
    const { code, stdout, stderr } = await invoke(args);
    assert.equal(code, 0, `aws workspaces ${args.join(" ")} failed: ${stderr}`);
    return stdout.trim() === "" ? {} : JSON.parse(stdout);
  }

  /** The CLI's failure: what it printed. */
  async function awsFails(...args: string[]): Promise<string> {
    const { code, stderr } = await invoke(args);
    assert.notEqual(code, 0, `aws workspaces ${args.join(" ")} succeeded`);
    return stderr;
  }

  const stateOf = async (id: string) => (await aws("describe-workspaces", "--workspace-ids", id)).Workspaces[0]?.State;
  const take = (state: string, runningMode?: string) =>
    seeded.find((w) => w.State === state && (runningMode === undefined || w.WorkspaceProperties!.RunningMode === runningMode))!
      .WorkspaceId!;

  before(async () => {
    emulator = await startEmulator({ port: 0, workspaces: 60, seed: 1, pendingMs: PENDING_MS, visibilityLagMs: 0, clock: () => clock.now });
    seeded = (await aws("describe-workspaces")).Workspaces;
  });
  after(async () => {
    await cli?.close();
    await emulator?.close();
  });

  it("describe-workspaces pages through the seeded fleet", () => {
    assert.equal(seeded.length, 60);
  });

  it("describe-workspace-directories lists the three directories with what a console shows", async () => {
    const { Directories } = await aws("describe-workspace-directories");
    assert.deepEqual(
      Directories.map((d: any) => [d.DirectoryId, d.DirectoryType, d.State, d.Tenancy]),
      [
        [DIRECTORIES.corp, "AD_CONNECTOR", "REGISTERED", "SHARED"],
        [DIRECTORIES.eng, "SIMPLE_AD", "REGISTERED", "SHARED"],
        [DESIGN_DIRECTORY, "AWS_IAM_IDENTITY_CENTER", "REGISTERED", "SHARED"],
      ],
    );
    assert.deepEqual(Directories[0].WorkspaceCreationProperties.EnableMaintenanceMode, true);
    assert.equal(Directories[1].SelfservicePermissions.RestartWorkspace, "ENABLED");
    assert.equal(Directories[2].WorkspaceAccessProperties.DeviceTypeWeb, "ALLOW");
  });

  const noFilters = !DIRECTORY_INPUTS.includes('"Filters"') && "this aws predates DescribeWorkspaceDirectories' Filters";
  it("describe-workspace-directories --filters narrows by user identity type", { skip: noFilters }, async () => {
    const filtered = await aws("describe-workspace-directories", "--filters", "Name=USER_IDENTITY_TYPE,Values=AWS_IAM_IDENTITY_CENTER");
    assert.deepEqual(
      filtered.Directories.map((d: any) => d.DirectoryId),
      [DESIGN_DIRECTORY],
    );
  });

  const noName = !CREATE_INPUTS.includes('"WorkspaceName"') && "this aws predates WorkspaceName";
  it("create-workspaces with WorkspaceName and Protocols reads back with both", { skip: noName }, async () => {
    const request = [
      {
        DirectoryId: DIRECTORIES.eng,
        UserName: "cli-user",
        BundleId: BUNDLES.STANDARD,
        WorkspaceName: "cli-desk",
        WorkspaceProperties: { Protocols: ["WSP"] },
      },
    ];
    const created = await aws("create-workspaces", "--workspaces", JSON.stringify(request));
    assert.deepEqual(created.FailedRequests, []);
    const [pending] = created.PendingRequests;
    assert.deepEqual(Object.keys(pending).sort(), ["BundleId", "DirectoryId", "State", "UserName", "WorkspaceId", "WorkspaceName"]);
    assert.equal(pending.State, "PENDING");
    clock.now += PENDING_MS;
    const [workspace] = (await aws("describe-workspaces", "--workspace-name", "cli-desk")).Workspaces;
    assert.equal(workspace.WorkspaceId, pending.WorkspaceId);
    assert.equal(workspace.WorkspaceName, "cli-desk");
    assert.deepEqual(workspace.WorkspaceProperties.Protocols, ["WSP"]);
    assert.equal(workspace.State, "AVAILABLE");
  });

  it("stop-workspaces and start-workspaces: STOPPING, STOPPED, STARTING, AVAILABLE; the user disconnected", async () => {
    const id = take("AVAILABLE", "AUTO_STOP");
    assert.deepEqual(await aws("stop-workspaces", "--stop-workspace-requests", `WorkspaceId=${id}`), { FailedRequests: [] });
    assert.equal(await stateOf(id), "STOPPING");
    clock.now += PENDING_MS;
    assert.equal(await stateOf(id), "STOPPED");
    const status = await aws("describe-workspaces-connection-status", "--workspace-ids", id);
    assert.equal(status.WorkspacesConnectionStatus[0].ConnectionState, "DISCONNECTED");
    // CLI v1 prints timestamps as epoch seconds, v2 (Debian's awscli) as ISO 8601.
    assert.ok(!Number.isNaN(new Date(status.WorkspacesConnectionStatus[0].ConnectionStateCheckTimestamp).getTime()));
    assert.deepEqual(await aws("start-workspaces", "--start-workspace-requests", `WorkspaceId=${id}`), { FailedRequests: [] });
    assert.equal(await stateOf(id), "STARTING");
    clock.now += PENDING_MS;
    assert.equal(await stateOf(id), "AVAILABLE");
    // An ALWAYS_ON WorkSpace cannot be stopped: a FailedRequests item, not an error.
    const alwaysOn = take("AVAILABLE", "ALWAYS_ON");
    const refused = await aws("stop-workspaces", "--stop-workspace-requests", `WorkspaceId=${alwaysOn}`);
    assert.deepEqual(
      refused.FailedRequests.map((f: any) => [f.WorkspaceId, f.ErrorCode]),
      [[alwaysOn, "OperationNotSupportedException"]],
    );
  });

  // The CLI takes bare IDs for the lists whose items have one required member (Reboot, Rebuild, Terminate).
  it("reboot-workspaces, rebuild-workspaces and restore-workspace run their lifecycles", async () => {
    const unhealthy = take("UNHEALTHY");
    assert.deepEqual(await aws("reboot-workspaces", "--reboot-workspace-requests", unhealthy), { FailedRequests: [] });
    assert.equal(await stateOf(unhealthy), "REBOOTING");
    const stopped = take("STOPPED");
    assert.deepEqual(await aws("rebuild-workspaces", "--rebuild-workspace-requests", stopped), { FailedRequests: [] });
    assert.equal(await stateOf(stopped), "REBUILDING");
    const error = take("ERROR");
    // RestoreWorkspace answers nothing, so the CLI prints nothing.
    assert.deepEqual(await aws("restore-workspace", "--workspace-id", error), {});
    assert.equal(await stateOf(error), "RESTORING");
    clock.now += PENDING_MS;
    for (const id of [unhealthy, stopped, error]) assert.equal(await stateOf(id), "AVAILABLE");
    const suspended = take("SUSPENDED");
    assert.match(await awsFails("restore-workspace", "--workspace-id", suspended), /OperationNotSupportedException/);
  });

  it("terminate-workspaces: TERMINATING, TERMINATED, then gone; an unknown ID in FailedRequests", async () => {
    const id = take("IMPAIRED");
    const result = await aws("terminate-workspaces", "--terminate-workspace-requests", id, "ws-000000000");
    assert.deepEqual(
      result.FailedRequests.map((f: any) => [f.WorkspaceId, f.ErrorCode]),
      [["ws-000000000", "ResourceNotFoundException"]],
    );
    assert.equal(await stateOf(id), "TERMINATING");
    clock.now += PENDING_MS;
    assert.equal(await stateOf(id), "TERMINATED");
    clock.now += PENDING_MS;
    assert.equal(await stateOf(id), undefined);
  });

  it("describe-workspaces-connection-status pages through every WorkSpace", async () => {
    const { WorkspacesConnectionStatus } = await aws("describe-workspaces-connection-status");
    const fleet = (await aws("describe-workspaces")).Workspaces;
    assert.equal(WorkspacesConnectionStatus.length, fleet.length);
    assert.ok(WorkspacesConnectionStatus.every((s: any) => ["CONNECTED", "DISCONNECTED", "UNKNOWN"].includes(s.ConnectionState)));
  });
});
