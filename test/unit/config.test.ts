import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config.ts";

describe("loadConfig", () => {
  it("defaults to the embedded emulator on port 4000", () => {
    const config = loadConfig({});
    assert.equal(config.backend, "emulator");
    assert.equal(config.port, 4000);
    assert.equal(config.emulator.port, 0);
    assert.equal(config.bundleCacheTtlMs, 300_000);
    assert.equal(config.watchPollMs, 5_000);
  });

  it("waits on SIGTERM, by default, as long as a write may take: its deadline, then 10 s for AWS's answer", () => {
    for (const deadline of [1_000, 10_000, 30_000]) {
      const config = loadConfig({ REQUEST_DEADLINE_MS: String(deadline) });
      assert.ok(config.shutdownTimeoutMs >= deadline + 10_000, `${config.shutdownTimeoutMs} ms for a deadline of ${deadline} ms`);
    }
    assert.equal(loadConfig({ REQUEST_DEADLINE_MS: "30000", SHUTDOWN_TIMEOUT_MS: "500" }).shutdownTimeoutMs, 500);
  });

  it("uses real AWS only when asked, and only with a region", () => {
    assert.throws(() => loadConfig({ WORKSPACES_BACKEND: "aws" }), /AWS_REGION/);
    assert.equal(loadConfig({ WORKSPACES_BACKEND: "aws", AWS_REGION: "eu-west-1" }).backend, "aws");
    assert.throws(() => loadConfig({ WORKSPACES_BACKEND: "prod" }), /WORKSPACES_BACKEND/);
  });

  it("reads the emulator's knobs and refuses bad numbers", () => {
    const config = loadConfig({ EMULATOR_LATENCY_MS: "50", EMULATOR_WORKSPACES: "1000", PORT: "8080", CURSOR_SECRET: "s" });
    assert.equal(config.emulator.latencyMs, 50);
    assert.equal(config.emulator.workspaces, 1000);
    assert.equal(config.port, 8080);
    assert.equal(config.cursorSecret, "s");
    assert.throws(() => loadConfig({ PORT: "-1" }), /PORT/);
    assert.throws(() => loadConfig({ BUNDLE_CACHE_TTL_MS: "soon" }), /BUNDLE_CACHE_TTL_MS/);
    assert.throws(() => loadConfig({ EMULATOR_THROTTLE_RATE: "2" }), /EMULATOR_THROTTLE_RATE/);
  });

  it("polls watched WorkSpaces every WATCH_POLL_MS, one second at the fastest", () => {
    assert.equal(loadConfig({ WATCH_POLL_MS: "1000" }).watchPollMs, 1_000);
    assert.equal(loadConfig({ WATCH_POLL_MS: "30000" }).watchPollMs, 30_000);
    assert.throws(() => loadConfig({ WATCH_POLL_MS: "999" }), /WATCH_POLL_MS must be an integer from 1000 to 3600000, got "999"/);
    assert.throws(() => loadConfig({ WATCH_POLL_MS: "2.5s" }), /WATCH_POLL_MS/);
  });

  it("shares state through REDIS_URL only when set, redis:// or rediss:// (TLS), never echoing its password", () => {
    assert.equal(loadConfig({}).redisUrl, undefined);
    assert.equal(loadConfig({ REDIS_URL: "rediss://:s3cret@cache.example:6380/0" }).redisUrl, "rediss://:s3cret@cache.example:6380/0");
    assert.equal(loadConfig({}).redisKeyPrefix, "workspaces-gateway:");
    assert.equal(loadConfig({ REDIS_KEY_PREFIX: "prod:" }).redisKeyPrefix, "prod:");
    assert.throws(
      () => loadConfig({ REDIS_URL: "http://:s3cret@cache.example" }),
      (error: Error) => /REDIS_URL/.test(error.message) && !error.message.includes("s3cret"),
    );
    assert.throws(
      () => loadConfig({ REDIS_URL: "cache:6379 s3cret" }),
      (error: Error) => /REDIS_URL/.test(error.message) && !error.message.includes("s3cret"),
    );
  });

  it("serves the embedded emulator's two regions by default, and the regions WORKSPACES_REGIONS lists", () => {
    const config = loadConfig({});
    assert.deepEqual(config.emulator.regions, ["us-east-1", "eu-west-1"]);
    assert.deepEqual(config.regions, ["us-east-1", "eu-west-1"]);
    assert.deepEqual(config.roleArns, []);
    assert.deepEqual(loadConfig({ WORKSPACES_REGIONS: " eu-west-1 ,us-east-1" }).regions, ["eu-west-1", "us-east-1"]);
    assert.deepEqual(loadConfig({ EMULATOR_REGIONS: "ap-southeast-2" }).regions, ["ap-southeast-2"]);
    assert.deepEqual(loadConfig({ WORKSPACES_BACKEND: "aws", AWS_REGION: "eu-central-1" }).regions, ["eu-central-1"]);
    assert.deepEqual(loadConfig({ WORKSPACES_BACKEND: "aws", WORKSPACES_REGIONS: "us-west-2,eu-west-2" }).regions, [
      "us-west-2",
      "eu-west-2",
    ]);
  });

  it("names what is wrong with WORKSPACES_REGIONS", () => {
    assert.throws(
      () => loadConfig({ WORKSPACES_REGIONS: "us-east-1,eu-west" }),
      /^Error: WORKSPACES_REGIONS: "eu-west" is not a region name \(such as eu-west-1\)$/,
    );
    assert.throws(() => loadConfig({ WORKSPACES_REGIONS: "us-east-1,us-east-1" }), /^Error: WORKSPACES_REGIONS names us-east-1 twice$/);
    assert.throws(() => loadConfig({ WORKSPACES_REGIONS: "us-east-1," }), /^Error: WORKSPACES_REGIONS has an empty entry: "us-east-1,"$/);
    assert.throws(
      () => loadConfig({ WORKSPACES_REGIONS: "us-east-1,ap-south-1" }),
      /^Error: WORKSPACES_REGIONS names ap-south-1, which the embedded emulator does not serve \(EMULATOR_REGIONS=us-east-1,eu-west-1\)$/,
    );
  });

  it("takes one role ARN per further account, and names what is wrong with WORKSPACES_ROLE_ARNS", () => {
    const arns = "arn:aws:iam::210987654321:role/WorkSpacesReader, arn:aws:iam::333333333333:role/fleet/WorkSpacesAdmin";
    assert.deepEqual(loadConfig({ WORKSPACES_ROLE_ARNS: arns }).roleArns, [
      "arn:aws:iam::210987654321:role/WorkSpacesReader",
      "arn:aws:iam::333333333333:role/fleet/WorkSpacesAdmin",
    ]);
    for (const bad of [
      "arn:aws:iam::21098765432:role/R",
      "arn:aws:iam::210987654321:user/R",
      "arn:aws:sts::210987654321:role/R",
      "WorkSpacesReader",
    ]) {
      assert.throws(
        () => loadConfig({ WORKSPACES_ROLE_ARNS: bad }),
        new RegExp(`^Error: WORKSPACES_ROLE_ARNS: "${bad.replace(/[/.]/g, "\\$&")}" is not an IAM role's ARN`),
      );
    }
    assert.throws(
      () => loadConfig({ WORKSPACES_ROLE_ARNS: "arn:aws:iam::210987654321:role/A,arn:aws:iam::210987654321:role/B" }),
      /^Error: WORKSPACES_ROLE_ARNS names two roles in account 210987654321 \(arn:aws:iam::210987654321:role\/A, arn:aws:iam::210987654321:role\/B\); one role per account$/,
    );
    assert.throws(
      () => loadConfig({ WORKSPACES_ROLE_ARNS: "arn:aws:iam::210987654321:role/A,arn:aws:iam::210987654321:role/A" }),
      /names arn:aws:iam::210987654321:role\/A twice/,
    );
  });
});
