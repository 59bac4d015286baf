// The WorkSpace actions through HTTP against the emulator: start, stop, reboot, rebuild, restore and terminate, each
// answering item by item in input order (accepted, refused by the gateway before any write, or AWS's FailedRequests
// as typed failures), in calls of as many as AWS takes, with terminate's confirmation and scope.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import { print } from "graphql";
import { DEFAULT_CALL_POLICY } from "../../src/aws/upstream.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { settingsFrom, startTestGateway } from "../gateway/fixture.ts";
import type { StopWorkspacesMutation } from "../generated/graphql.ts";
import {
  RebootWorkspacesDocument,
  RebuildWorkspacesDocument,
  RestoreWorkspaceDocument,
  StartWorkspacesDocument,
  StopWorkspacesDocument,
  TerminateWorkspacesDocument,
} from "../generated/graphql.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { dataOf, narrow, SeededPool, typenames, UNKNOWN_WORKSPACE } from "./helpers.ts";

type Result = NonNullable<StopWorkspacesMutation["stopWorkspaces"]>;
type Item = Extract<Result, { __typename: "WorkspaceActionPayload" }>["results"][number];

/** The one root field of a WorkSpace action's answer; every action answers with the same types. */
function resultOf(response: GraphQLResponse<Record<string, Result | null>>): Result {
  const [result] = Object.values(dataOf(response));
  assert.ok(result, "no result");
  return result;
}

const itemsOf = (response: GraphQLResponse<Record<string, Result | null>>): Item[] =>
  narrow(resultOf(response), "WorkspaceActionPayload").results;

/** What a client switches on: the type, the code, and the field the gateway refused or AWS's code. */
function summary(item: Item): (string | null)[] {
  switch (item.__typename) {
    case "WorkspaceActionSuccess":
      return [item.__typename, item.workspace?.state ?? null];
    case "ValidationError":
      return [item.__typename, item.field, item.rule];
    default:
      return [item.__typename, item.code, item.awsErrorCode];
  }
}

const ids = (workspaces: Workspace[]) => workspaces.map((w) => w.WorkspaceId!);

describe("WorkSpace actions", () => {
  let gateway: TestGateway;
  let pool: SeededPool;

  before(async () => {
    // Actions stay under way (STOPPING, REBOOTING, ...) for the whole suite.
    gateway = await startTestGateway({ workspaces: 200, pendingMs: 60_000, visibilityLagMs: 0, coolDownScale: 0 });
    pool = await SeededPool.load(gateway.client);
  });
  after(() => gateway.close());
  beforeEach(() => gateway.resetAwsCalls());

  it("stops WorkSpaces: each accepted, STOPPING as AWS shows it after the call, for one read, one call and one read back", async () => {
    const targets = [pool.take({ state: "AVAILABLE", runningMode: "AUTO_STOP" }), pool.take({ state: "ERROR", runningMode: "AUTO_STOP" })];
    const items = itemsOf(await gateway.execute(StopWorkspacesDocument, { input: { workspaceIds: ids(targets) } }));
    assert.deepEqual(items, [
      {
        __typename: "WorkspaceActionSuccess",
        workspaceId: targets[0]!.WorkspaceId,
        workspace: { workspaceId: targets[0]!.WorkspaceId, state: "STOPPING" },
      },
      {
        __typename: "WorkspaceActionSuccess",
        workspaceId: targets[1]!.WorkspaceId,
        workspace: { workspaceId: targets[1]!.WorkspaceId, state: "STOPPING" },
      },
    ]);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 2, StopWorkspaces: 1 });
  });

  it("reads nothing back when the result's workspace is not selected", async () => {
    const target = pool.take({ state: "AVAILABLE" });
    const items = itemsOf(await gateway.execute(RebootWorkspacesDocument, { input: { workspaceIds: ids([target]) }, read: false }));
    assert.deepEqual(items, [{ __typename: "WorkspaceActionSuccess", workspaceId: target.WorkspaceId }]);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1, RebootWorkspaces: 1 });
  });

  it("starts a STOPPED WorkSpace (STARTING), reboots an UNHEALTHY one (REBOOTING), restores an ERROR one (RESTORING)", async () => {
    const stopped = pool.take({ state: "STOPPED", runningMode: "AUTO_STOP" });
    const unhealthy = pool.take({ state: "UNHEALTHY" });
    const failed = pool.take({ state: "ERROR" });
    const started = itemsOf(await gateway.execute(StartWorkspacesDocument, { input: { workspaceIds: ids([stopped]) } }));
    const rebooted = itemsOf(await gateway.execute(RebootWorkspacesDocument, { input: { workspaceIds: ids([unhealthy]) } }));
    const restored = itemsOf(await gateway.execute(RestoreWorkspaceDocument, { input: { workspaceId: failed.WorkspaceId! } }));
    assert.deepEqual([...started, ...rebooted, ...restored].map(summary), [
      ["WorkspaceActionSuccess", "STARTING"],
      ["WorkspaceActionSuccess", "REBOOTING"],
      ["WorkspaceActionSuccess", "RESTORING"],
    ]);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 6, StartWorkspaces: 1, RebootWorkspaces: 1, RestoreWorkspace: 1 });
  });

  it("rebuilds each WorkSpace in a call of its own, as AWS takes one a call", async () => {
    const targets = [pool.take({ state: "AVAILABLE" }), pool.take({ state: "STOPPED" }), pool.take({ state: "ERROR" })];
    const items = itemsOf(await gateway.execute(RebuildWorkspacesDocument, { input: { workspaceIds: ids(targets) } }));
    assert.deepEqual(items.map(summary), [
      ["WorkspaceActionSuccess", "REBUILDING"],
      ["WorkspaceActionSuccess", "REBUILDING"],
      ["WorkspaceActionSuccess", "REBUILDING"],
    ]);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 2, RebuildWorkspaces: 3 });
  });

  it("answers item by item in input order, refuses what AWS would before any write, and sends only the rest", async () => {
    const available = pool.take({ state: "AVAILABLE", runningMode: "AUTO_STOP" });
    const alwaysOn = pool.take({ state: "AVAILABLE", runningMode: "ALWAYS_ON" });
    const stopped = pool.take({ state: "STOPPED", runningMode: "AUTO_STOP" });
    const impaired = pool.take({ state: "IMPAIRED", runningMode: "AUTO_STOP" });
    const workspaceIds = [
      available.WorkspaceId!,
      "WS-UPPER",
      alwaysOn.WorkspaceId!,
      UNKNOWN_WORKSPACE,
      available.WorkspaceId!,
      stopped.WorkspaceId!,
      impaired.WorkspaceId!,
    ];
    const items = itemsOf(await gateway.execute(StopWorkspacesDocument, { input: { workspaceIds }, read: false }));
    assert.deepEqual(items.map(summary), [
      ["WorkspaceActionSuccess", null],
      ["ValidationError", "input.workspaceIds[1]", "pattern"],
      ["ValidationError", "input.workspaceIds[2]", "runningMode"],
      // AWS's FailedRequests entry, typed: the read did not find it, so AWS had the last word.
      ["AwsRefusalError", "NOT_FOUND", "ResourceNotFoundException"],
      ["ValidationError", "input.workspaceIds[4]", "duplicate"],
      ["ValidationError", "input.workspaceIds[5]", "state"],
      ["WorkspaceActionSuccess", null],
    ]);
    assert.deepEqual(
      [items[2], items[3], items[5]].map((item) => item!.__typename !== "WorkspaceActionSuccess" && [item!.message, item!.retryable]),
      [
        ["input.workspaceIds[2]: a WorkSpace in running mode ALWAYS_ON cannot be stopped; it must be AUTO_STOP or MANUAL", false],
        [`The workspace ${UNKNOWN_WORKSPACE} could not be found.`, false],
        ["input.workspaceIds[5]: the WorkSpace is in state STOPPED; StopWorkspaces needs AVAILABLE, IMPAIRED, UNHEALTHY, ERROR", false],
      ],
    );
    // One read of the five well-formed, distinct IDs; one call with the three the read did not refuse.
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 1, StopWorkspaces: 1 });
  });

  it("refuses a list beyond the limit, or an empty one, as a whole before any call", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `ws-${String(i).padStart(9, "0")}`);
    const cases = [
      [await gateway.execute(StopWorkspacesDocument, { input: { workspaceIds: many } }), "must hold 1 to 100 items, got 101"],
      [await gateway.execute(RebuildWorkspacesDocument, { input: { workspaceIds: many.slice(0, 26) } }), "must hold 1 to 25 items, got 26"],
      [await gateway.execute(StartWorkspacesDocument, { input: { workspaceIds: [] } }), "must hold 1 to 100 items, got 0"],
    ] as const;
    for (const [response, detail] of cases) {
      assert.deepEqual(narrow(resultOf(response), "ValidationError"), {
        __typename: "ValidationError",
        message: `input.workspaceIds: ${detail}`,
        code: "VALIDATION",
        field: "input.workspaceIds",
        rule: "listSize",
      });
    }
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("restores one WorkSpace: AWS's exception is its item's failure, the gateway's refusals are at input.workspaceId", async () => {
    const suspended = pool.take({ state: "SUSPENDED" });
    const restore = async (workspaceId: string) =>
      itemsOf(await gateway.execute(RestoreWorkspaceDocument, { input: { workspaceId }, read: false })).map(summary);
    assert.deepEqual(await restore(UNKNOWN_WORKSPACE), [["AwsRefusalError", "NOT_FOUND", "ResourceNotFoundException"]]);
    assert.deepEqual(await restore(suspended.WorkspaceId!), [["ValidationError", "input.workspaceId", "state"]]);
    assert.deepEqual(await restore("i-0123456789"), [["ValidationError", "input.workspaceId", "pattern"]]);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 2, RestoreWorkspace: 1 });
  });

  it("terminates only with confirm: true; TERMINATING after, and a SUSPENDED WorkSpace refused before any write", async () => {
    const target = pool.take({ state: "IMPAIRED" });
    const suspended = pool.take({ state: "SUSPENDED" });
    const unconfirmed = await gateway.execute(TerminateWorkspacesDocument, { input: { workspaceIds: ids([target]), confirm: false } });
    assert.deepEqual(narrow(resultOf(unconfirmed), "ValidationError"), {
      __typename: "ValidationError",
      message: "input.confirm: must be true: terminating a WorkSpace deletes it and cannot be undone",
      code: "VALIDATION",
      field: "input.confirm",
      rule: "confirmation",
    });
    assert.deepEqual(await gateway.awsCalls(), {});

    const items = itemsOf(
      await gateway.execute(TerminateWorkspacesDocument, { input: { workspaceIds: ids([target, suspended]), confirm: true } }),
    );
    assert.deepEqual(items.map(summary), [
      ["WorkspaceActionSuccess", "TERMINATING"],
      ["ValidationError", "input.workspaceIds[1]", "state"],
    ]);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 2, TerminateWorkspaces: 1 });
  });

  it("fails each item THROTTLED (retryable) when AWS throttles past the retries; the read before is skipped, not fatal", async () => {
    const targets = [pool.take({ state: "AVAILABLE" }), pool.take({ state: "AVAILABLE" })];
    gateway.emulator!.settings.throttleRate = 1;
    try {
      const items = itemsOf(await gateway.execute(RebootWorkspacesDocument, { input: { workspaceIds: ids(targets) }, read: false }));
      assert.deepEqual(items.map(summary), [
        ["UpstreamError", "THROTTLED", "ThrottlingException"],
        ["UpstreamError", "THROTTLED", "ThrottlingException"],
      ]);
      assert.ok(items.every((item) => item.__typename === "UpstreamError" && item.retryable));
    } finally {
      gateway.emulator!.settings.throttleRate = 0;
    }
    assert.deepEqual(await gateway.awsCalls(), {
      DescribeWorkspaces: DEFAULT_CALL_POLICY.maxAttempts,
      RebootWorkspaces: DEFAULT_CALL_POLICY.maxAttempts,
    });
  });
});

describe("WorkSpace actions at their limits", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ workspaces: 150, pendingMs: 60_000 });
  });
  after(() => gateway.close());

  it("terminates 100 WorkSpaces in four calls of 25 after four reads, answering them in input order", async () => {
    const targets = (await SeededPool.load(gateway.client)).takeAll((w) => w.State !== "SUSPENDED", 100);
    await gateway.resetAwsCalls();
    const items = itemsOf(
      await gateway.execute(TerminateWorkspacesDocument, { input: { workspaceIds: ids(targets), confirm: true }, read: false }),
    );
    assert.deepEqual(
      items.map((item) => (item.__typename === "WorkspaceActionSuccess" ? item.workspaceId : item.__typename)),
      ids(targets),
    );
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: 4, TerminateWorkspaces: 4 });
  });
});

describe("terminateWorkspaces and scopes", () => {
  const READER = "reader-key-0123456789abcdef";
  const WRITER = "writer-key-0123456789abcdef";
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, settingsFrom({ GATEWAY_API_KEYS: `${READER}:read,${WRITER}:write` }));
  });
  after(() => gateway.close());

  const terminate = async (key: string, workspaceId: string, read: boolean) =>
    (await (
      await gateway.post(
        { query: print(TerminateWorkspacesDocument), variables: { input: { workspaceIds: [workspaceId], confirm: true }, read } },
        { authorization: `Bearer ${key}` },
      )
    ).json()) as GraphQLResponse<Record<string, Result | null>>;

  it("needs the write scope: a read-only key is FORBIDDEN before any call", async () => {
    const [target] = (await SeededPool.load(gateway.client)).takeAll((w) => w.State === "AVAILABLE", 1);
    await gateway.resetAwsCalls();
    const refused = await terminate(READER, target!.WorkspaceId!, false);
    assert.deepEqual(refused.data, { terminateWorkspaces: null });
    assert.deepEqual(
      refused.errors?.map((e) => [e.extensions?.code, e.extensions?.field]),
      [["FORBIDDEN", "terminateWorkspaces"]],
    );
    assert.deepEqual(await gateway.awsCalls(), {});

    const done = await terminate(WRITER, target!.WorkspaceId!, false);
    assert.deepEqual(typenames(itemsOf(done)), ["WorkspaceActionSuccess"]);
  });
});
