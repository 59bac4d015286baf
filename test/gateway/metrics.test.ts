// GET /metrics: Prometheus text counting every AWS call the gateway makes, by operation and outcome; served on a
// listener of its own (METRICS_PORT), or beside the API to a bearer of METRICS_TOKEN, and open there only when the API is.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../src/logger.ts";
import { DashboardDocument, WorkspacesPageDocument } from "../generated/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { metricValue, settingsFrom, startTestGateway } from "./fixture.ts";

const METRIC = "workspaces_aws_requests_total";

let gateway: TestGateway;
before(async () => {
  gateway = await startTestGateway();
});
after(() => gateway.close());

const count = async (operation: string, outcome: string) => metricValue(await gateway.metrics(), METRIC, { operation, outcome });

describe("GET /metrics", () => {
  it("is Prometheus text at the gateway's origin", async () => {
    const response = await fetch(`${gateway.origin}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await response.text();
    assert.match(text, new RegExp(`^# TYPE ${METRIC} counter$`, "m"));
    assert.match(text, /^# HELP /m);
  });

  it("counts DescribeWorkspaces successes by exactly the calls a query made", async () => {
    await gateway.execute(DashboardDocument, { first: 25 }); // warms the bundle cache
    // first: 25 of 60 is a full page with a token, so hasNextPage costs a second call; 60 and 100 take 3 pages.
    for (const [first, calls] of [
      [25, 2],
      [60, 3],
      [100, 3],
    ] as const) {
      const before = await count("DescribeWorkspaces", "success");
      await gateway.resetAwsCalls();
      const response = await gateway.execute(WorkspacesPageDocument, { first });
      assert.equal(response.errors, undefined);
      assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaces: calls }, `first: ${first}`);
      assert.equal((await count("DescribeWorkspaces", "success")) - before, calls, `first: ${first}`);
    }
    const bundlesBefore = await count("DescribeWorkspaceBundles", "success");
    const workspacesBefore = await count("DescribeWorkspaces", "success");
    await gateway.execute(DashboardDocument, { first: 25 });
    assert.equal((await count("DescribeWorkspaces", "success")) - workspacesBefore, 1);
    assert.equal((await count("DescribeWorkspaceBundles", "success")) - bundlesBefore, 0);
  });

  it("counts each throttled attempt under its outcome, not as a success", async () => {
    const successes = await count("DescribeWorkspaces", "success");
    const throttled = await count("DescribeWorkspaces", "ThrottlingException");
    gateway.emulator!.settings.throttleRate = 1;
    try {
      await gateway.resetAwsCalls();
      const response = await gateway.execute(DashboardDocument, { first: 5 });
      assert.equal(response.errors?.[0]?.extensions?.code, "THROTTLED");
    } finally {
      gateway.emulator!.settings.throttleRate = 0;
    }
    const attempts = (await gateway.awsCalls()).DescribeWorkspaces!;
    assert.ok(attempts > 1, "the SDK retries throttling");
    assert.equal((await count("DescribeWorkspaces", "ThrottlingException")) - throttled, attempts);
    assert.equal(await count("DescribeWorkspaces", "success"), successes);
  });
});

describe("where /metrics is served", () => {
  const KEY = "metrics-api-key-0123456789";
  const TOKEN = "metrics-token-0123456789abcdef0123456789";

  it("on METRICS_PORT's own listener, on loopback, and then not on the API's port", async () => {
    const own = await startTestGateway({}, settingsFrom({ METRICS_PORT: "0" }));
    try {
      assert.match(own.metricsUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const scraped = await fetch(own.metricsUrl!);
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), new RegExp(`^# TYPE ${METRIC} counter$`, "m"));
      assert.equal((await fetch(own.metricsUrl!.replace(/\/metrics$/, "/graphql"))).status, 404);
      assert.equal((await fetch(`${own.origin}/metrics`)).status, 404);
    } finally {
      await own.close();
    }
  });

  it("beside the API to a bearer of METRICS_TOKEN only, not of an API key", async () => {
    const guarded = await startTestGateway({}, settingsFrom({ GATEWAY_API_KEYS: `${KEY}:read`, METRICS_TOKEN: TOKEN }));
    try {
      const scrape = (authorization?: string) =>
        fetch(`${guarded.origin}/metrics`, { headers: authorization ? { authorization: `Bearer ${authorization}` } : {} });
      for (const credential of [undefined, KEY, `${TOKEN}x`]) {
        const refused = await scrape(credential);
        assert.equal(refused.status, 401, String(credential));
        assert.match(await refused.text(), /METRICS_TOKEN/);
      }
      const scraped = await scrape(TOKEN);
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /^# HELP /m);
    } finally {
      await guarded.close();
    }
  });

  it("nowhere in production without either, which the start-up log says with both settings", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
    const production = settingsFrom({
      NODE_ENV: "production",
      GATEWAY_ALLOW_OPEN: "true",
      WORKSPACES_BACKEND: "emulator",
      CURSOR_SECRET: "c".repeat(64),
    });
    const closed = await startTestGateway({}, production, logger);
    try {
      assert.equal(closed.metricsUrl, undefined);
      assert.equal((await fetch(`${closed.origin}/metrics`)).status, 404);
      assert.ok(
        lines.some((l) => l.level === 40 && /^\/metrics is not served: set METRICS_PORT .* or METRICS_TOKEN/.test(String(l.msg))),
        JSON.stringify(lines),
      );
    } finally {
      await closed.close();
    }
  });
});
