// modifyWorkspaceProperties through HTTP against the emulator: every member of ModifyWorkspacePropertiesItemResult
// the emulator can produce, reached by a real request; results in input order, items run concurrently, a refused
// item costs no AWS call, and a success shows the WorkSpace as AWS has it after the call.

import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import { print } from "graphql";
import { DEFAULT_CALL_POLICY } from "../../src/aws/upstream.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { startTestGateway } from "../gateway/fixture.ts";
import type { ModifyWorkspacePropertiesMutation, WorkspaceModificationInput } from "../generated/graphql.ts";
import {
  CreateWorkspacesDocument,
  ModifyWorkspacePropertiesDocument,
  ModifyWorkspacePropertiesTwiceDocument,
  MutatedWorkspaceDocument,
} from "../generated/graphql.ts";
import { eventually } from "../subscriptions/helpers.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { BUNDLES, CORP, dataOf, narrow, SeededPool, typenames, UNKNOWN_WORKSPACE, uniqueUser } from "./helpers.ts";

type Result = NonNullable<ModifyWorkspacePropertiesMutation["modifyWorkspaceProperties"]>;
type Item = Extract<Result, { __typename: "ModifyWorkspacePropertiesPayload" }>["results"][number];

function itemsOf(result: Result | null | undefined): Item[] {
  return narrow(result, "ModifyWorkspacePropertiesPayload").results;
}

function resultsOf(response: GraphQLResponse<ModifyWorkspacePropertiesMutation>): Item[] {
  return itemsOf(dataOf(response).modifyWorkspaceProperties);
}

/** The properties of a seeded WorkSpace as the gateway shows them. */
function propertiesOf(workspace: Workspace, change: Partial<Record<string, unknown>> = {}) {
  const p = workspace.WorkspaceProperties!;
  return {
    runningMode: p.RunningMode ?? null,
    runningModeAutoStopTimeoutInMinutes: p.RunningModeAutoStopTimeoutInMinutes ?? null,
    rootVolumeSizeGib: p.RootVolumeSizeGib ?? null,
    userVolumeSizeGib: p.UserVolumeSizeGib ?? null,
    computeTypeName: p.ComputeTypeName ?? null,
    ...change,
  };
}

const THROTTLED_MESSAGE = "AWS is throttling requests; retry after a short wait.";
const IN_PROGRESS = "The properties of this WorkSpace are currently being modified.";

describe("modifyWorkspaceProperties", () => {
  let gateway: TestGateway;
  let pool: SeededPool;
  const modify = (modifications: WorkspaceModificationInput[]) =>
    gateway.execute(ModifyWorkspacePropertiesDocument, { input: { modifications } });

  before(async () => {
    // Modifications stay in progress (UPDATE_INITIATED for the first 30 s) for the whole suite; new WorkSpaces stay
    // PENDING and are visible at once.
    gateway = await startTestGateway({ workspaces: 200, pendingMs: 60_000, visibilityLagMs: 0 });
    pool = await SeededPool.load(gateway.client);
  });
  after(() => gateway.close());
  beforeEach(() => gateway.resetAwsCalls());

  it("changes POWER to POWERPRO: the WorkSpace as AWS shows it after the call, UPDATING with a COMPUTE_TYPE modification", async () => {
    const power = pool.take({ compute: "POWER" });
    const [item] = resultsOf(await modify([{ workspaceId: power.WorkspaceId!, workspaceProperties: { computeTypeName: "POWERPRO" } }]));
    assert.deepEqual(narrow(item, "ModifyWorkspacePropertiesSuccess"), {
      __typename: "ModifyWorkspacePropertiesSuccess",
      workspace: {
        workspaceId: power.WorkspaceId,
        state: "UPDATING",
        // AWS changes the compute type when the modification completes.
        workspaceProperties: propertiesOf(power),
        modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }],
      },
    });
    // One modification, then one read of the WorkSpace as it is now.
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 1, DescribeWorkspaces: 1 });
  });

  it("changes POWERPRO to POWER, and grows the user volume of a STANDARD WorkSpace", async () => {
    const powerPro = pool.take({ compute: "POWERPRO" });
    const standard = pool.take({ compute: "STANDARD" });
    const results = resultsOf(
      await modify([
        { workspaceId: powerPro.WorkspaceId!, workspaceProperties: { computeTypeName: "POWER" } },
        { workspaceId: standard.WorkspaceId!, workspaceProperties: { userVolumeSizeGib: 100 } },
      ]),
    );
    assert.deepEqual(results, [
      {
        __typename: "ModifyWorkspacePropertiesSuccess",
        workspace: {
          workspaceId: powerPro.WorkspaceId,
          state: "UPDATING",
          workspaceProperties: propertiesOf(powerPro),
          modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }],
        },
      },
      {
        __typename: "ModifyWorkspacePropertiesSuccess",
        workspace: {
          workspaceId: standard.WorkspaceId,
          state: "UPDATING",
          workspaceProperties: propertiesOf(standard, { rootVolumeSizeGib: 80, userVolumeSizeGib: 50 }),
          modificationStates: [{ resource: "USER_VOLUME", state: "UPDATE_INITIATED" }],
        },
      },
    ]);
    // The volume change's rules need the current sizes: one read before the writes; then the two successes are
    // read back in one batched DescribeWorkspaces.
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 2, DescribeWorkspaces: 2 });
  });

  it("applies a running mode change at once: no modification, the state unchanged", async () => {
    const alwaysOn = pool.take({ runningMode: "ALWAYS_ON" });
    const [item] = resultsOf(
      await modify([
        {
          workspaceId: alwaysOn.WorkspaceId!,
          workspaceProperties: { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 180 },
        },
      ]),
    );
    assert.deepEqual(narrow(item, "ModifyWorkspacePropertiesSuccess").workspace, {
      workspaceId: alwaysOn.WorkspaceId,
      state: alwaysOn.State,
      workspaceProperties: propertiesOf(alwaysOn, { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 180 }),
      modificationStates: [],
    });
  });

  it("refuses, after one read and before any write, a change whose rules depend on the current properties", async () => {
    const standard = pool.take({ compute: "STANDARD" });
    const value = pool.take({ compute: "VALUE" });
    const graphics = pool.take({ compute: "GRAPHICSPRO" });
    const results = resultsOf(
      await modify([
        { workspaceId: standard.WorkspaceId!, workspaceProperties: { userVolumeSizeGib: 10 } },
        { workspaceId: value.WorkspaceId!, workspaceProperties: { rootVolumeSizeGib: 175, userVolumeSizeGib: 100 } },
        { workspaceId: graphics.WorkspaceId!, workspaceProperties: { protocols: ["WSP"] } },
      ]),
    );
    assert.deepEqual(
      results.map((r) => {
        const failure = narrow(r, "ValidationError");
        return [failure.field, failure.rule, failure.message];
      }),
      [
        ["input.modifications[0].workspaceProperties", "noShrink", "input.modifications[0].workspaceProperties: volumes can only grow"],
        [
          "input.modifications[1].workspaceProperties",
          "oneVolume",
          "input.modifications[1].workspaceProperties: the root and user volumes cannot grow in the same call; grow one, then the other",
        ],
        [
          "input.modifications[2].workspaceProperties.protocols",
          "protocolOfGraphics",
          "input.modifications[2].workspaceProperties.protocols: the protocol of a GRAPHICSPRO WorkSpace cannot be changed",
        ],
      ],
    );
    // One read of the three, as the constraints module's rules need; no write.
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1 });
  });

  it("is InvalidParameterValuesError when AWS refuses what the gateway does not check: replication without a standby", async () => {
    const alone = pool.take({ withStandby: false });
    const results = resultsOf(await modify([{ workspaceId: alone.WorkspaceId!, dataReplication: "NO_REPLICATION" }]));
    assert.deepEqual(results, [
      {
        __typename: "AwsRefusalError",
        message: "DataReplication: the WorkSpace has no standby WorkSpace.",
        code: "INVALID_PARAMETER",
        retryable: false,
        awsErrorCode: "InvalidParameterValuesException",
      },
    ]);
    // Sent to AWS (no property rule needs a read), refused, so not read back.
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 1 });
  });

  it("is InvalidResourceStateError for a WorkSpace still PENDING (just created) or in ERROR", async () => {
    const userName = uniqueUser("pending");
    const created = dataOf(
      await gateway.execute(CreateWorkspacesDocument, {
        input: { workspaces: [{ directoryId: CORP, userName, bundleId: BUNDLES.standard }] },
      }),
    ).createWorkspaces;
    const pending = narrow(narrow(created, "CreateWorkspacesPayload").results[0], "Workspace");
    assert.equal(pending.state, "PENDING");
    const failed = pool.take({ state: "ERROR" });
    await gateway.resetAwsCalls();
    const results = resultsOf(
      await modify([
        { workspaceId: pending.workspaceId, workspaceProperties: { runningMode: "AUTO_STOP" } },
        { workspaceId: failed.WorkspaceId!, workspaceProperties: { computeTypeName: "VALUE" } },
      ]),
    );
    assert.deepEqual(results, [
      {
        __typename: "AwsRefusalError",
        message: "The workspace is in state PENDING; it must be AVAILABLE or STOPPED.",
        code: "INVALID_STATE",
        retryable: false,
        awsErrorCode: "InvalidResourceStateException",
      },
      {
        __typename: "AwsRefusalError",
        message: "The workspace is in state ERROR; it must be AVAILABLE or STOPPED.",
        code: "INVALID_STATE",
        retryable: false,
        awsErrorCode: "InvalidResourceStateException",
      },
    ]);
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 2 });
  });

  it("is OperationInProgressError for a second change while the first is in progress", async () => {
    const power = pool.take({ compute: "POWER" });
    const first = resultsOf(await modify([{ workspaceId: power.WorkspaceId!, workspaceProperties: { computeTypeName: "POWERPRO" } }]));
    assert.equal(narrow(first[0], "ModifyWorkspacePropertiesSuccess").workspace?.state, "UPDATING");
    const second = resultsOf(await modify([{ workspaceId: power.WorkspaceId!, workspaceProperties: { userVolumeSizeGib: 200 } }]));
    assert.deepEqual(second, [
      {
        __typename: "AwsRefusalError",
        message: IN_PROGRESS,
        code: "IN_PROGRESS",
        retryable: true,
        awsErrorCode: "OperationInProgressException",
      },
    ]);
    // The first change goes on.
    const now = dataOf(await gateway.execute(MutatedWorkspaceDocument, { workspaceId: power.WorkspaceId! })).workspace;
    assert.deepEqual(now?.modificationStates, [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }]);
    assert.equal(now?.workspaceProperties?.userVolumeSizeGib, power.WorkspaceProperties!.UserVolumeSizeGib);
  });

  it("is UnsupportedWorkspaceConfigurationError to change a GRAPHICSPRO WorkSpace's compute, or to change to GRAPHICS or GRAPHICSPRO", async () => {
    const graphicsPro = pool.take({ compute: "GRAPHICSPRO" });
    const standard = pool.take({ compute: "STANDARD" });
    const value = pool.take({ compute: "VALUE" });
    const results = resultsOf(
      await modify([
        { workspaceId: graphicsPro.WorkspaceId!, workspaceProperties: { computeTypeName: "POWERPRO" } },
        { workspaceId: standard.WorkspaceId!, workspaceProperties: { computeTypeName: "GRAPHICS" } },
        { workspaceId: value.WorkspaceId!, workspaceProperties: { computeTypeName: "GRAPHICSPRO" } },
      ]),
    );
    const unsupported = { code: "UNSUPPORTED", retryable: false, awsErrorCode: "UnsupportedWorkspaceConfigurationException" };
    assert.deepEqual(results, [
      {
        __typename: "AwsRefusalError",
        ...unsupported,
        message: "The compute type cannot be changed from GRAPHICSPRO to POWERPRO.",
      },
      {
        __typename: "AwsRefusalError",
        ...unsupported,
        message: "The compute type cannot be changed from STANDARD to GRAPHICS.",
      },
      {
        __typename: "AwsRefusalError",
        ...unsupported,
        message: "The compute type cannot be changed from VALUE to GRAPHICSPRO.",
      },
    ]);
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 3 });
  });

  it("is ResourceNotFoundError for a well-formed ID AWS does not have", async () => {
    const results = resultsOf(await modify([{ workspaceId: UNKNOWN_WORKSPACE, workspaceProperties: { runningMode: "AUTO_STOP" } }]));
    assert.deepEqual(results, [
      {
        __typename: "AwsRefusalError",
        message: `The workspace ${UNKNOWN_WORKSPACE} could not be found.`,
        code: "NOT_FOUND",
        retryable: false,
        awsErrorCode: "ResourceNotFoundException",
      },
    ]);
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 1 });
  });

  it("is a ValidationError item, costing no AWS call, for a bad ID, autostop with ALWAYS_ON, compute with volumes, and a repeated ID", async () => {
    const [x, y, z] = [pool.take(), pool.take(), pool.take()];
    const results = resultsOf(
      await modify([
        { workspaceId: "workspace-1", workspaceProperties: { runningMode: "AUTO_STOP" } },
        { workspaceId: x.WorkspaceId!, workspaceProperties: { runningMode: "ALWAYS_ON", runningModeAutoStopTimeoutInMinutes: 60 } },
        { workspaceId: y.WorkspaceId!, workspaceProperties: { computeTypeName: "POWERPRO", userVolumeSizeGib: 200 } },
        { workspaceId: z.WorkspaceId!, workspaceProperties: { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 120 } },
        { workspaceId: z.WorkspaceId!, workspaceProperties: { runningMode: "ALWAYS_ON" } },
      ]),
    );
    assert.deepEqual(typenames(results), [
      "ValidationError",
      "ValidationError",
      "ValidationError",
      "ModifyWorkspacePropertiesSuccess",
      "ValidationError",
    ]);
    assert.deepEqual(
      [0, 1, 2, 4].map((i) => results[i]),
      [
        {
          __typename: "ValidationError",
          retryable: false,
          awsErrorCode: null,
          code: "VALIDATION",
          field: "input.modifications[0].workspaceId",
          rule: "pattern",
          message: "input.modifications[0].workspaceId: must match ^ws-[0-9a-z]{8,63}$",
        },
        {
          __typename: "ValidationError",
          retryable: false,
          awsErrorCode: null,
          code: "VALIDATION",
          field: "input.modifications[1].workspaceProperties.runningModeAutoStopTimeoutInMinutes",
          rule: "autoStopOnlyWithAutoStop",
          message:
            "input.modifications[1].workspaceProperties.runningModeAutoStopTimeoutInMinutes: only applies with RunningMode AUTO_STOP",
        },
        {
          __typename: "ValidationError",
          retryable: false,
          awsErrorCode: null,
          code: "VALIDATION",
          field: "input.modifications[2].workspaceProperties",
          rule: "computeOrVolume",
          message: "input.modifications[2].workspaceProperties: ComputeTypeName and volume sizes cannot be changed in the same call",
        },
        {
          __typename: "ValidationError",
          retryable: false,
          awsErrorCode: null,
          code: "VALIDATION",
          field: "input.modifications[4].workspaceId",
          rule: "duplicate",
          message: "input.modifications[4].workspaceId: repeats the modification at index 3; one change per WorkSpace at a time",
        },
      ],
    );
    const success = narrow(results[3], "ModifyWorkspacePropertiesSuccess").workspace;
    assert.equal(success?.workspaceId, z.WorkspaceId);
    assert.equal(success?.workspaceProperties?.runningMode, "AUTO_STOP");
    assert.equal(success?.workspaceProperties?.runningModeAutoStopTimeoutInMinutes, 120);
    // Only the one valid item reached AWS.
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 1, DescribeWorkspaces: 1 });
  });

  it("costs no AWS call when every item is refused by the gateway", async () => {
    const x = pool.take();
    const results = resultsOf(
      await modify([
        { workspaceId: "ws-", workspaceProperties: { runningMode: "AUTO_STOP" } },
        { workspaceId: x.WorkspaceId!, workspaceProperties: { rootVolumeSizeGib: 0 } },
      ]),
    );
    assert.deepEqual(
      results.map((r) => narrow(r, "ValidationError")).map((e) => [e.field, e.rule]),
      [
        ["input.modifications[0].workspaceId", "pattern"],
        ["input.modifications[1].workspaceProperties.rootVolumeSizeGib", "range"],
      ],
    );
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("is UpstreamError THROTTLED (retryable) when AWS throttles past the SDK's retries", async () => {
    const x = pool.take({ compute: "PERFORMANCE" });
    const change = { workspaceId: x.WorkspaceId!, workspaceProperties: { computeTypeName: "POWER" as const } };
    gateway.emulator!.settings.throttleRate = 1;
    let results: Item[];
    try {
      results = resultsOf(await modify([change]));
    } finally {
      gateway.emulator!.settings.throttleRate = 0;
    }
    assert.deepEqual(results, [
      { __typename: "UpstreamError", code: "THROTTLED", message: THROTTLED_MESSAGE, retryable: true, awsErrorCode: "ThrottlingException" },
    ]);
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: DEFAULT_CALL_POLICY.maxAttempts });
    // Nothing was changed: the same request goes through once AWS answers.
    const retried = resultsOf(await modify([change]));
    assert.deepEqual(narrow(retried[0], "ModifyWorkspacePropertiesSuccess").workspace?.modificationStates, [
      { resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" },
    ]);
  });

  it("answers a mix of successes and failures in input order, one failing hiding none", async () => {
    const power = pool.take({ compute: "POWER" });
    const graphicsPro = pool.take({ compute: "GRAPHICSPRO" });
    const standard = pool.take({ compute: "STANDARD" });
    const alwaysOn = pool.take({ runningMode: "ALWAYS_ON" });
    const suspended = pool.take({ state: "SUSPENDED" });
    const results = resultsOf(
      await modify([
        { workspaceId: power.WorkspaceId!, workspaceProperties: { computeTypeName: "POWERPRO" } },
        { workspaceId: UNKNOWN_WORKSPACE, workspaceProperties: { computeTypeName: "POWERPRO" } },
        { workspaceId: "WS-UPPER", workspaceProperties: { computeTypeName: "POWERPRO" } },
        { workspaceId: graphicsPro.WorkspaceId!, workspaceProperties: { computeTypeName: "POWER" } },
        { workspaceId: standard.WorkspaceId!, workspaceProperties: { userVolumeSizeGib: 10 } },
        { workspaceId: alwaysOn.WorkspaceId!, workspaceProperties: { runningMode: "AUTO_STOP" } },
        { workspaceId: suspended.WorkspaceId!, workspaceProperties: { runningMode: "AUTO_STOP" } },
      ]),
    );
    assert.deepEqual(
      results.map((r) => [r.__typename, "code" in r ? r.code : null]),
      [
        ["ModifyWorkspacePropertiesSuccess", null],
        ["AwsRefusalError", "NOT_FOUND"],
        ["ValidationError", "VALIDATION"],
        ["AwsRefusalError", "UNSUPPORTED"],
        ["ValidationError", "VALIDATION"],
        ["ModifyWorkspacePropertiesSuccess", null],
        ["AwsRefusalError", "INVALID_STATE"],
      ],
    );
    const first = narrow(results[0], "ModifyWorkspacePropertiesSuccess").workspace;
    assert.equal(first?.workspaceId, power.WorkspaceId);
    assert.deepEqual(first?.modificationStates, [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }]);
    assert.equal(narrow(results[1], "AwsRefusalError").message, `The workspace ${UNKNOWN_WORKSPACE} could not be found.`);
    assert.equal(narrow(results[2], "ValidationError").field, "input.modifications[2].workspaceId");
    assert.equal(narrow(results[3], "AwsRefusalError").message, "The compute type cannot be changed from GRAPHICSPRO to POWER.");
    assert.equal(narrow(results[4], "ValidationError").rule, "noShrink");
    assert.deepEqual(narrow(results[5], "ModifyWorkspacePropertiesSuccess").workspace, {
      workspaceId: alwaysOn.WorkspaceId,
      state: alwaysOn.State,
      workspaceProperties: propertiesOf(alwaysOn, { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 60 }),
      modificationStates: [],
    });
    assert.equal(narrow(results[6], "AwsRefusalError").message, "The workspace is in state SUSPENDED; it must be AVAILABLE or STOPPED.");
    // Five items reached AWS (not the two the gateway refused, one after reading its sizes); the two successes were
    // read back together.
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 5, DescribeWorkspaces: 2 });
  });

  it("takes 25 modifications in one request, read back in one DescribeWorkspaces", async () => {
    const targets = Array.from({ length: 25 }, () => pool.take());
    const results = resultsOf(
      await modify(
        targets.map((w) => ({
          workspaceId: w.WorkspaceId!,
          workspaceProperties: { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 240 },
        })),
      ),
    );
    assert.equal(results.length, 25);
    results.forEach((result, i) => {
      assert.deepEqual(narrow(result, "ModifyWorkspacePropertiesSuccess").workspace, {
        workspaceId: targets[i]!.WorkspaceId,
        state: targets[i]!.State,
        workspaceProperties: propertiesOf(targets[i]!, { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 240 }),
        modificationStates: [],
      });
    });
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 25, DescribeWorkspaces: 1 });
  });

  it("refuses 26 modifications, and none, as a whole with a ValidationError on input.modifications and no AWS call", async () => {
    const modifications = Array.from({ length: 26 }, (_, i) => ({
      workspaceId: `ws-${String(i).padStart(9, "0")}`,
      workspaceProperties: { runningMode: "AUTO_STOP" as const },
    }));
    assert.deepEqual(dataOf(await modify(modifications)).modifyWorkspaceProperties, {
      __typename: "ValidationError",
      retryable: false,
      awsErrorCode: null,
      message: "input.modifications: must hold 1 to 25 items, got 26",
      code: "VALIDATION",
      field: "input.modifications",
      rule: "listSize",
    });
    assert.deepEqual(dataOf(await modify([])).modifyWorkspaceProperties, {
      __typename: "ValidationError",
      retryable: false,
      awsErrorCode: null,
      message: "input.modifications: must hold 1 to 25 items, got 0",
      code: "VALIDATION",
      field: "input.modifications",
      rule: "listSize",
    });
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("runs the items concurrently: all 5 calls reach AWS before it answers any, then one read", async () => {
    const targets = Array.from({ length: 5 }, () => pool.take());
    const release = gateway.emulator!.hold();
    const pending = modify(targets.map((w) => ({ workspaceId: w.WorkspaceId!, workspaceProperties: { runningMode: "AUTO_STOP" } })));
    await eventually(async () => (await gateway.awsCalls()).ModifyWorkspaceProperties === 5, "5 ModifyWorkspaceProperties at once");
    release();
    const results = resultsOf(await pending);
    assert.deepEqual(typenames(results), Array(5).fill("ModifyWorkspacePropertiesSuccess"));
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 5, DescribeWorkspaces: 1 });
  });

  it("shows, in a later request, the modification a mutation started", async () => {
    const power = pool.take({ compute: "POWER" });
    resultsOf(await modify([{ workspaceId: power.WorkspaceId!, workspaceProperties: { computeTypeName: "POWERPRO" } }]));
    const later = dataOf(await gateway.execute(MutatedWorkspaceDocument, { workspaceId: power.WorkspaceId! })).workspace;
    assert.deepEqual(later, {
      workspaceId: power.WorkspaceId,
      state: "UPDATING",
      workspaceProperties: propertiesOf(power),
      modificationStates: [{ resource: "COMPUTE_TYPE", state: "UPDATE_INITIATED" }],
    });
  });

  it("reads the WorkSpace afresh for each mutation of one request, never a value loaded earlier in it", async () => {
    const alwaysOn = pool.take({ runningMode: "ALWAYS_ON" });
    const workspaceId = alwaysOn.WorkspaceId!;
    const data = dataOf(
      await gateway.execute(ModifyWorkspacePropertiesTwiceDocument, {
        first: {
          modifications: [{ workspaceId, workspaceProperties: { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 120 } }],
        },
        second: { modifications: [{ workspaceId, workspaceProperties: { runningMode: "ALWAYS_ON" } }] },
      }),
    );
    const first = narrow(itemsOf(data.first)[0], "ModifyWorkspacePropertiesSuccess").workspace;
    const second = narrow(itemsOf(data.second)[0], "ModifyWorkspacePropertiesSuccess").workspace;
    assert.deepEqual(
      first?.workspaceProperties,
      propertiesOf(alwaysOn, { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 120 }),
    );
    assert.deepEqual(
      second?.workspaceProperties,
      propertiesOf(alwaysOn, { runningMode: "ALWAYS_ON", runningModeAutoStopTimeoutInMinutes: null }),
    );
    assert.deepEqual(await gateway.awsCalls(), { ModifyWorkspaceProperties: 2, DescribeWorkspaces: 2 });
  });

  it("refuses an unknown compute type (QUANTUM) at the GraphQL edge, in variables or in the document, without calling AWS", async () => {
    const workspaceId = pool.take().WorkspaceId!;
    const inVariables = await gateway.post({
      query: print(ModifyWorkspacePropertiesDocument),
      variables: { input: { modifications: [{ workspaceId, workspaceProperties: { computeTypeName: "QUANTUM" } }] } },
    });
    const inDocument = await gateway.post({
      query:
        `mutation { modifyWorkspaceProperties(input: { modifications: [{ workspaceId: "${workspaceId}", ` +
        "workspaceProperties: { computeTypeName: QUANTUM } }] }) { __typename } }",
    });
    for (const response of [inVariables, inDocument]) {
      assert.ok([200, 400].includes(response.status), `status ${response.status}`);
      const body = (await response.json()) as GraphQLResponse<unknown>;
      assert.equal(body.data ?? null, null);
      assert.equal(body.errors?.length, 1);
      assert.match(body.errors![0]!.message, /Value "QUANTUM" does not exist in "Compute" enum/);
    }
    assert.deepEqual(await gateway.awsCalls(), {});
  });
});
