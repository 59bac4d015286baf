// createWorkspaces through HTTP against the emulator: one result per request in input order (a Workspace, AWS's
// refusal as a CreateWorkspaceFailure at its index, the gateway's as a ValidationError costing no AWS call, or an
// UpstreamError when AWS did not answer), calls of 25, and the request-level ValidationError for a list of the wrong
// size.

import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { print } from "graphql";
import { DEFAULT_CALL_POLICY } from "../../src/aws/upstream.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { startTestGateway } from "../gateway/fixture.ts";
import type { CreateWorkspacesMutation, WorkspaceRequestInput } from "../generated/graphql.ts";
import { CreateWorkspacesDocument, MutatedWorkspaceDocument } from "../generated/graphql.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { BUNDLES, CORP, dataOf, ENG, narrow, typenames, UNKNOWN_BUNDLE, UNKNOWN_DIRECTORY, uniqueUser, WORKSPACE_ID } from "./helpers.ts";

type Payload = Extract<NonNullable<CreateWorkspacesMutation["createWorkspaces"]>, { __typename: "CreateWorkspacesPayload" }>;
type Result = Payload["results"][number];

const THROTTLED_MESSAGE = "AWS is throttling requests; retry after a short wait.";

/** A request AWS accepts: a new user on the Standard bundle in the corp directory. */
function valid(overrides: Partial<WorkspaceRequestInput> = {}): WorkspaceRequestInput {
  return { directoryId: CORP, userName: uniqueUser("create"), bundleId: BUNDLES.standard, ...overrides };
}

function resultsOf(response: GraphQLResponse<CreateWorkspacesMutation>): Result[] {
  return narrow(dataOf(response).createWorkspaces, "CreateWorkspacesPayload").results;
}

/** What a client switches on: the type, the code, and AWS's code or the field the gateway refused. */
function summary(result: Result): (string | number | null)[] {
  switch (result.__typename) {
    case "Workspace":
      return ["Workspace"];
    case "ValidationError":
      return [result.__typename, result.code, result.field];
    case "CreateWorkspaceFailure":
      return [result.__typename, result.code, result.awsErrorCode, result.index];
    default:
      return [result.__typename, result.code, result.awsErrorCode];
  }
}

/** Each result is the Workspace for its own request: same user, bundle and directory, PENDING, a fresh ID. */
function assertCreated(result: Result, request: WorkspaceRequestInput) {
  const workspace = narrow(result, "Workspace");
  assert.match(workspace.workspaceId, WORKSPACE_ID);
  assert.equal(workspace.state, "PENDING");
  assert.equal(workspace.userName, request.userName);
  assert.equal(workspace.bundleId, request.bundleId);
  assert.equal(workspace.directoryId, request.directoryId);
  return workspace;
}

describe("createWorkspaces", () => {
  let gateway: TestGateway;
  const create = (workspaces: WorkspaceRequestInput[]) => gateway.execute(CreateWorkspacesDocument, { input: { workspaces } });

  before(async () => {
    // New workspaces stay PENDING for the whole suite and are visible at once.
    gateway = await startTestGateway({ workspaces: 10, pendingMs: 60_000, visibilityLagMs: 0 });
  });
  after(() => gateway.close());
  beforeEach(() => gateway.resetAwsCalls());

  it("returns each created WorkSpace as AWS answers it (PENDING, without its properties yet), in one CreateWorkspaces call", async () => {
    const standard = valid({
      workspaceProperties: { runningMode: "AUTO_STOP", runningModeAutoStopTimeoutInMinutes: 120 },
      tags: [{ key: "team", value: "eng" }],
    });
    const power = valid({ directoryId: ENG, bundleId: BUNDLES.power });
    const results = resultsOf(await create([standard, power]));
    assert.deepEqual(typenames(results), ["Workspace", "Workspace"]);
    const first = narrow(results[0], "Workspace");
    const second = narrow(results[1], "Workspace");
    assert.match(first.workspaceId, WORKSPACE_ID);
    assert.match(second.workspaceId, WORKSPACE_ID);
    assert.notEqual(first.workspaceId, second.workspaceId);
    assert.deepEqual(first, {
      __typename: "Workspace",
      workspaceId: first.workspaceId,
      state: "PENDING",
      directoryId: CORP,
      userName: standard.userName,
      bundleId: BUNDLES.standard,
      // AWS's PendingRequests carry no properties: a later read shows them.
      workspaceProperties: null,
    });
    assert.deepEqual(second, {
      __typename: "Workspace",
      workspaceId: second.workspaceId,
      state: "PENDING",
      directoryId: ENG,
      userName: power.userName,
      bundleId: BUNDLES.power,
      workspaceProperties: null,
    });
    // The two bundles, read in one call for the gateway's own checks (and cached for later requests), then the create.
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceBundles: 1, CreateWorkspaces: 1 });

    // A later request finds it: AWS has it, PENDING.
    const later = dataOf(await gateway.execute(MutatedWorkspaceDocument, { workspaceId: first.workspaceId })).workspace;
    assert.equal(later?.workspaceId, first.workspaceId);
    assert.equal(later?.state, "PENDING");
    assert.deepEqual(later?.modificationStates, []);
    assert.deepEqual(later?.workspaceProperties, {
      runningMode: "AUTO_STOP",
      runningModeAutoStopTimeoutInMinutes: 120,
      rootVolumeSizeGib: 80,
      userVolumeSizeGib: 50,
      computeTypeName: "STANDARD",
    });
  });

  it("creates GRAPHICSPRO and POWERPRO WorkSpaces from their bundles", async () => {
    const graphicsPro = valid({ bundleId: BUNDLES.graphicsPro, workspaceProperties: { computeTypeName: "GRAPHICSPRO" } });
    const powerPro = valid({ directoryId: ENG, bundleId: BUNDLES.powerPro, workspaceProperties: { computeTypeName: "POWERPRO" } });
    const results = resultsOf(await create([graphicsPro, powerPro]));
    const read = async (result: Result, request: WorkspaceRequestInput) =>
      dataOf(await gateway.execute(MutatedWorkspaceDocument, { workspaceId: assertCreated(result, request).workspaceId })).workspace;
    assert.deepEqual((await read(results[0]!, graphicsPro))?.workspaceProperties, {
      runningMode: "ALWAYS_ON",
      runningModeAutoStopTimeoutInMinutes: null,
      rootVolumeSizeGib: 100,
      userVolumeSizeGib: 100,
      computeTypeName: "GRAPHICSPRO",
    });
    assert.deepEqual((await read(results[1]!, powerPro))?.workspaceProperties, {
      runningMode: "ALWAYS_ON",
      runningModeAutoStopTimeoutInMinutes: null,
      rootVolumeSizeGib: 175,
      userVolumeSizeGib: 100,
      computeTypeName: "POWERPRO",
    });
  });

  it("keeps failures at the start, middle and end of a batch at their own indexes", async () => {
    const requests = [
      valid({ directoryId: "d-XYZ12345" }), // the gateway refuses the pattern
      valid(),
      valid({ directoryId: UNKNOWN_DIRECTORY, tags: [{ key: "cost-center", value: "42" }] }), // AWS refuses
      valid({ bundleId: BUNDLES.value }),
      valid({ bundleId: UNKNOWN_BUNDLE }), // AWS refuses
    ];
    const results = resultsOf(await create(requests));
    assert.deepEqual(typenames(results), ["ValidationError", "Workspace", "CreateWorkspaceFailure", "Workspace", "CreateWorkspaceFailure"]);
    assert.deepEqual(narrow(results[0], "ValidationError"), {
      __typename: "ValidationError",
      code: "VALIDATION",
      retryable: false,
      awsErrorCode: null,
      message: "input.workspaces[0].directoryId: must match ^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)",
      field: "input.workspaces[0].directoryId",
      rule: "pattern",
    });
    assertCreated(results[1]!, requests[1]!);
    assert.deepEqual(narrow(results[2], "CreateWorkspaceFailure"), {
      __typename: "CreateWorkspaceFailure",
      index: 2,
      code: "NOT_FOUND",
      retryable: false,
      awsErrorCode: "ResourceNotFound.Directory",
      message: `The directory ${UNKNOWN_DIRECTORY} could not be found.`,
      workspaceRequest: {
        directoryId: UNKNOWN_DIRECTORY,
        userName: requests[2]!.userName,
        bundleId: BUNDLES.standard,
        workspaceProperties: null,
        tags: [{ key: "cost-center", value: "42" }],
      },
    });
    assertCreated(results[3]!, requests[3]!);
    assert.deepEqual(narrow(results[4], "CreateWorkspaceFailure"), {
      __typename: "CreateWorkspaceFailure",
      index: 4,
      code: "NOT_FOUND",
      retryable: false,
      awsErrorCode: "ResourceNotFound.Bundle",
      message: `The bundle ${UNKNOWN_BUNDLE} could not be found.`,
      workspaceRequest: {
        directoryId: CORP,
        userName: requests[4]!.userName,
        bundleId: UNKNOWN_BUNDLE,
        workspaceProperties: null,
        tags: null,
      },
    });
    // A bundle AWS does not have is not cached: the gateway asks again, then leaves the refusal to AWS.
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceBundles: 1, CreateWorkspaces: 1 });
  });

  it("keeps AWS's failures at the ends and the gateway's in the middle at their indexes", async () => {
    const existing = valid();
    assertCreated(resultsOf(await create([existing]))[0]!, existing);
    await gateway.resetAwsCalls();
    const requests = [
      valid({ bundleId: UNKNOWN_BUNDLE }),
      valid(),
      valid({ workspaceProperties: { runningMode: "ALWAYS_ON", runningModeAutoStopTimeoutInMinutes: 60 } }),
      valid(),
      { ...existing },
    ];
    const results = resultsOf(await create(requests));
    assert.deepEqual(results.map(summary), [
      ["CreateWorkspaceFailure", "NOT_FOUND", "ResourceNotFound.Bundle", 0],
      ["Workspace"],
      ["ValidationError", "VALIDATION", "input.workspaces[2].workspaceProperties.runningModeAutoStopTimeoutInMinutes"],
      ["Workspace"],
      ["CreateWorkspaceFailure", "ALREADY_EXISTS", "ResourceExists.Workspace", 4],
    ]);
    assert.equal(narrow(results[4], "CreateWorkspaceFailure").workspaceRequest.userName, existing.userName);
    assert.equal(
      narrow(results[2], "ValidationError").message,
      "input.workspaces[2].workspaceProperties.runningModeAutoStopTimeoutInMinutes: only applies with RunningMode AUTO_STOP",
    );
    assertCreated(results[1]!, requests[1]!);
    assertCreated(results[3]!, requests[3]!);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceBundles: 1, CreateWorkspaces: 1 });
  });

  it("gives a batch of 25 with 7 bad items exactly 7 failures, at the right indexes", async () => {
    const existing = valid({ bundleId: BUNDLES.performance });
    assertCreated(resultsOf(await create([existing]))[0]!, existing);
    await gateway.resetAwsCalls();

    const requests = Array.from({ length: 25 }, (_, i) => valid({ directoryId: i % 2 === 0 ? CORP : ENG }));
    /** `code` is AWS's for the items AWS refuses, VALIDATION for those the gateway refuses. */
    const bad = new Map<number, { request: WorkspaceRequestInput; code: string; message: string }>();
    const spoil = (index: number, request: WorkspaceRequestInput, code: string, message: string) => {
      requests[index] = request;
      bad.set(index, { request, code, message });
    };
    spoil(0, valid({ bundleId: "bundle-1" }), "VALIDATION", "input.workspaces[0].bundleId: must match ^wsb-[0-9a-z]{8,63}$");
    spoil(
      3,
      valid({ directoryId: UNKNOWN_DIRECTORY }),
      "ResourceNotFound.Directory",
      `The directory ${UNKNOWN_DIRECTORY} could not be found.`,
    );
    spoil(
      8,
      valid({ workspaceProperties: { runningModeAutoStopTimeoutInMinutes: 60 } }),
      "VALIDATION",
      "input.workspaces[8].workspaceProperties.runningModeAutoStopTimeoutInMinutes: only applies with RunningMode AUTO_STOP",
    );
    spoil(12, valid({ bundleId: UNKNOWN_BUNDLE }), "ResourceNotFound.Bundle", `The bundle ${UNKNOWN_BUNDLE} could not be found.`);
    spoil(
      17,
      { ...requests[16]!, userName: requests[16]!.userName.toUpperCase() },
      "VALIDATION",
      "input.workspaces[17]: repeats the request at index 16; a user can have one WorkSpace per bundle and directory",
    );
    spoil(
      21,
      valid({ rootVolumeEncryptionEnabled: true }),
      "VALIDATION",
      "input.workspaces[21].volumeEncryptionKey: is required when volume encryption is enabled",
    );
    spoil(
      24,
      { ...existing },
      "ResourceExists.Workspace",
      `The user ${existing.userName} already has a WorkSpace with bundle ${existing.bundleId} in directory ${existing.directoryId}.`,
    );

    const results = resultsOf(await create(requests));
    assert.equal(results.length, 25);
    assert.deepEqual(
      [...results.entries()].filter(([, r]) => r.__typename !== "Workspace").map(([index]) => index),
      [0, 3, 8, 12, 17, 21, 24],
    );
    for (const [index, result] of results.entries()) {
      const expected = bad.get(index);
      if (!expected) {
        assertCreated(result, requests[index]!);
        continue;
      }
      if (expected.code === "VALIDATION") {
        assert.equal(narrow(result, "ValidationError").message, expected.message, `item ${index}`);
        continue;
      }
      const failure = narrow(result, "CreateWorkspaceFailure");
      assert.equal(failure.index, index);
      assert.equal(failure.awsErrorCode, expected.code, `item ${index}`);
      assert.equal(failure.message, expected.message, `item ${index}`);
      assert.equal(failure.workspaceRequest.userName, expected.request.userName, `item ${index}`);
      assert.equal(failure.workspaceRequest.bundleId, expected.request.bundleId, `item ${index}`);
      assert.equal(failure.workspaceRequest.directoryId, expected.request.directoryId, `item ${index}`);
    }
    // 18 created, all different.
    const ids = results.flatMap((r) => (r.__typename === "Workspace" ? [r.workspaceId] : []));
    assert.equal(new Set(ids).size, 18);
    // The 4 the gateway refused were never sent: 21 requests, one call (and one for the bundle AWS does not have).
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceBundles: 1, CreateWorkspaces: 1 });
  });

  it("refuses, before any write, a compute type or volume sizes the bundle does not offer, as AWS would", async () => {
    const requests = [
      valid({ bundleId: BUNDLES.graphicsPro, workspaceProperties: { computeTypeName: "POWER" } }),
      valid({ bundleId: BUNDLES.power, workspaceProperties: { computeTypeName: "GRAPHICSPRO" } }),
      valid({ bundleId: BUNDLES.standard, workspaceProperties: { rootVolumeSizeGib: 100, userVolumeSizeGib: 10 } }),
      valid({ bundleId: BUNDLES.power, workspaceProperties: { userVolumeSizeGib: 50 } }),
      valid({ bundleId: BUNDLES.standard, workspaceProperties: { rootVolumeSizeGib: 175, userVolumeSizeGib: 100 } }),
    ];
    const results = resultsOf(await create(requests));
    assert.deepEqual(
      results.slice(0, 4).map((r) => {
        const failure = narrow(r, "ValidationError");
        return [failure.field, failure.rule];
      }),
      [
        ["input.workspaces[0].workspaceProperties.computeTypeName", "computeOfBundle"],
        ["input.workspaces[1].workspaceProperties.computeTypeName", "computeOfBundle"],
        ["input.workspaces[2].workspaceProperties", "volumeCombination"],
        ["input.workspaces[3].workspaceProperties", "volumeCombination"],
      ],
    );
    assert.equal(
      narrow(results[3], "ValidationError").message,
      "input.workspaces[3].workspaceProperties: root and user volume sizes must be 80 with 10, 50 or 100, or 175 to 2000 with 100 to 2000, got 175 and 50",
    );
    assertCreated(results[4]!, requests[4]!);
    // The bundles were cached by the tests before: the refused items cost nothing, the last one its create.
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: 1 });
  });

  it("sends 30 requests in exactly two CreateWorkspaces calls, and answers them in input order", async () => {
    const requests = Array.from({ length: 30 }, () => valid());
    const results = resultsOf(await create(requests));
    assert.equal(results.length, 30);
    for (const [index, result] of results.entries()) assertCreated(result, requests[index]!);
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: 2 });
  });

  it("does not send refused items: 30 requests of which 5 are refused cost one call", async () => {
    const requests = Array.from({ length: 30 }, (_, i) => (i % 6 === 5 ? valid({ userName: "" }) : valid()));
    const results = resultsOf(await create(requests));
    assert.deepEqual(
      [...results.entries()].flatMap(([i, r]) => (r.__typename === "ValidationError" ? [[i, r.field, r.rule, r.message]] : [])),
      [5, 11, 17, 23, 29].map((i) => [
        i,
        `input.workspaces[${i}].userName`,
        "length",
        `input.workspaces[${i}].userName: must be 1 to 63 characters long`,
      ]),
    );
    assert.equal(results.filter((r) => r.__typename === "Workspace").length, 25);
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: 1 });
  });

  it("sends 100 requests in four calls", async () => {
    const requests = Array.from({ length: 100 }, (_, i) => valid({ directoryId: i < 50 ? CORP : ENG, bundleId: BUNDLES.value }));
    const results = resultsOf(await create(requests));
    assert.equal(results.length, 100);
    for (const [index, result] of results.entries()) assertCreated(result, requests[index]!);
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: 4 });
  });

  it("refuses 101 requests as a whole, with a ValidationError on input.workspaces and no AWS call", async () => {
    const requests = Array.from({ length: 101 }, () => valid());
    const result = narrow(dataOf(await create(requests)).createWorkspaces, "ValidationError");
    assert.deepEqual(result, {
      __typename: "ValidationError",
      message: "input.workspaces: must hold 1 to 100 requests, got 101",
      code: "VALIDATION",
      retryable: false,
      awsErrorCode: null,
      field: "input.workspaces",
      rule: "listSize",
    });
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("refuses an empty list with a ValidationError and no AWS call", async () => {
    const result = narrow(dataOf(await create([])).createWorkspaces, "ValidationError");
    assert.deepEqual(result, {
      __typename: "ValidationError",
      message: "input.workspaces: must hold 1 to 100 requests, got 0",
      code: "VALIDATION",
      retryable: false,
      awsErrorCode: null,
      field: "input.workspaces",
      rule: "listSize",
    });
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("creates the first of two identical requests and refuses the repeat as a duplicate (VALIDATION)", async () => {
    const request = valid({ bundleId: BUNDLES.graphicsPro, workspaceProperties: { computeTypeName: "GRAPHICSPRO" } });
    const results = resultsOf(await create([request, { ...request }]));
    assert.deepEqual(typenames(results), ["Workspace", "ValidationError"]);
    assertCreated(results[0]!, request);
    assert.deepEqual(narrow(results[1], "ValidationError"), {
      __typename: "ValidationError",
      code: "VALIDATION",
      retryable: false,
      awsErrorCode: null,
      message: "input.workspaces[1]: repeats the request at index 0; a user can have one WorkSpace per bundle and directory",
      field: "input.workspaces[1]",
      rule: "duplicate",
    });
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: 1 });
  });

  it("answers a request for a WorkSpace AWS already has (made by an earlier mutation) with AWS's ResourceExists.Workspace", async () => {
    const request = valid({ bundleId: BUNDLES.powerPro });
    assertCreated(resultsOf(await create([request]))[0]!, request);
    const again = valid();
    const results = resultsOf(await create([again, { ...request, userName: request.userName.toUpperCase() }]));
    assertCreated(results[0]!, again);
    assert.deepEqual(narrow(results[1], "CreateWorkspaceFailure"), {
      __typename: "CreateWorkspaceFailure",
      index: 1,
      code: "ALREADY_EXISTS",
      retryable: false,
      awsErrorCode: "ResourceExists.Workspace",
      message: `The user ${request.userName.toUpperCase()} already has a WorkSpace with bundle ${BUNDLES.powerPro} in directory ${CORP}.`,
      workspaceRequest: {
        directoryId: CORP,
        userName: request.userName.toUpperCase(),
        bundleId: BUNDLES.powerPro,
        workspaceProperties: null,
        tags: null,
      },
    });
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: 2 });
  });

  it("costs no AWS call when every request is refused by the gateway", async () => {
    const requests = [valid({ directoryId: "corp" }), valid({ tags: [{ key: "", value: "x" }] })];
    const results = resultsOf(await create(requests));
    assert.deepEqual(
      results.map((r) => narrow(r, "ValidationError")).map((f) => [f.field, f.message]),
      [
        ["input.workspaces[0].directoryId", "input.workspaces[0].directoryId: must be 10 to 65 characters long"],
        ["input.workspaces[1].tags[0].key", "input.workspaces[1].tags[0].key: must be 1 to 127 characters long"],
      ],
    );
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("fails every item of a throttled call with code THROTTLED, and creates them once AWS answers again", async () => {
    const requests = [valid(), valid({ directoryId: ENG })];
    gateway.emulator!.settings.throttleRate = 1;
    let results: Result[];
    try {
      results = resultsOf(await create(requests));
    } finally {
      gateway.emulator!.settings.throttleRate = 0;
    }
    assert.deepEqual(
      results.map((r) => narrow(r, "UpstreamError")).map((f) => [f.code, f.retryable, f.awsErrorCode, f.message]),
      [
        ["THROTTLED", true, "ThrottlingException", THROTTLED_MESSAGE],
        ["THROTTLED", true, "ThrottlingException", THROTTLED_MESSAGE],
      ],
    );
    // Throttling is the one failure a create is retried on: every attempt, all throttled.
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: DEFAULT_CALL_POLICY.maxAttempts });
    const retried = resultsOf(await create(requests));
    for (const [index, result] of retried.entries()) assertCreated(result, requests[index]!);
  });

  it("refuses an unknown compute type (QUANTUM) at the GraphQL edge, without calling AWS", async () => {
    const query = print(CreateWorkspacesDocument);
    const request = { ...valid(), workspaceProperties: { computeTypeName: "QUANTUM" } };
    const response = await gateway.post({ query, variables: { input: { workspaces: [request] } } });
    assert.ok([200, 400].includes(response.status), `status ${response.status}`);
    const body = (await response.json()) as GraphQLResponse<unknown>;
    assert.equal(body.data ?? null, null);
    assert.equal(body.errors?.length, 1);
    assert.match(body.errors![0]!.message, /Value "QUANTUM" does not exist in "Compute" enum/);
    assert.deepEqual(await gateway.awsCalls(), {});
  });
});
