// The two backends: the embedded emulator (the default), and `aws`, where the SDK's standard configuration (region,
// credentials, AWS_ENDPOINT_URL_WORKSPACES and AWS_ENDPOINT_URL_STS) decides where calls go; here a standalone emulator
// stands in for AWS.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { print } from "graphql";
import { loadConfig } from "../../src/config.ts";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { RunningGateway } from "../../src/server.ts";
import { startGateway } from "../../src/server.ts";
import type { DashboardQuery } from "../generated/graphql.ts";
import { DashboardDocument } from "../generated/graphql.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { freePort } from "../support/ports.ts";
import { restoreAwsEnvironment, useAwsEnvironment } from "./fixture.ts";

async function dashboard(gateway: RunningGateway): Promise<{ status: number; body: GraphQLResponse<DashboardQuery> }> {
  const response = await fetch(gateway.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: print(DashboardDocument), variables: { first: 25 } }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as GraphQLResponse<DashboardQuery> };
}

describe("backend: aws, with a standalone emulator as AWS", () => {
  let emulator: RunningEmulator;
  let gateway: RunningGateway;
  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 30 });
    useAwsEnvironment(emulator.url);
    gateway = await startGateway(loadConfig({ ...process.env, WORKSPACES_BACKEND: "aws", PORT: "0" }));
  });
  after(async () => {
    await gateway?.close();
    await emulator?.close();
    restoreAwsEnvironment();
  });

  it("starts no emulator of its own", () => {
    assert.equal(gateway.emulator, undefined);
  });

  it("serves the dashboard from the endpoint AWS_ENDPOINT_URL_WORKSPACES names", async () => {
    emulator.resetStats();
    const { status, body } = await dashboard(gateway);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data!.workspaces!.edges.length, 25);
    assert.ok(
      body.data!.workspaces!.edges.every((e) => e.node.bundle?.name),
      "a workspace lacks its bundle",
    );
    assert.deepEqual(emulator.stats().requests, { DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 });
  });
});

describe("backend: aws, with nothing at the WorkSpaces endpoint", () => {
  let sts: RunningEmulator;
  let gateway: RunningGateway;
  before(async () => {
    // STS answers (start-up asks it whose the credentials are); WorkSpaces does not.
    sts = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 0 });
    useAwsEnvironment(`http://127.0.0.1:${await freePort()}`);
    process.env.AWS_ENDPOINT_URL_STS = sts.url;
    gateway = await startGateway(loadConfig({ ...process.env, WORKSPACES_BACKEND: "aws", PORT: "0" }));
  });
  after(async () => {
    await gateway?.close();
    await sts?.close();
    restoreAwsEnvironment();
  });

  it("answers UPSTREAM_UNAVAILABLE in an HTTP 200, without the endpoint, promptly", { timeout: 20_000 }, async () => {
    const { status, body } = await dashboard(gateway);
    assert.equal(status, 200);
    assert.deepEqual(body.data, { workspaces: null });
    assert.deepEqual(
      body.errors?.map((e) => e.extensions?.code),
      ["UPSTREAM_UNAVAILABLE"],
    );
    assert.ok(!JSON.stringify(body).includes("127.0.0.1"), `the endpoint leaked: ${JSON.stringify(body)}`);
    assert.ok(!JSON.stringify(body).includes("ECONNREFUSED"), `the socket error leaked: ${JSON.stringify(body)}`);
  });
});

describe("backend: aws, with nothing at the STS endpoint", () => {
  after(() => restoreAwsEnvironment());

  it("refuses to start, saying it cannot learn the credentials' account, without a stack", { timeout: 20_000 }, async () => {
    useAwsEnvironment(`http://127.0.0.1:${await freePort()}`);
    await assert.rejects(startGateway(loadConfig({ ...process.env, WORKSPACES_BACKEND: "aws", PORT: "0", AWS_MAX_ATTEMPTS: "1" })), {
      message: /^cannot learn the default credentials' account \(STS GetCallerIdentity\): /,
    });
  });
});

describe("loadConfig", () => {
  it("defaults to the embedded emulator", () => {
    assert.equal(loadConfig({}).backend, "emulator");
  });

  it("WORKSPACES_BACKEND=aws needs a region", () => {
    assert.throws(() => loadConfig({ WORKSPACES_BACKEND: "aws" }), /AWS_REGION/);
    assert.equal(loadConfig({ WORKSPACES_BACKEND: "aws", AWS_REGION: "eu-west-1" }).backend, "aws");
    assert.equal(loadConfig({ WORKSPACES_BACKEND: "aws", AWS_DEFAULT_REGION: "eu-west-1" }).backend, "aws");
  });

  it("refuses an unknown backend", () => {
    assert.throws(() => loadConfig({ WORKSPACES_BACKEND: "bogus" }), /WORKSPACES_BACKEND must be "emulator" or "aws", got "bogus"/);
  });

  it("reads the port, bundle cache TTL and cursor secret, and refuses bad numbers", () => {
    const config = loadConfig({ PORT: "8080", BUNDLE_CACHE_TTL_MS: "0", CURSOR_SECRET: "s3cret" });
    assert.deepEqual([config.port, config.bundleCacheTtlMs, config.cursorSecret], [8080, 0, "s3cret"]);
    assert.throws(() => loadConfig({ BUNDLE_CACHE_TTL_MS: "soon" }), /BUNDLE_CACHE_TTL_MS/);
    assert.throws(() => loadConfig({ PORT: "70000" }), /PORT/);
    // Without CURSOR_SECRET each instance makes its own, so cursors of one are refused by another.
    assert.notEqual(loadConfig({}).cursorSecret, loadConfig({}).cursorSecret);
  });
});
