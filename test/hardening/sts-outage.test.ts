// A role's STS that takes connections and never answers, then answers again, through a proxy of the test's own in front
// of the emulator's STS: the role's account fails fast and typed meanwhile (a write ends at its deadline, nothing sent;
// lists and /ready do not wait for it), the hung call is given up, and the account recovers by itself.
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { RebootWorkspacesCommand } from "@aws-sdk/client-workspaces";
import type { FailureError } from "../../src/aws/failure.ts";
import { Upstream } from "../../src/aws/upstream.ts";
import { loadConfig } from "../../src/config.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { DEFAULT_ACCOUNT_ID, startEmulator } from "../../src/emulator/index.ts";
import { codeOf, ERROR_CODES } from "../../src/error-codes.ts";
import { AwsReadiness } from "../../src/http/readiness.ts";
import type { RunningGateway } from "../../src/server.ts";
import { startGateway } from "../../src/server.ts";
import { restoreAwsEnvironment, useAwsEnvironment } from "../gateway/fixture.ts";
import { eventually } from "../subscriptions/helpers.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { StallingProxy } from "../support/stalling-proxy.ts";

const OTHER = "210987654321";
const READER_ROLE = `arn:aws:iam::${OTHER}:role/WorkSpacesReader`;
const REGION = "us-east-1";
const DEADLINE_MS = 1_500;
const STS_TIMEOUT_MS = 500;
/** How long a write AWS may have received waits for its answer past its deadline (upstream.ts). */
const WRITE_GRACE_MS = 10_000;

const LIST = "{ workspaces(first: 100) { edges { node { accountId } } missingPartitions { accountId code } } }";

describe("a role's STS hangs, then answers again", { timeout: 90_000 }, () => {
  let emulator: RunningEmulator;
  let proxy: StallingProxy;
  let gateway: RunningGateway;

  const send = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
      // Today's gateway never answers; the test fails instead of waiting for ever.
      signal: AbortSignal.timeout(30_000),
    });
    return (await response.json()) as GraphQLResponse<Record<string, unknown>>;
  };

  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 10, regions: [REGION] });
    proxy = await StallingProxy.start(emulator.url);
    useAwsEnvironment(emulator.url);
    process.env.AWS_ENDPOINT_URL_STS = proxy.url;
    gateway = await startGateway({
      ...loadConfig({
        WORKSPACES_BACKEND: "aws",
        AWS_REGION: REGION,
        WORKSPACES_ROLE_ARNS: READER_ROLE,
        REQUEST_DEADLINE_MS: String(DEADLINE_MS),
        STS_TIMEOUT_MS: String(STS_TIMEOUT_MS),
        AWS_MAX_ATTEMPTS: "1",
        CALLER_RATE_LIMIT: "0",
      }),
      port: 0,
      logLevel: "silent",
    });
  });
  after(async () => {
    await gateway?.close();
    restoreAwsEnvironment();
    await proxy?.close();
    await emulator?.close();
  });

  it("ends a write in the role's account within its deadline, typed and unsent, and gives the hung AssumeRole up", async () => {
    proxy.hanging = true;
    const assumed = proxy.next("AssumeRole");
    const abandoned = once(proxy, "abandoned");
    const world = emulator.worldOf(OTHER, REGION);
    const request = {
      region: REGION,
      accountId: OTHER,
      directoryId: world.directories.describe({}).Directories![0]!.DirectoryId!,
      bundleId: world.bundles.describe({ Owner: "AMAZON" }).Bundles![0]!.BundleId!,
      userName: "sts-outage",
    };
    const started = performance.now();
    const body = await send(
      `mutation ($input: CreateWorkspacesInput!) { createWorkspaces(input: $input) {
        __typename ... on CreateWorkspacesPayload { results { __typename ... on Error { code retryable } } } } }`,
      { input: { workspaces: [request] } },
    );
    const ms = performance.now() - started;
    await assumed;
    assert.deepEqual(body.errors, undefined);
    assert.deepEqual(body.data, {
      createWorkspaces: {
        __typename: "CreateWorkspacesPayload",
        // Not OUTCOME_UNKNOWN: the keys to sign it were never had, so nothing was sent.
        results: [{ __typename: "UpstreamError", code: "UPSTREAM_UNAVAILABLE", retryable: true }],
      },
    });
    assert.ok(ms < DEADLINE_MS + WRITE_GRACE_MS, `answered after ${Math.round(ms)} ms`);
    assert.equal(emulator.stats().requests.CreateWorkspaces ?? 0, 0, "nothing reached WorkSpaces");
    // The gateway closed the connection STS held: the call had a timeout of its own.
    await abandoned;
  });

  it("lists the other partitions meanwhile, the role's missing as unavailable rather than out of time", async () => {
    const body = await send(LIST);
    const page = (body.data as unknown as { workspaces: { edges: { node: { accountId: string } }[]; missingPartitions: unknown[] } })
      .workspaces;
    assert.ok(page.edges.length > 0);
    assert.ok(page.edges.every((edge) => edge.node.accountId === DEFAULT_ACCOUNT_ID));
    assert.deepEqual(page.missingPartitions, [{ accountId: OTHER, code: "UPSTREAM_UNAVAILABLE" }]);
  });

  it("recovers the role's partitions by itself within 30 s of STS answering again, with a new AssumeRole", async () => {
    const assumed = proxy.next("AssumeRole");
    proxy.hanging = false;
    const passedAt = performance.now();
    await eventually(
      async () => {
        const page = (await send(LIST)).data as { workspaces: { missingPartitions: unknown[] } } | undefined;
        return page?.workspaces.missingPartitions.length === 0;
      },
      "the role's partition listed again",
      30_000,
    );
    await assumed;
    assert.ok(performance.now() - passedAt < 30_000);
  });
});

describe("readiness", () => {
  it("is ready as soon as one partition answers, while another's probe still hangs", async () => {
    const emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 5, regions: [REGION] });
    const proxy = await StallingProxy.start(emulator.url);
    const credentials = { accessKeyId: "emulator", secretAccessKey: "emulator" };
    const hung = new Upstream({ endpoint: proxy.url, region: REGION, credentials });
    const answering = new Upstream({ endpoint: emulator.url, region: REGION, credentials });
    try {
      proxy.hanging = true;
      const asked = once(proxy, "action");
      const probeTimeoutMs = 60_000;
      const readiness = new AwsReadiness([hung, answering], 0, probeTimeoutMs);
      const started = performance.now();
      const ready = await readiness.check();
      const ms = performance.now() - started;
      await asked;
      assert.equal(ready, true);
      assert.equal(proxy.abandoned, 0, "answered while the hung probe was still waiting");
      assert.ok(ms < probeTimeoutMs / 2, `ready after ${Math.round(ms)} ms, not at the hung probe's timeout`);
    } finally {
      hung.destroy();
      answering.destroy();
      await proxy.close();
      await emulator.close();
    }
  });
});

describe("a write whose credential provider never answers", { timeout: 30_000 }, () => {
  it("ends at its deadline as not sent (DEADLINE_EXCEEDED, retryable), not as an outcome unknown", async () => {
    const emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 5, regions: [REGION] });
    // A provider of the operator's own, stuck for good: the SDK itself would wait on it for ever.
    const upstream = new Upstream({ endpoint: emulator.url, region: REGION, credentials: () => new Promise(() => {}) });
    try {
      const deadline = AbortSignal.timeout(200);
      const failure = await upstream
        .write(new RebootWorkspacesCommand({ RebootWorkspaceRequests: [{ WorkspaceId: "ws-abcdefgh1" }] }), {
          signal: deadline,
        })
        .then(
          () => assert.fail("the write succeeded"),
          (error: unknown) => (error as FailureError).failure,
        );
      assert.ok(deadline.aborted);
      assert.deepEqual([failure.kind, codeOf(failure), ERROR_CODES[codeOf(failure)].retryable], ["unsent", "DEADLINE_EXCEEDED", true]);
      assert.equal(emulator.stats().requests.RebootWorkspaces ?? 0, 0);
    } finally {
      upstream.destroy();
      await emulator.close();
    }
  });
});
