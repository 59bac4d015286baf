// The AWS budget held against the attacks of the fair-share issue, over HTTP against the emulator: one key flooding
// nodes(ids:) at the limit of what it may send while another's dashboard and /ready go on, writes starved by their
// deadline (never OUTCOME_UNKNOWN), subscription caps, an expensive document, and a keyed retry of an unknown create.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import type { RunningGateway } from "../../src/server.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { globalId, sdkWorkspaces, settingsFrom, startTestGateway } from "../gateway/fixture.ts";
import { eventually } from "../subscriptions/helpers.ts";
import { SseSubscription } from "../support/sse.ts";
import type { LossyGateway } from "./lossy-network.ts";
import { startGatewayWithLossyNetwork } from "./lossy-network.ts";

const FLOOD = "flood-key-0123456789abcdef";
const OTHER = "other-key-0123456789abcdef";
const WRITER = "writer-key-0123456789abcdef";
const API_KEYS = `${FLOOD}:read,${OTHER}:read,${WRITER}:read+write`;
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const post = async (gateway: { url: string }, body: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** 2,500 well-formed WorkSpace IDs as global IDs: 100 DescribeWorkspaces, the most one request may cost. */
const FLOOD_IDS = Array.from({ length: 2_500 }, (_, i) => globalId("Workspace", `ws-${String(i).padStart(9, "0")}`));
const NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id } }";
const DASHBOARD = "{ workspaces(first: 25) { edges { node { workspaceId state bundle { name } } } pageInfo { hasNextPage } } }";

describe("one key flooding the budget", { timeout: 120_000 }, () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway(
      { latencyMs: 50 },
      { ...settingsFrom({ GATEWAY_API_KEYS: API_KEYS, AWS_RATE_LIMIT: "50" }), callerRateLimit: 25, callerBurst: 200 },
    );
  });
  after(() => gateway.close());

  it("refuses the flood's excess with RATE_LIMITED before any call, while another key's dashboard and /ready go on", async () => {
    const dashboard = async () => {
      const started = performance.now();
      const { status, body } = await post(gateway, { query: DASHBOARD }, bearer(OTHER));
      assert.equal(status, 200);
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      return performance.now() - started;
    };
    await dashboard();
    const quiet: number[] = [];
    for (let i = 0; i < 9; i++) quiet.push(await dashboard());

    let flooding = true;
    const refused: Body[] = [];
    let retryAfter: string | null = null;
    let admitted = 0;
    const flooder = async () => {
      while (flooding) {
        const answer = await post(gateway, { query: NODES, variables: { ids: FLOOD_IDS } }, bearer(FLOOD));
        if (answer.status === 429) {
          refused.push(answer.body);
          retryAfter = answer.headers.get("retry-after");
          // At the limit of what it may send: it comes back as soon as it is told it may.
          await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000));
        } else admitted += 1;
      }
    };
    await gateway.resetAwsCalls();
    const started = performance.now();
    const flood = Promise.all(Array.from({ length: 4 }, flooder));
    // The flood's first admitted requests queue 200 calls, four seconds of the whole budget.
    const flooded: number[] = [];
    const ready: number[] = [];
    for (let i = 0; i < 9; i++) {
      flooded.push(await dashboard());
      ready.push((await fetch(`${gateway.origin}/ready`)).status);
    }
    flooding = false;
    await flood;
    const seconds = (performance.now() - started) / 1000;

    assert.ok(admitted >= 2, `${admitted} flood requests admitted`);
    assert.ok(refused.length > 0, "the flood's excess was refused");
    assert.deepEqual(new Set(refused.map((b) => b.errors?.[0]?.extensions?.code)), new Set(["RATE_LIMITED"]));
    assert.ok(Number(retryAfter) >= 1, `Retry-After: ${retryAfter}`);
    assert.deepEqual(new Set(ready), new Set([200]), "/ready answered 200 throughout");
    assert.ok(
      median(flooded) <= 2 * median(quiet),
      `dashboard median ${median(flooded).toFixed(0)} ms under the flood, ${median(quiet).toFixed(0)} ms without`,
    );
    // Never more than the budget in any second of the clock, as the emulator counted them.
    const calls = Object.values(await gateway.awsCalls()).reduce((a, b) => a + b, 0);
    const busiest = Math.max(...Object.values(gateway.emulator!.stats().busiestSecond));
    assert.ok(busiest <= 50, `${busiest} AWS calls in one second (${calls} in ${seconds.toFixed(1)} s)`);
  });
});

describe("a caller whose share is spent", () => {
  let gateway: TestGateway;
  before(async () => {
    // A call every 100 s: the share stays spent for the whole test, however slow the machine.
    gateway = await startTestGateway({}, { ...settingsFrom({ GATEWAY_API_KEYS: API_KEYS }), callerRateLimit: 0.01, callerBurst: 100 });
  });
  after(() => gateway.close());

  it("is refused before its request is read, with Retry-After; other callers are not", async () => {
    const spend = await post(gateway, { query: NODES, variables: { ids: FLOOD_IDS } }, bearer(FLOOD));
    assert.equal(spend.status, 200);
    // Not JSON: had it been read, the answer would be a 400 about the body.
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(FLOOD) },
      body: "{ not json",
    });
    assert.equal(response.status, 429);
    const retryAfter = Number(response.headers.get("retry-after"));
    assert.ok(retryAfter >= 90 && retryAfter <= 100, `Retry-After: ${retryAfter}`);
    const body = (await response.json()) as Body;
    assert.equal(body.errors?.[0]?.extensions?.code, "RATE_LIMITED");
    assert.equal(body.errors?.[0]?.extensions?.retryAfter, retryAfter);
    assert.match(body.errors![0]!.message, /share of the AWS budget is spent/);
    assert.equal((await post(gateway, { query: DASHBOARD }, bearer(OTHER))).status, 200);
  });
});

describe("writes starved by their deadline", () => {
  let gateway: TestGateway;
  before(async () => {
    // A budget of 5 calls a second and half a second to make them: most of 25 writes cannot go in time.
    gateway = await startTestGateway({ coolDownScale: 0 }, { awsRateLimit: 5, deadlineMs: 500 });
  });
  after(() => gateway.close());

  it("fails what never left the gateway with a retryable code, never OUTCOME_UNKNOWN, and sends each item at most once", async () => {
    const ids = (await sdkWorkspaces(gateway.client))
      .filter((w) => w.State === "AVAILABLE")
      .map((w) => w.WorkspaceId!)
      .slice(0, 25);
    await gateway.resetAwsCalls();
    const { body } = await post(gateway, {
      query: `mutation ($input: ModifyWorkspacePropertiesInput!) { modifyWorkspaceProperties(input: $input) {
        ... on ModifyWorkspacePropertiesPayload { results { __typename ... on Error { code retryable } } } } }`,
      variables: {
        input: { modifications: ids.map((workspaceId) => ({ workspaceId, workspaceProperties: { runningMode: "AUTO_STOP" } })) },
      },
    });
    const results = (body.data!.modifyWorkspaceProperties as { results: { __typename: string; code?: string; retryable?: boolean }[] })
      .results;
    assert.equal(results.length, 25);
    const unsent = results.filter((r) => r.code === "RATE_LIMITED" || r.code === "DEADLINE_EXCEEDED");
    assert.ok(unsent.length > 0, "the budget could not take them all in time");
    assert.ok(unsent.every((r) => r.retryable === true));
    assert.deepEqual(
      results.filter((r) => r.code === "OUTCOME_UNKNOWN"),
      [],
    );
    const sent = results.length - unsent.length;
    assert.equal((await gateway.awsCalls()).ModifyWorkspaceProperties ?? 0, sent, "every item not reported unsent reached AWS, once");
  });

  it("waits past the deadline for the answer to a write already sent, rather than make it OUTCOME_UNKNOWN", async () => {
    // The bundle read first, so that the create's only call is its write.
    await post(gateway, { query: '{ bundle(bundleId: "wsb-8vbljg4r6") { bundleId } }' });
    await gateway.resetAwsCalls();
    // AWS holds its answer until the request's deadline (500 ms) has surely passed.
    const release = gateway.emulator!.hold();
    let answer: ReturnType<typeof post> | undefined;
    try {
      answer = post(gateway, {
        query: `mutation { createWorkspaces(input: { workspaces: [
          { directoryId: "d-906734e2f1", userName: "past-deadline", bundleId: "wsb-8vbljg4r6" }
        ] }) { ... on CreateWorkspacesPayload { results { __typename ... on Error { code } } } } }`,
      });
      await eventually(async () => (await gateway.awsCalls()).CreateWorkspaces === 1, "the create sent");
      await new Promise((resolve) => setTimeout(resolve, 2 * 500));
    } finally {
      release();
    }
    const { body } = await answer!;
    assert.deepEqual(body.data?.createWorkspaces, { results: [{ __typename: "Workspace" }] }, JSON.stringify(body));
  });
});

describe("subscription caps", () => {
  let gateway: TestGateway;
  let ids: string[];
  before(async () => {
    gateway = await startTestGateway({}, { watchMaxSubscriptions: 2, watchMaxWorkspaces: 30 });
    ids = (await sdkWorkspaces(gateway.client)).map((w) => w.WorkspaceId!);
  });
  after(() => gateway.close());

  const document = parse(
    "subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) { ... on Workspace { workspaceId } } }",
  ) as TypedDocumentNode<{ workspaceStateChanged: { workspaceId: string } }, { ids: string[] }>;

  it("refuses a caller's subscription beyond its caps with RATE_LIMITED, before any AWS call, and takes it once one ends", async () => {
    const first = await SseSubscription.open(gateway.url, document, { ids: ids.slice(0, 20) });
    await first.nextData();
    await gateway.resetAwsCalls();
    const tooMany = await SseSubscription.open(gateway.url, document, { ids: ids.slice(15, 35) });
    const refusedIds = await tooMany.next();
    assert.notEqual(refusedIds, "complete");
    assert.equal((refusedIds as Body).errors?.[0]?.extensions?.code, "RATE_LIMITED", "35 distinct WorkSpaces is over 30");
    tooMany.close();
    const second = await SseSubscription.open(gateway.url, document, { ids: ids.slice(0, 5) });
    await second.nextData();
    const third = await SseSubscription.open(gateway.url, document, { ids: ids.slice(0, 1) });
    const refusedThird = await third.next();
    assert.equal((refusedThird as Body).errors?.[0]?.extensions?.code, "RATE_LIMITED", "a third subscription is over 2");
    third.close();
    assert.deepEqual(await gateway.awsCalls(), {}, "the refused ones cost nothing");
    second.close();
    first.close();
  });
});

describe("validation stays cheap", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  it("refuses before validating it a 9 KB document repeating pageInfo { hasNextPage } 400 times", async () => {
    const query = `{ workspaces { ${"pageInfo { hasNextPage } ".repeat(400)} } }`;
    assert.ok(query.length > 9_000);
    const { body } = await post(gateway, { query });
    assert.deepEqual(
      body.errors?.map((e) => [e.extensions?.code, e.extensions?.rule, e.extensions?.actual]),
      // 400 fields of 2 (pageInfo and hasNextPage): 79,800 pairs of 2 × 2 comparisons each.
      [["QUERY_TOO_COMPLEX", "fieldPairs", 319_200]],
    );
  });
});

describe("a keyed retry of a create whose outcome was unknown", () => {
  let healthy: TestGateway;
  let lossy: LossyGateway;
  let gateway: RunningGateway;
  let dropWrites = true;

  before(async () => {
    healthy = await startTestGateway({ visibilityLagMs: 0 });
    // While dropWrites holds, a create reaches AWS but its answer is lost.
    lossy = await startGatewayWithLossyNetwork(healthy.emulator!.url, (operation) => dropWrites && operation === "CreateWorkspaces");
    gateway = lossy.gateway;
  });
  after(async () => {
    await lossy.close();
    await healthy.close();
  });

  it("sends the unknown item again and reports the WorkSpace AWS did create; the known outcome is replayed", async () => {
    const create = () =>
      post(gateway, {
        query: `mutation ($input: CreateWorkspacesInput!) { createWorkspaces(input: $input) { ... on CreateWorkspacesPayload {
          replayed results { __typename ... on Workspace { workspaceId userName } ... on Error { code } } } } }`,
        variables: {
          input: {
            idempotencyKey: "order-unknown-1",
            workspaces: [
              { directoryId: "d-906734e2f1", userName: "unknown-outcome", bundleId: "wsb-8vbljg4r6" },
              { directoryId: "d-906734e2f1", userName: "", bundleId: "wsb-8vbljg4r6" },
            ],
          },
        },
      });
    const first = (await create()).body.data!.createWorkspaces as { replayed: boolean; results: Record<string, unknown>[] };
    assert.deepEqual(first.results, [
      { __typename: "UpstreamError", code: "OUTCOME_UNKNOWN" },
      { __typename: "ValidationError", code: "VALIDATION" },
    ]);
    dropWrites = false;
    await healthy.resetAwsCalls();
    const again = (await create()).body.data!.createWorkspaces as { replayed: boolean; results: Record<string, unknown>[] };
    assert.equal(again.replayed, true);
    assert.equal(again.results[0]!.__typename, "Workspace", JSON.stringify(again.results));
    assert.equal(again.results[0]!.userName, "unknown-outcome");
    assert.deepEqual(again.results[1], { __typename: "ValidationError", code: "VALIDATION" });
    // Sent again (refused as existing), then found; the next repeat replays it without calling AWS.
    assert.deepEqual(await healthy.awsCalls(), { CreateWorkspaces: 1, DescribeWorkspaces: 1 });
    const [aws] = (await sdkWorkspaces(healthy.client)).filter((w) => w.UserName === "unknown-outcome");
    assert.equal(again.results[0]!.workspaceId, aws!.WorkspaceId, "the one AWS created the first time");
    await healthy.resetAwsCalls();
    const third = (await create()).body.data!.createWorkspaces as { replayed: boolean; results: Record<string, unknown>[] };
    assert.deepEqual(third, again);
    assert.deepEqual(await healthy.awsCalls(), {});
  });
});
