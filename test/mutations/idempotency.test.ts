// createWorkspaces with an idempotencyKey, over HTTP: a repeat within 24 hours returns the first result without
// calling AWS, whoever repeats it concurrently; another input under the same key is refused; keys are per caller.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { print } from "graphql";
import type { TestGateway } from "../gateway/fixture.ts";
import { settingsFrom, startTestGateway } from "../gateway/fixture.ts";
import type { CreateWorkspacesMutation, WorkspaceRequestInput } from "../generated/graphql.ts";
import { CreateWorkspacesDocument } from "../generated/graphql.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import { BUNDLES, CORP, dataOf, narrow, uniqueUser } from "./helpers.ts";

const ALICE = "alice-key-0123456789abcdef";
const BOB = "bob-key-0123456789abcdefgh";

describe("createWorkspaces idempotencyKey", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ latencyMs: 20 }, settingsFrom({ GATEWAY_API_KEYS: `${ALICE}:read+write,${BOB}:read+write` }));
  });
  after(() => gateway.close());

  const request = (): WorkspaceRequestInput => ({ directoryId: CORP, userName: uniqueUser("idem"), bundleId: BUNDLES.standard });

  async function create(key: string, workspaces: WorkspaceRequestInput[], idempotencyKey?: string) {
    const response = await gateway.post(
      { query: print(CreateWorkspacesDocument), variables: { input: { workspaces, idempotencyKey } } },
      { authorization: `Bearer ${key}` },
    );
    return dataOf((await response.json()) as GraphQLResponse<CreateWorkspacesMutation>).createWorkspaces;
  }

  it("returns the first result to a repeat, without calling AWS again", async () => {
    const workspaces = [request(), request()];
    await gateway.resetAwsCalls();
    const first = narrow(await create(ALICE, workspaces, "order-1001"), "CreateWorkspacesPayload");
    assert.equal(first.replayed, false);
    assert.deepEqual(
      first.results.map((r) => r.__typename),
      ["Workspace", "Workspace"],
    );
    const repeat = narrow(await create(ALICE, workspaces, "order-1001"), "CreateWorkspacesPayload");
    assert.equal(repeat.replayed, true);
    assert.deepEqual(repeat.results, first.results);
    // The first run read the bundle for the gateway's checks and created; the repeat called nothing.
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceBundles: 1, CreateWorkspaces: 1 });
  });

  it("makes one call for concurrent repeats", async () => {
    const workspaces = [request()];
    await gateway.resetAwsCalls();
    const results = await Promise.all(Array.from({ length: 5 }, () => create(ALICE, workspaces, "order-1002")));
    const payloads = results.map((result) => narrow(result, "CreateWorkspacesPayload"));
    assert.equal(payloads.filter((payload) => !payload.replayed).length, 1);
    assert.ok(payloads.every((payload) => JSON.stringify(payload.results) === JSON.stringify(payloads[0]!.results)));
    assert.deepEqual(await gateway.awsCalls(), { CreateWorkspaces: 1 });
  });

  it("refuses the same key with another input, naming the field and the rule", async () => {
    await create(ALICE, [request()], "order-1003");
    await gateway.resetAwsCalls();
    const refused = narrow(await create(ALICE, [request()], "order-1003"), "ValidationError");
    assert.deepEqual([refused.field, refused.rule], ["input.idempotencyKey", "reused"]);
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("keeps callers apart: the same key from another caller is a new request", async () => {
    const workspaces = [request()];
    await create(ALICE, workspaces, "order-1004");
    const bob = narrow(await create(BOB, [request()], "order-1004"), "CreateWorkspacesPayload");
    assert.equal(bob.replayed, false);
  });

  it("runs again when nothing reached AWS the first time (all items refused)", async () => {
    const invalid = [{ ...request(), bundleId: "not-a-bundle" }];
    const first = narrow(await create(ALICE, invalid, "order-1005"), "CreateWorkspacesPayload");
    assert.equal(narrow(first.results[0], "ValidationError").code, "VALIDATION");
    const again = narrow(await create(ALICE, invalid, "order-1005"), "CreateWorkspacesPayload");
    assert.equal(again.replayed, false);
  });

  it("refuses a key that is empty, too long or not printable ASCII", async () => {
    for (const key of ["", "k".repeat(65), "clé", "two words"]) {
      const refused = narrow(await create(ALICE, [request()], key), "ValidationError");
      assert.deepEqual([refused.field, refused.rule], ["input.idempotencyKey", "pattern"], key);
    }
  });
});
