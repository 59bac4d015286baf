// The gateway under upstream faults, against the emulator's knobs: throttling, slowness, disconnecting clients,
// an upstream that is gone, an upstream that fails after it may have applied a create, and a keyed retry of such a
// create while AWS does not list the new WorkSpace yet.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningGateway } from "../../src/server.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { metricValue, sdkWorkspaces, startTestGateway } from "../gateway/fixture.ts";
import { BUNDLES, CORP, uniqueUser } from "../mutations/helpers.ts";
import { eventually } from "../subscriptions/helpers.ts";
import type { LossyGateway } from "./lossy-network.ts";
import { startGatewayWithLossyNetwork } from "./lossy-network.ts";

const DASHBOARD = `{ workspaces(first: 25) { edges { node { workspaceId state workspaceProperties { computeTypeName }
  bundle { name computeType { name } } } } pageInfo { hasNextPage } } }`;

interface Body {
  data?: { workspaces?: { edges: unknown[] } } | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

async function query(gateway: TestGateway, text: string): Promise<Body> {
  return (await (await gateway.post({ query: text })).json()) as Body;
}

describe("throttling", () => {
  let gateway: TestGateway;
  before(async () => {
    // A deadline roomy enough for four throttled attempts on a busy machine: the retries, not the clock, are tested.
    gateway = await startTestGateway({ latencyMs: 5 }, { deadlineMs: 8_000, bundleCacheTtlMs: 0 });
  });
  after(() => gateway.close());

  it("at a throttle rate of 0.3, hundreds of concurrent dashboard queries all succeed with correct data", async (t) => {
    // Ten attempts a call: the 300 queries share their reads less the busier the machine, and at four attempts each
    // of up to 300 calls failed with a chance of 0.3^4 (one of them in about half the busy runs); at ten, 0.3^10.
    const retrying = await startTestGateway({ latencyMs: 5 }, { deadlineMs: 20_000, bundleCacheTtlMs: 0, awsMaxAttempts: 10 });
    t.after(() => retrying.close());
    const expected = await query(retrying, DASHBOARD);
    assert.equal(expected.errors, undefined);
    retrying.emulator!.settings.throttleRate = 0.3;
    try {
      const bodies = await Promise.all(Array.from({ length: 300 }, () => query(retrying, DASHBOARD)));
      const failed = bodies.filter((body) => body.errors);
      assert.deepEqual(
        failed.slice(0, 1).map((b) => b.errors),
        [],
      );
      for (const body of bodies) assert.deepEqual(body, expected);
    } finally {
      retrying.emulator!.settings.throttleRate = 0;
    }
    assert.ok(metricValue(await retrying.metrics(), "workspaces_aws_throttles_total", { operation: "DescribeWorkspaces" }) > 0);
    assert.ok(metricValue(await retrying.metrics(), "workspaces_aws_retries_total", { operation: "DescribeWorkspaces" }) > 0);
  });

  it("at 1.0, a typed THROTTLED error arrives within the deadline", async () => {
    gateway.emulator!.settings.throttleRate = 1;
    try {
      const started = Date.now();
      const body = await query(gateway, DASHBOARD);
      const elapsed = Date.now() - started;
      assert.deepEqual(body.data, { workspaces: null });
      assert.deepEqual(
        body.errors?.map((e) => [e.path, e.extensions]),
        [[["workspaces"], { code: "THROTTLED", retryable: true, awsErrorCode: "ThrottlingException" }]],
      );
      assert.ok(elapsed < 8_000, `answered after ${elapsed} ms`);
    } finally {
      gateway.emulator!.settings.throttleRate = 0;
    }
  });
});

describe("deadline and disconnects", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ latencyMs: 0 }, { deadlineMs: 300 });
  });
  after(() => gateway.close());

  it("aborts AWS calls that outlast the request's deadline, with a typed DEADLINE_EXCEEDED", async () => {
    // AWS would take 30 s: an answer well before it can only be the 300 ms deadline's.
    gateway.emulator!.settings.latencyMs = 30_000;
    try {
      const started = Date.now();
      const body = await query(gateway, DASHBOARD);
      assert.deepEqual(
        body.errors?.map((e) => e.extensions),
        [{ code: "DEADLINE_EXCEEDED", retryable: true }],
      );
      assert.ok(Date.now() - started < 15_000);
    } finally {
      gateway.emulator!.settings.latencyMs = 0;
    }
  });

  it("aborts the AWS calls of a client that disconnects", async () => {
    const aborted = () =>
      gateway
        .metrics()
        .then((text) => metricValue(text, "workspaces_aws_requests_total", { operation: "DescribeWorkspaces", outcome: "AbortError" }));
    const before = await aborted();
    await gateway.resetAwsCalls();
    // AWS answers nothing until the client has gone, so the call is surely in flight when it leaves.
    const release = gateway.emulator!.hold();
    try {
      const controller = new AbortController();
      const pending = fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ workspaces(first: 3) { edges { cursor } } }" }),
        signal: controller.signal,
      });
      await eventually(async () => (await gateway.awsCalls()).DescribeWorkspaces === 1, "the read in flight");
      controller.abort();
      await assert.rejects(pending);
      await eventually(async () => (await aborted()) === before + 1, "the read aborted");
    } finally {
      release();
    }
  });
});

describe("identical reads from concurrent requests", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ latencyMs: 100 });
  });
  after(() => gateway.close());

  it("share AWS calls: 50 concurrent dashboards cost what one costs", async () => {
    await query(gateway, DASHBOARD);
    await gateway.resetAwsCalls();
    await query(gateway, DASHBOARD);
    const alone = await gateway.awsCalls();
    await gateway.resetAwsCalls();
    const joined = async () =>
      metricValue(await gateway.metrics(), "workspaces_aws_coalesced_reads_total", { operation: "DescribeWorkspaces" });
    const before = await joined();
    // AWS answers nothing until all 50 are waiting, however slowly a busy machine gets them there.
    const release = gateway.emulator!.hold();
    const bodies = Promise.all(Array.from({ length: 50 }, () => query(gateway, DASHBOARD)));
    await eventually(async () => (await joined()) - before >= 49, "49 requests joining the first one's call");
    release();
    assert.ok((await bodies).every((body) => !body.errors && body.data?.workspaces?.edges.length === 25));
    assert.deepEqual(await gateway.awsCalls(), alone);
  });
});

describe("upstream gone", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, { deadlineMs: 3_000 });
  });
  after(() => gateway.close());

  it("answers with a typed error, fails /ready, stays alive and live", async () => {
    assert.equal((await fetch(`${gateway.origin}/ready`)).status, 200);
    await gateway.emulator!.close();
    const body = await query(gateway, DASHBOARD);
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ["UPSTREAM_UNAVAILABLE"],
    );
    assert.doesNotMatch(JSON.stringify(body), /127\.0\.0\.1|ECONNREFUSED|at .*:\d+:\d+/);
    // /ready remembers its last answer for 2 s, then asks again.
    await eventually(async () => (await fetch(`${gateway.origin}/ready`)).status === 503, "/ready failing");
    const ready = await fetch(`${gateway.origin}/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: "unavailable", reason: "AWS WorkSpaces is not reachable" });
    assert.equal((await fetch(`${gateway.origin}/health`)).status, 200);
  });
});

describe("a write that fails after it may have applied", () => {
  let gateway: TestGateway;
  let dropped = 0;
  /** A gateway whose writes reach AWS but whose answers are lost, as a deployment with a flaky network path would have. */
  let lossy: LossyGateway;
  let flaky: RunningGateway;
  const send = async (target: { url: string }, query: string) =>
    (
      (await (
        await fetch(target.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })
      ).json()) as {
        data: Record<string, { results: Record<string, unknown>[] }>;
      }
    ).data;

  before(async () => {
    gateway = await startTestGateway();
    lossy = await startGatewayWithLossyNetwork(gateway.emulator!.url, (operation) => {
      const lost = /^(CreateWorkspaces|ModifyWorkspaceProperties|TerminateWorkspaces)$/.test(operation);
      if (lost) dropped += 1;
      return lost;
    });
    flaky = lossy.gateway;
  });
  after(async () => {
    await lossy.close();
    await gateway.close();
  });

  const CREATE = `mutation { createWorkspaces(input: { workspaces: [{ directoryId: "d-906734e2f1", userName: "lossy-user", bundleId: "wsb-8vbljg4r6" }] }) {
    ... on CreateWorkspacesPayload { results { __typename ... on Error { code retryable awsErrorCode } } } } }`;

  it("is not retried for a create, and reports OUTCOME_UNKNOWN; the same create through a healthy path is refused by AWS as a duplicate", async () => {
    dropped = 0;
    const first = await send(flaky, CREATE);
    assert.equal(dropped, 1);
    assert.deepEqual(first.createWorkspaces!.results, [
      { __typename: "UpstreamError", code: "OUTCOME_UNKNOWN", retryable: false, awsErrorCode: null },
    ]);
    // AWS did create it: a blind retry would have been a second attempt at the same WorkSpace.
    const again = await send(gateway, CREATE);
    assert.deepEqual(again.createWorkspaces!.results, [
      { __typename: "CreateWorkspaceFailure", code: "ALREADY_EXISTS", retryable: false, awsErrorCode: "ResourceExists.Workspace" },
    ]);
  });

  it("is not retried for a modify either (a retry would be refused while the first is in progress), and is OUTCOME_UNKNOWN, not retryable", async () => {
    dropped = 0;
    const [target] = (await sdkWorkspaces(gateway.client)).filter(
      (w) => w.State === "AVAILABLE" && w.WorkspaceProperties?.ComputeTypeName === "STANDARD",
    );
    const modified = await send(
      flaky,
      `mutation { modifyWorkspaceProperties(input: { modifications: [{ workspaceId: "${target!.WorkspaceId}", workspaceProperties: { computeTypeName: PERFORMANCE } }] }) {
        ... on ModifyWorkspacePropertiesPayload { results { __typename ... on Error { code retryable message } } } } }`,
    );
    assert.equal(dropped, 1);
    assert.deepEqual(modified.modifyWorkspaceProperties!.results, [
      {
        __typename: "UpstreamError",
        code: "OUTCOME_UNKNOWN",
        retryable: false,
        message: "The call to AWS failed after it may have been applied; check before retrying.",
      },
    ]);
    // It was applied: AWS shows the change under way.
    const [after] = (await sdkWorkspaces(gateway.client)).filter((w) => w.WorkspaceId === target!.WorkspaceId);
    assert.deepEqual(
      after!.ModificationStates?.map((m) => m.Resource),
      ["COMPUTE_TYPE"],
    );
  });

  it("never retries a terminate that may have applied: OUTCOME_UNKNOWN, one call, and AWS shows it terminating", async () => {
    dropped = 0;
    const [target] = (await sdkWorkspaces(gateway.client)).filter(
      (w) => w.State === "AVAILABLE" && (w.ModificationStates ?? []).length === 0,
    );
    const terminated = await send(
      flaky,
      `mutation { terminateWorkspaces(input: { workspaceIds: ["${target!.WorkspaceId}"], confirm: true }) {
        ... on WorkspaceActionPayload { results { __typename ... on Error { code retryable } } } } }`,
    );
    assert.equal(dropped, 1, "the terminate was sent more than once");
    assert.deepEqual(terminated.terminateWorkspaces!.results, [{ __typename: "UpstreamError", code: "OUTCOME_UNKNOWN", retryable: false }]);
    const [after] = (await sdkWorkspaces(gateway.client)).filter((w) => w.WorkspaceId === target!.WorkspaceId);
    // It was applied (TERMINATED once the emulator's 10 s have passed): a retry would have been a second terminate.
    assert.match(after!.State!, /^TERMINAT(ING|ED)$/);
  });
});

describe("a keyed create whose answer was lost, retried within AWS's visibility lag", () => {
  let gateway: TestGateway;
  let lossy: LossyGateway;
  /** While set, a create reaches AWS but its answer is lost. */
  let losing = false;
  // Short, so waiting out AWS's lag past it costs the test seconds, not the default 10.
  const DEADLINE_MS = 3_000;

  before(async () => {
    gateway = await startTestGateway();
    lossy = await startGatewayWithLossyNetwork(gateway.emulator!.url, (operation) => losing && operation === "CreateWorkspaces", {
      deadlineMs: DEADLINE_MS,
    });
  });
  after(async () => {
    await lossy.close();
    await gateway.close();
  });

  interface Item {
    __typename: string;
    workspaceId?: string;
    userName?: string;
    code?: string;
    retryable?: boolean;
  }
  const create = async (key: string, userName: string) => {
    const response = await fetch(lossy.gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation ($input: CreateWorkspacesInput!) { createWorkspaces(input: $input) { ... on CreateWorkspacesPayload {
          results { __typename ... on Workspace { workspaceId userName } ... on Error { code retryable } } } } }`,
        variables: { input: { idempotencyKey: key, workspaces: [{ directoryId: CORP, userName, bundleId: BUNDLES.standard }] } },
      }),
    });
    const body = (await response.json()) as { data: { createWorkspaces: { results: Item[] } } };
    return body.data.createWorkspaces.results[0]!;
  };
  /** The first answer, lost: OUTCOME_UNKNOWN, retryable, as a retry with the key finds out what became of it. */
  const lostCreate = async (key: string, userName: string) => {
    losing = true;
    try {
      assert.deepEqual(await create(key, userName), { __typename: "UpstreamError", code: "OUTCOME_UNKNOWN", retryable: true });
    } finally {
      losing = false;
    }
  };
  const createdFor = async (userName: string) => (await sdkWorkspaces(gateway.client)).find((w) => w.UserName === userName);

  it("waits out the lag within the deadline and reports the WorkSpace the lost attempt created", async () => {
    gateway.emulator!.settings.visibilityLagMs = DEADLINE_MS / 2;
    const userName = uniqueUser("lagging");
    await lostCreate("lag-within-deadline", userName);
    const retry = await create("lag-within-deadline", userName);
    assert.equal(retry.__typename, "Workspace", JSON.stringify(retry));
    assert.equal(retry.workspaceId, (await createdFor(userName))!.WorkspaceId);
  });

  it("past the deadline answers OUTCOME_UNKNOWN, retryable, never ALREADY_EXISTS; a later retry reports the WorkSpace", async () => {
    gateway.emulator!.settings.visibilityLagMs = DEADLINE_MS * 2;
    const userName = uniqueUser("lagging");
    await lostCreate("lag-past-deadline", userName);
    const answers: Item[] = [];
    for (let answer = await create("lag-past-deadline", userName); ; answer = await create("lag-past-deadline", userName)) {
      answers.push(answer);
      if (answer.__typename !== "UpstreamError") break;
    }
    const unknown = { __typename: "UpstreamError", code: "OUTCOME_UNKNOWN", retryable: true };
    assert.deepEqual(answers[0], unknown, "the first retry comes well within the lag");
    assert.deepEqual(
      answers.slice(0, -1),
      answers.slice(0, -1).map(() => unknown),
    );
    const last = answers.at(-1)!;
    assert.equal(last.__typename, "Workspace", JSON.stringify(answers));
    assert.equal(last.workspaceId, (await createdFor(userName))!.WorkspaceId);
  });
});
