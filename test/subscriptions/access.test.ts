// Subscriptions under the same rules as queries: credentials, the read scope, the cost limit; and a gateway that
// shuts down ends its open streams instead of waiting for them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse, print } from "graphql";
import type { TestGateway } from "../gateway/fixture.ts";
import { sdkWorkspaces, settingsFrom, startTestGateway } from "../gateway/fixture.ts";
import type { WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables } from "../generated/graphql.ts";
import { WorkspaceStateChangedDocument } from "../generated/graphql.ts";
import { SseSubscription } from "../support/sse.ts";
import { TIMEOUT_MS } from "./helpers.ts";

const READER = "sub-reader-0123456789abcdef";
const WRITER = "sub-writer-0123456789abcdef";

const open = (gateway: TestGateway, workspaceIds: string[], key: string) =>
  SseSubscription.open<WorkspaceStateChangedSubscription, WorkspaceStateChangedSubscriptionVariables>(
    gateway.url,
    WorkspaceStateChangedDocument,
    { workspaceIds },
    "POST",
    { authorization: `Bearer ${key}` },
  );

describe("subscriptions and access", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  let ids: string[];
  before(async () => {
    gateway = await startTestGateway(
      {},
      { ...settingsFrom({ GATEWAY_API_KEYS: `${READER}:read,${WRITER}:write` }), limits: { ...settingsFrom({}).limits!, cost: 2 } },
    );
    ids = (await sdkWorkspaces(gateway.client)).map((w) => w.WorkspaceId!);
  });
  after(() => gateway.close());

  it("answers 401 to a subscription without credentials, before any AWS call", async () => {
    await gateway.resetAwsCalls();
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: print(WorkspaceStateChangedDocument), variables: { workspaceIds: ids.slice(0, 1) } }),
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("streams to a read credential, and refuses one without the read scope with FORBIDDEN", async () => {
    const reader = await open(gateway, ids.slice(0, 1), READER);
    const first = await reader.nextData();
    assert.equal(first.workspaceStateChanged.__typename, "Workspace");
    reader.close();
    const writer = await open(gateway, ids.slice(0, 1), WRITER);
    const refused = await writer.next();
    assert.notEqual(refused, "complete");
    assert.equal((refused as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code, "FORBIDDEN");
    writer.close();
  });

  it("refuses a subscription over the cost limit, counting its IDs, before any AWS call", async () => {
    await gateway.resetAwsCalls();
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${READER}` },
      body: JSON.stringify({ query: print(WorkspaceStateChangedDocument), variables: { workspaceIds: ids.slice(0, 60) } }),
    });
    assert.equal(response.status, 400);
    const text = await response.text();
    assert.match(text, /"code":"QUERY_TOO_COMPLEX","retryable":false,"rule":"cost","limit":2,"actual":3/);
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("ends open streams when the gateway shuts down", async () => {
    const stream = await open(gateway, ids.slice(0, 2), READER);
    await stream.nextData();
    await stream.nextData();
    const started = Date.now();
    await gateway.close();
    assert.equal(await stream.next(), "complete");
    assert.ok(Date.now() - started < 10_000, `shutdown took ${Date.now() - started} ms`);
  });
});

describe("subscription events after the request's deadline", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, { deadlineMs: 300, watchPollMs: 1_000, bundleCacheTtlMs: 0 });
  });
  after(() => gateway.close());

  it("still read through AWS: each event has a session and a deadline of its own", async () => {
    const [target] = (await sdkWorkspaces(gateway.client)).filter(
      (w) => w.State === "AVAILABLE" && w.WorkspaceProperties?.ComputeTypeName === "STANDARD",
    );
    const document = parse(`subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) {
      ... on Workspace { workspaceId modificationStates { state } bundle { name workspaces(first: 1) { edges { node { workspaceId } } } } } } }`) as TypedDocumentNode<
      BundleEvent,
      { ids: string[] }
    >;
    const stream = await SseSubscription.open(gateway.url, document, { ids: [target!.WorkspaceId!] });
    try {
      const first = await stream.nextData();
      assert.ok(first.workspaceStateChanged.bundle?.name);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await gateway.client.send(
        new ModifyWorkspacePropertiesCommand({
          WorkspaceId: target!.WorkspaceId!,
          WorkspaceProperties: { ComputeTypeName: "PERFORMANCE" },
        }),
      );
      const changed = await stream.nextData();
      assert.deepEqual(
        changed.workspaceStateChanged.modificationStates.map((m) => m.state),
        ["UPDATE_INITIATED"],
      );
      // A list read afresh for this event, after the subscription's first deadline had passed.
      assert.deepEqual(changed.workspaceStateChanged.bundle, first.workspaceStateChanged.bundle);
    } finally {
      stream.close();
    }
  });
});

interface BundleEvent {
  workspaceStateChanged: {
    workspaceId: string;
    modificationStates: { state: string }[];
    bundle: { name: string; workspaces: { edges: { node: { workspaceId: string } }[] } } | null;
  };
}
