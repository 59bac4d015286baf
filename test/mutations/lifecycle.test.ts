// What later requests see after a mutation, as AWS's lifecycle runs: a modification goes from UPDATE_INITIATED to
// UPDATE_IN_PROGRESS to done (the new compute type in place), and a new WorkSpace is first invisible, then PENDING
// (not modifiable), then AVAILABLE. The gateway and the emulator share a clock the test moves, so a busy machine
// changes nothing of what each read sees.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ClockedGateway } from "../gateway/fixture.ts";
import { startClockedGateway } from "../gateway/fixture.ts";
import type { ModifyWorkspacePropertiesMutation, WorkspaceModificationInput } from "../generated/graphql.ts";
import { CreateWorkspacesDocument, ModifyWorkspacePropertiesDocument, MutatedWorkspaceDocument } from "../generated/graphql.ts";
import { BUNDLES, dataOf, ENG, narrow, SeededPool, uniqueUser } from "./helpers.ts";

const PENDING_MS = 2_400;
const VISIBILITY_LAG_MS = 800;

type Item = Extract<
  NonNullable<ModifyWorkspacePropertiesMutation["modifyWorkspaceProperties"]>,
  { __typename: "ModifyWorkspacePropertiesPayload" }
>["results"][number];

describe("mutations and later requests, over AWS's lifecycle", () => {
  let gateway: ClockedGateway;
  /** Moves the shared clock to `ms` after `start`. */
  const until = (start: number, ms: number) => {
    gateway.clock.now = start + ms;
  };
  let pool: SeededPool;
  const modify = async (modifications: WorkspaceModificationInput[]): Promise<Item[]> =>
    narrow(
      dataOf(await gateway.execute(ModifyWorkspacePropertiesDocument, { input: { modifications } })).modifyWorkspaceProperties,
      "ModifyWorkspacePropertiesPayload",
    ).results;
  const read = async (workspaceId: string) => dataOf(await gateway.execute(MutatedWorkspaceDocument, { workspaceId })).workspace;

  before(async () => {
    gateway = await startClockedGateway({ workspaces: 60, pendingMs: PENDING_MS, visibilityLagMs: VISIBILITY_LAG_MS });
    pool = await SeededPool.load(gateway.client);
  });
  after(() => gateway.close());

  it("shows a compute change initiated, then in progress, then done with the new compute type", async () => {
    const power = pool.take({ compute: "POWER" });
    const workspaceId = power.WorkspaceId!;
    const start = gateway.clock.now;
    const [item] = await modify([{ workspaceId, workspaceProperties: { computeTypeName: "POWERPRO" } }]);
    assert.deepEqual(narrow(item, "ModifyWorkspacePropertiesSuccess").workspace?.modificationStates, [
      { resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" },
    ]);

    const initiated = await read(workspaceId);
    assert.equal(initiated?.state, "UPDATING");
    assert.deepEqual(initiated?.modificationStates, [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }]);
    assert.equal(initiated?.workspaceProperties?.computeTypeName, "POWER");

    until(start, PENDING_MS / 2 + 200);
    const inProgress = await read(workspaceId);
    assert.equal(inProgress?.state, "UPDATING");
    assert.deepEqual(inProgress?.modificationStates, [{ resource: "COMPUTE_TYPE", state: "UPDATE_IN_PROGRESS" }]);
    assert.equal(inProgress?.workspaceProperties?.computeTypeName, "POWER");
    // Still in progress: a second change is refused.
    const [again] = await modify([{ workspaceId, workspaceProperties: { userVolumeSizeGib: 200 } }]);
    assert.equal(narrow(again, "AwsRefusalError").code, "IN_PROGRESS");

    until(start, PENDING_MS + 100);
    const done = await read(workspaceId);
    assert.deepEqual(done, {
      workspaceId,
      state: power.State,
      workspaceProperties: {
        runningMode: power.WorkspaceProperties!.RunningMode,
        runningModeAutoStopTimeoutInMinutes: power.WorkspaceProperties!.RunningModeAutoStopTimeoutInMinutes ?? null,
        rootVolumeSizeGib: 175,
        userVolumeSizeGib: 100,
        computeTypeName: "POWERPRO",
      },
      modificationStates: [],
    });
    // Done: the next change is accepted.
    const [next] = await modify([{ workspaceId, workspaceProperties: { userVolumeSizeGib: 200 } }]);
    assert.deepEqual(narrow(next, "ModifyWorkspacePropertiesSuccess").workspace?.modificationStates, [
      { resource: "USER_VOLUME", state: "UPDATE_INITIATED" },
    ]);
  });

  it("shows a new WorkSpace not at all, then PENDING (refusing changes), then AVAILABLE (taking them)", async () => {
    const userName = uniqueUser("lifecycle");
    const start = gateway.clock.now;
    const created = dataOf(
      await gateway.execute(CreateWorkspacesDocument, {
        input: {
          workspaces: [{ directoryId: ENG, userName, bundleId: BUNDLES.powerPro, workspaceProperties: { computeTypeName: "POWERPRO" } }],
        },
      }),
    ).createWorkspaces;
    const workspace = narrow(narrow(created, "CreateWorkspacesPayload").results[0], "Workspace");
    assert.equal(workspace.state, "PENDING");
    const { workspaceId } = workspace;

    // AWS does not show it yet: a read finds nothing, and a change finds no such WorkSpace.
    const unseen = await read(workspaceId);
    const notFound = await modify([{ workspaceId, workspaceProperties: { runningMode: "AUTO_STOP" } }]);
    assert.equal(unseen, null);
    assert.deepEqual(notFound, [
      {
        __typename: "AwsRefusalError",
        message: `The workspace ${workspaceId} could not be found.`,
        code: "NOT_FOUND",
        retryable: false,
        awsErrorCode: "ResourceNotFoundException",
      },
    ]);

    until(start, VISIBILITY_LAG_MS + 200);
    const pending = await read(workspaceId);
    const refused = await modify([{ workspaceId, workspaceProperties: { runningMode: "AUTO_STOP" } }]);
    assert.equal(pending?.state, "PENDING");
    assert.deepEqual(refused, [
      {
        __typename: "AwsRefusalError",
        message: "The workspace is in state PENDING; it must be AVAILABLE or STOPPED.",
        code: "INVALID_STATE",
        retryable: false,
        awsErrorCode: "InvalidResourceStateException",
      },
    ]);

    until(start, PENDING_MS + 100);
    assert.equal((await read(workspaceId))?.state, "AVAILABLE");
    const [changed] = await modify([{ workspaceId, workspaceProperties: { computeTypeName: "POWER" } }]);
    assert.deepEqual(narrow(changed, "ModifyWorkspacePropertiesSuccess").workspace, {
      workspaceId,
      state: "UPDATING",
      workspaceProperties: {
        runningMode: "ALWAYS_ON",
        runningModeAutoStopTimeoutInMinutes: null,
        rootVolumeSizeGib: 175,
        userVolumeSizeGib: 100,
        computeTypeName: "POWERPRO",
      },
      modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }],
    });
  });
});
