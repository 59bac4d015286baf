// Trusted documents, the frontend's side end to end: GraphQL Code Generator's client preset writes the manifest of the
// tests' operations (test/generated/persisted-documents.json) and embeds each document's ID; the gateway runs them by
// that ID, by POST or GET, refuses an ID it does not know, and with PERSISTED_DOCUMENTS_ONLY any other document,
// except from a credential with the adhoc scope.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { print } from "graphql";
import { loadConfig } from "../../src/config.ts";
import { DashboardDocument, WorkspaceStateChangedDocument } from "../generated/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { settingsFrom, startTestGateway } from "./fixture.ts";

const MANIFEST = join(import.meta.dirname, "../generated/persisted-documents.json");
const APP_KEY = "frontend-key-0123456789abcdef";
const OPERATOR_KEY = "operator-key-0123456789abcdef";

/** The ID the client preset embedded in the document, as a frontend sends it. */
const idOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;

type Body = { data?: any; errors?: { message: string; extensions: Record<string, unknown> }[] };

async function send(gateway: TestGateway, body: unknown, key?: string): Promise<{ status: number; body: Body }> {
  const response = await gateway.post(body, key ? { authorization: `Bearer ${key}` } : {});
  return { status: response.status, body: (await response.json()) as Body };
}

describe("persisted documents", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, settingsFrom({ PERSISTED_DOCUMENTS: MANIFEST }));
  });
  after(() => gateway.close());

  it("runs a document by the ID the client preset gave it, with variables, by POST", async () => {
    assert.match(idOf(DashboardDocument), /^sha256:[0-9a-f]{64}$/);
    const { status, body } = await send(gateway, { documentId: idOf(DashboardDocument), variables: { first: 3 } });
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
    assert.equal(body.data.workspaces.edges.length, 3);
    // The same as the document itself would give.
    assert.deepEqual(body, (await send(gateway, { query: print(DashboardDocument), variables: { first: 3 } })).body);
  });

  it("runs it by GET, and by the bare hash as Relay names its documents", async () => {
    const query = new URLSearchParams({ documentId: idOf(DashboardDocument), variables: JSON.stringify({ first: 2 }) });
    const response = await fetch(`${gateway.url}?${query}`, { headers: { accept: "application/graphql-response+json" } });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as Body).data.workspaces.edges.length, 2);
    const bare = await send(gateway, { documentId: idOf(DashboardDocument).replace("sha256:", ""), variables: { first: 1 } });
    assert.equal(bare.body.data.workspaces.edges.length, 1);
  });

  it("refuses an ID it does not know with PERSISTED_DOCUMENT_NOT_FOUND, before any AWS call", async () => {
    await gateway.resetAwsCalls();
    const unknown = `sha256:${"0".repeat(64)}`;
    const { status, body } = await send(gateway, { documentId: unknown });
    assert.equal(status, 400);
    assert.deepEqual(body.errors, [
      {
        message: `documentId "${unknown}" is not a persisted document of this gateway.`,
        extensions: { code: "PERSISTED_DOCUMENT_NOT_FOUND", retryable: false },
      },
    ]);
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("still runs other documents when they are not the only ones allowed", async () => {
    const { body } = await send(gateway, { query: "{ workspaces(first: 1) { edges { node { workspaceId } } } }" });
    assert.equal(body.errors, undefined);
  });
});

describe("persisted documents only", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway(
      {},
      settingsFrom({
        PERSISTED_DOCUMENTS: MANIFEST,
        PERSISTED_DOCUMENTS_ONLY: "true",
        GATEWAY_API_KEYS: `${APP_KEY}:read+write,${OPERATOR_KEY}:read+write+adhoc`,
      }),
    );
  });
  after(() => gateway.close());

  it("refuses a document of the frontend's own with PERSISTED_DOCUMENTS_ONLY, before any AWS call", async () => {
    await gateway.resetAwsCalls();
    const { status, body } = await send(gateway, { query: print(DashboardDocument), variables: { first: 1 } }, APP_KEY);
    assert.equal(status, 403);
    assert.equal(body.data, undefined);
    assert.deepEqual(body.errors, [
      {
        message: "This gateway runs persisted documents only: send a documentId (or use a credential with the adhoc scope).",
        extensions: { code: "PERSISTED_DOCUMENTS_ONLY", retryable: false },
      },
    ]);
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("runs the frontend's documents by ID, subscriptions too", async () => {
    const { body } = await send(gateway, { documentId: idOf(DashboardDocument), variables: { first: 2 } }, APP_KEY);
    assert.equal(body.data.workspaces.edges.length, 2);
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${APP_KEY}` },
      body: JSON.stringify({ documentId: idOf(WorkspaceStateChangedDocument), variables: { workspaceIds: ["ws-zzzzzzzz0"] } }),
    });
    assert.match(await response.text(), /"code":"NOT_FOUND"[\s\S]*event: complete/);
  });

  it("runs any document for a credential with the adhoc scope (an operator in GraphiQL)", async () => {
    const { status, body } = await send(gateway, { query: "{ workspaces(first: 1) { edges { node { workspaceId } } } }" }, OPERATOR_KEY);
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
  });

  it("asks for credentials first", async () => {
    assert.equal((await send(gateway, { documentId: idOf(DashboardDocument) })).status, 401);
  });
});

describe("persisted documents settings", () => {
  const dir = mkdtempSync(join(tmpdir(), "persisted-"));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it("merges the manifests PERSISTED_DOCUMENTS names, as JSON of document ID to text", () => {
    const web = file("web.json", JSON.stringify({ "sha256:aa": "{ a }", shared: "{ s }" }));
    const relay = file("relay.json", JSON.stringify({ bb: "{ b }", shared: "{ s }" }));
    const settings = loadConfig({ PERSISTED_DOCUMENTS: `${web}, ${relay}` }).persistedDocuments!;
    assert.deepEqual([...settings.documents.keys()], ["sha256:aa", "shared", "bb"]);
    assert.equal(settings.only, false);
  });

  it("refuses at start-up a manifest it cannot use, and PERSISTED_DOCUMENTS_ONLY without one", () => {
    assert.throws(
      () => loadConfig({ PERSISTED_DOCUMENTS: join(dir, "missing.json") }),
      /PERSISTED_DOCUMENTS: cannot read .*missing\.json as JSON/,
    );
    assert.throws(() => loadConfig({ PERSISTED_DOCUMENTS: file("bad.json", "{") }), /cannot read .*bad\.json as JSON/);
    assert.throws(
      () => loadConfig({ PERSISTED_DOCUMENTS: file("list.json", '["{ a }"]') }),
      /list\.json must be a JSON object of document ID to document text/,
    );
    assert.throws(() => loadConfig({ PERSISTED_DOCUMENTS: file("empty.json", '{"x": ""}') }), /empty\.json must be .*; "x" is not/);
    const one = file("one.json", '{"x": "{ a }"}');
    assert.throws(
      () => loadConfig({ PERSISTED_DOCUMENTS: `${one},${file("two.json", '{"x": "{ b }"}')}` }),
      /document ID "x" has two different texts/,
    );
    assert.throws(() => loadConfig({ PERSISTED_DOCUMENTS_ONLY: "true" }), /PERSISTED_DOCUMENTS_ONLY=true needs PERSISTED_DOCUMENTS/);
  });

  it("refuses at start-up a document that does not parse or validate, naming its manifest, its ID and the error", async () => {
    const good = file("good.json", JSON.stringify({ "sha256:good": "{ __typename }" }));
    const syntax = file("syntax.json", JSON.stringify({ "sha256:broken": "{ workspaces(first: 1) { edges " }));
    const unknown = file("unknown.json", JSON.stringify({ typo: "{ workspacez { edges { cursor } } }" }));
    await assert.rejects(startTestGateway({}, settingsFrom({ PERSISTED_DOCUMENTS: `${good},${syntax}` })), {
      name: "Error",
      message: `PERSISTED_DOCUMENTS: ${syntax}: document "sha256:broken" is not valid: Syntax Error: Expected Name, found <EOF>. (line 1, column 32)`,
    });
    await assert.rejects(startTestGateway({}, settingsFrom({ PERSISTED_DOCUMENTS: unknown })), {
      message: `PERSISTED_DOCUMENTS: ${unknown}: document "typo" is not valid: Cannot query field "workspacez" on type "Query". Did you mean "workspace" or "workspaces"? (line 1, column 3)`,
    });
  });
});
