// GET /metrics: Prometheus text counting every AWS call the gateway makes, by operation and outcome.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DashboardDocument, WorkspacesPageDocument } from "../generated/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { metricValue, startTestGateway } from "./fixture.ts";

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
