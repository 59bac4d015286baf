// What the gateways of a cluster share: one idempotency store (the same key sent to two gateways at once creates once,
// the second waiting for the first's result and replaying it; a repeat on a third replays without calling AWS; another
// input under the key is refused on any of them), and one bundle cache (a bundle one gateway read costs the others no
// call).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import { BUNDLES, CORP, uniqueUser } from "../mutations/helpers.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";
import type { ClusterGateway, CreateAnswer } from "./fixture.ts";
import { CREATE, startClusterGateways } from "./fixture.ts";

describe("three gateways", { timeout: 120_000 }, () => {
  let redis: RedisServer;
  let emulator: RunningEmulator;
  let gateways: ClusterGateway[];

  before(async () => {
    redis = await startRedisServer();
    // Creates take a while to answer, so the second request surely arrives while the first runs.
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 20, latencyMs: 300 });
    gateways = await startClusterGateways(3, emulator.url, redis.url);
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await emulator.close();
    await redis.close();
  });

  it("creates once: the concurrent repeat waits and replays, a later one on a third gateway replays at no AWS call", async () => {
    const input = {
      idempotencyKey: "cluster-key-1",
      workspaces: [{ directoryId: CORP, userName: uniqueUser("twice"), bundleId: BUNDLES.value }],
    };
    emulator.resetStats();
    const [first, second] = await Promise.all(
      gateways.slice(0, 2).map((g) => g.post<CreateAnswer>({ query: CREATE, variables: { input } })),
    );
    const answers = [first!, second!].map((a) => a.body.data!.createWorkspaces!);
    assert.deepEqual(
      answers.map((a) => a.__typename),
      ["CreateWorkspacesPayload", "CreateWorkspacesPayload"],
      JSON.stringify(answers),
    );
    assert.deepEqual(answers.map((a) => a.replayed).sort(), [false, true]);
    const [created] = answers[0]!.results!;
    assert.equal(created!.__typename, "Workspace");
    assert.deepEqual(answers[1]!.results, answers[0]!.results, "both answers name the same WorkSpace");
    assert.equal(emulator.stats().requests.CreateWorkspaces, 1, "AWS was asked to create once");

    const third = await gateways[2]!.post<CreateAnswer>({ query: CREATE, variables: { input } });
    assert.equal(third.body.data!.createWorkspaces!.replayed, true);
    assert.deepEqual(third.body.data!.createWorkspaces!.results, answers[0]!.results);
    assert.equal(emulator.stats().requests.CreateWorkspaces, 1);

    const other = { ...input, workspaces: [{ ...input.workspaces[0]!, userName: uniqueUser("other") }] };
    const reused = await gateways[2]!.post<CreateAnswer>({ query: CREATE, variables: { input: other } });
    assert.deepEqual(reused.body.data!.createWorkspaces, { __typename: "ValidationError", code: "VALIDATION", rule: "reused" });
  });

  it("share the bundles one of them read", async () => {
    // Not the bundle the creates above read.
    const query = `{ bundle(bundleId: "${BUNDLES.standard}") { name } }`;
    emulator.resetStats();
    for (const gateway of gateways) {
      const { body } = await gateway.post<{ bundle: { name: string } }>({ query });
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      assert.ok(body.data?.bundle.name);
    }
    assert.equal(emulator.stats().requests.DescribeWorkspaceBundles, 1, "read once for the three");
  });
});
