// Who gets in and what a request may cost, over HTTP against the real gateway: credentials, scopes, query limits,
// body size, CSRF, CORS, batching, and what production mode turns off.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../src/logger.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { settingsFrom, startTestGateway } from "../gateway/fixture.ts";

const READ_KEY = "read-key-0123456789abcdef";
const WRITE_KEY = "write-key-0123456789abcdef";
const ADMIN_KEY = "admin-key-0123456789abcdef";
const API_KEYS = `${READ_KEY}:read,${WRITE_KEY}:write,${ADMIN_KEY}:read+write`;

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const LIST = "{ workspaces(first: 2) { edges { node { workspaceId } } } }";
const CREATE = `mutation { createWorkspaces(input: { workspaces: [{ directoryId: "d-906734e2f1", userName: "sec-user", bundleId: "wsb-8vbljg4r6" }] }) {
  __typename ... on CreateWorkspacesPayload { results { __typename } } } }`;

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function send(gateway: TestGateway, query: string, headers: Record<string, string> = {}) {
  const response = await gateway.post({ query }, headers);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Body };
}

describe("authentication and scopes", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, settingsFrom({ GATEWAY_API_KEYS: API_KEYS }));
  });
  after(() => gateway.close());

  it("answers 401 without credentials, before any AWS call", async () => {
    await gateway.resetAwsCalls();
    const { status, headers, body } = await send(gateway, LIST);
    assert.equal(status, 401);
    assert.match(headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("answers 401 for a wrong key, a malformed header and a key with extra text", async () => {
    for (const authorization of [`Bearer ${READ_KEY}x`, "Bearer wrong-key-0123456789abcdef", READ_KEY, `Basic ${READ_KEY}`, "Bearer "]) {
      const { status, body } = await send(gateway, LIST, { authorization });
      assert.equal(status, 401, authorization);
      assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    }
  });

  it("lets a read key query, and refuses its mutation with FORBIDDEN before any AWS call", async () => {
    const read = await send(gateway, LIST, bearer(READ_KEY));
    assert.equal(read.status, 200);
    assert.equal((read.body.data!.workspaces as { edges: unknown[] }).edges.length, 2);
    await gateway.resetAwsCalls();
    const { status, body } = await send(gateway, CREATE, bearer(READ_KEY));
    assert.equal(status, 200);
    assert.deepEqual(body.data, { createWorkspaces: null });
    assert.equal(body.errors?.length, 1);
    assert.deepEqual(body.errors![0]!.extensions, { code: "FORBIDDEN", retryable: false, field: "createWorkspaces", rule: "scope" });
    assert.match(body.errors![0]!.message, /needs the write scope/);
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("lets a write-only key mutate but not query, and a read+write key do both", async () => {
    const query = await send(gateway, LIST, bearer(WRITE_KEY));
    assert.equal(query.body.errors?.[0]?.extensions?.code, "FORBIDDEN");
    assert.match(query.body.errors![0]!.message, /needs the read scope/);
    const created = await send(gateway, CREATE.replace("sec-user", "sec-writer"), bearer(WRITE_KEY));
    assert.deepEqual(created.body.data, {
      createWorkspaces: { __typename: "CreateWorkspacesPayload", results: [{ __typename: "Workspace" }] },
    });
    const admin = await send(gateway, LIST, bearer(ADMIN_KEY));
    assert.equal(admin.body.errors, undefined);
  });

  it("does not let a write-only key read other data through a mutation's result", async () => {
    const nested = `mutation { createWorkspaces(input: { workspaces: [{ directoryId: "d-906734e2f1", userName: "sec-nested", bundleId: "wsb-8vbljg4r6" }] }) {
      ... on CreateWorkspacesPayload { results { ... on Workspace { workspaceId bundle { workspaces(first: 3) { edges { node { userName } } } } } } } } }`;
    const { body } = await send(gateway, nested, bearer(WRITE_KEY));
    const created = (body.data!.createWorkspaces as { results: { workspaceId: string; bundle: unknown }[] }).results[0]!;
    assert.match(created.workspaceId, /^ws-/);
    assert.equal(created.bundle, null);
    assert.deepEqual(
      body.errors?.map((e) => [e.extensions?.code, e.message]),
      [["FORBIDDEN", "bundle: needs the read scope, which this credential does not have"]],
    );
  });

  it("still serves /health without credentials, and /metrics not at all beside an API that needs them", async () => {
    assert.equal((await fetch(`${gateway.origin}/health`)).status, 200);
    for (const headers of [{}, bearer(ADMIN_KEY)]) {
      const metrics = await fetch(`${gateway.origin}/metrics`, { headers });
      assert.equal(metrics.status, 404);
      assert.match(await metrics.text(), /METRICS_PORT.*METRICS_TOKEN/);
    }
  });
});

describe("query limits", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  async function refused(query: string, rule: string) {
    await gateway.resetAwsCalls();
    // Refused before execution, HTTP 400 whichever of GraphQL over HTTP's media types the client accepts.
    const json = await send(gateway, query, { accept: "application/json" });
    assert.equal(json.status, 400);
    const { status, body } = await send(gateway, query, { accept: "application/graphql-response+json" });
    assert.equal(status, 400);
    assert.deepEqual(body, json.body);
    // No data at all, not even null.
    assert.equal(body.data, undefined);
    const error = body.errors?.find((e) => e.extensions?.rule === rule);
    assert.ok(error, `expected a ${rule} error, got ${JSON.stringify(body.errors)}`);
    assert.equal(error.extensions?.code, "QUERY_TOO_COMPLEX");
    assert.equal(typeof error.extensions?.limit, "number");
    assert.deepEqual(await gateway.awsCalls(), {});
    return error;
  }

  it("refuses a depth bomb", async () => {
    const levels = 10;
    const deep = `{ workspaces { edges { node { ${"modificationStates { workspace { ".repeat(levels)}workspaceId${" } }".repeat(levels)} } } } }`;
    const error = await refused(deep, "depth");
    assert.match(error.message, /nested too deeply \(limit 12, found 24\)/);
  });

  it("refuses an alias bomb", async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: __typename`).join(" ");
    await refused(`{ ${aliases} }`, "aliases");
  });

  it("refuses a directive bomb", async () => {
    await refused(`{ __typename ${"@include(if: true) ".repeat(200)} }`, "directives");
  });

  it("refuses a document with too many tokens, counted up to one past the limit", async () => {
    const error = await refused(`{ ${"__typename ".repeat(5_000)} }`, "tokens");
    assert.deepEqual([error.extensions?.limit, error.extensions?.actual], [3_000, 3_001]);
    assert.match(error.message, /too long \(limit 3000, found more than 3000\)/);
  });

  it("refuses a document with too many fields, or too many of one name in one place", async () => {
    const fields = await refused(`{ ${"__typename ".repeat(1_001)} }`, "fields");
    assert.deepEqual([fields.extensions?.limit, fields.extensions?.actual], [1_000, 1_001]);
    // 70 fields of one name: 70 × 69 / 2 pairs for validation to compare.
    const pairs = await refused(`{ ${"__typename ".repeat(70)} }`, "fieldPairs");
    assert.deepEqual([pairs.extensions?.limit, pairs.extensions?.actual], [2_000, 2_415]);
  });

  it("refuses a request over the cost limit with HTTP 400 too", async () => {
    await refused("{ bundles(first: 100) { edges { node { workspaces(first: 100) { edges { cursor } } } } } }", "cost");
  });

  it("refuses a query whose connections would fan out, counting first from the variables", async () => {
    const fanOut = `query ($n: Int) { bundles(first: $n) { edges { node { workspaces(first: 100) { edges { node { workspaceId bundle { name } } } } } } } }`;
    await gateway.resetAwsCalls();
    const response = await gateway.post({ query: fanOut, variables: { n: 100 } });
    const body = (await response.json()) as Body;
    assert.equal(body.errors?.[0]?.extensions?.code, "QUERY_TOO_COMPLEX");
    assert.equal(body.errors?.[0]?.extensions?.rule, "cost");
    // A hundred bundles, each listing a hundred WorkSpaces (5 calls) and looking up their bundles (4 calls).
    assert.equal(body.errors?.[0]?.extensions?.actual, 5 + 100 * 9);
    assert.deepEqual(await gateway.awsCalls(), {});
    // The same shape, small: allowed.
    const small = (await (await gateway.post({ query: fanOut.replace("first: 100", "first: 2"), variables: { n: 2 } })).json()) as Body;
    assert.equal(small.errors, undefined);
  });

  it("holds a batch to the cost limit as a whole", async () => {
    // 40 AWS calls each (8 lists of 100: 4 pages and a look-ahead each): two fit under 100, the third does not.
    const list = (alias: string) => `${alias}: workspaces(first: 100) { edges { node { workspaceId state } } pageInfo { hasNextPage } }`;
    const page = `{ ${Array.from({ length: 8 }, (_, i) => list(`w${i}`)).join(" ")} }`;
    await gateway.resetAwsCalls();
    const answers = (await (await gateway.post(Array.from({ length: 3 }, () => ({ query: page })))).json()) as Body[];
    assert.deepEqual(
      answers.map((a) => a.errors?.[0]?.extensions?.rule ?? "ok"),
      ["ok", "ok", "cost"],
    );
  });

  it("refuses a body over the size limit with 413, whether or not it declares its length", async () => {
    const huge = JSON.stringify({ query: `{ __typename }`, variables: { padding: "x".repeat(300 * 1024) } });
    const declared = await gateway.post(huge);
    assert.equal(declared.status, 413);
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = httpRequest(
        gateway.url,
        { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (response) => {
          let text = "";
          response.on("data", (chunk: Buffer) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode!, text }));
        },
      );
      request.on("error", reject);
      for (let offset = 0; offset < huge.length; offset += 16 * 1024) request.write(huge.slice(offset, offset + 16 * 1024));
      request.end();
    });
    assert.equal(chunked.status, 413);
    assert.match(chunked.text, /REQUEST_ENTITY_TOO_LARGE/);
  });

  it("answers 408 to a client that sends its request too slowly", async () => {
    const slow = await startTestGateway({}, { requestTimeoutMs: 300 });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          slow.url,
          { method: "POST", headers: { "content-type": "application/json", "content-length": "100" } },
          (response) => {
            response.resume();
            resolve(response.statusCode!);
          },
        );
        request.on("error", reject);
        request.write('{"query":');
      });
      assert.equal(status, 408);
    } finally {
      await slow.close();
    }
  });

  it("bounds batched requests", async () => {
    const batch = (n: number) => gateway.post(Array.from({ length: n }, () => ({ query: "{ __typename }" })));
    const allowed = (await (await batch(10)).json()) as Body[];
    assert.equal(allowed.length, 10);
    const refusedBatch = await batch(11);
    assert.equal(refusedBatch.status, 413);
  });
});

describe("cross-site requests", () => {
  let gateway: TestGateway;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
    gateway = await startTestGateway({}, settingsFrom({ CORS_ORIGINS: "https://console.example.com, https://admin.example.com" }), logger);
  });
  after(() => gateway.close());

  it("refuses a form-encoded POST (a forged cross-site form) without running it", async () => {
    await gateway.resetAwsCalls();
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ query: CREATE }).toString(),
    });
    assert.equal(response.status, 403);
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("runs queries by GET (mutations cannot be sent that way)", async () => {
    const ok = await fetch(`${gateway.url}?query=${encodeURIComponent(LIST)}`, { headers: { accept: "application/json" } });
    assert.equal(ok.status, 200);
    const mutation = await fetch(`${gateway.url}?query=${encodeURIComponent(CREATE)}`, { headers: { accept: "application/json" } });
    assert.equal(mutation.status, 405);
  });

  it("allows only the listed origins, and tells another that CORS_ORIGINS does not list it", async () => {
    const listed = await preflight(gateway, "https://console.example.com");
    assert.equal(listed.status, 204);
    assert.equal(listed.headers.get("access-control-allow-origin"), "https://console.example.com");
    const other = await preflight(gateway, "https://evil.example.net");
    assert.notEqual(other.headers.get("access-control-allow-origin"), "https://evil.example.net");
    assert.notEqual(other.headers.get("access-control-allow-origin"), "*");
    await assertOriginRefused(other, "https://evil.example.net");
  });

  it("allows a dev server on http://localhost or http://127.0.0.1, any port, outside production", async () => {
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:3000", "http://localhost"]) {
      const allowed = await preflight(gateway, origin);
      assert.equal(allowed.status, 204, origin);
      assert.equal(allowed.headers.get("access-control-allow-origin"), origin);
    }
    for (const origin of ["https://localhost:5173", "http://localhost.evil.example", "http://127.0.0.2:3000"]) {
      await assertOriginRefused(await preflight(gateway, origin), origin);
    }
  });

  it("logs a refused origin once, with the setting that would allow it", async () => {
    for (let i = 0; i < 3; i++) await (await preflight(gateway, "https://once.example.net")).text();
    const warned = lines.filter((l) => l.origin === "https://once.example.net");
    assert.deepEqual(
      warned.map((l) => [l.level, l.msg]),
      [
        [
          40,
          "a browser on https://once.example.net was refused: add it to CORS_ORIGINS (comma-separated origins) to let it call the gateway",
        ],
      ],
    );
  });

  it("answers each origin for itself and says so to caches (Vary: Origin), an unlisted one with no CORS headers", async () => {
    const from = (origin?: string) =>
      fetch(`${gateway.url}?query=${encodeURIComponent(LIST)}`, {
        headers: { accept: "application/json", ...(origin ? { origin } : {}) },
      });
    for (const origin of ["https://console.example.com", "https://admin.example.com", "https://evil.example.net", undefined]) {
      const response = await from(origin);
      assert.equal(response.status, 200);
      const listed = origin !== undefined && origin !== "https://evil.example.net";
      assert.equal(response.headers.get("access-control-allow-origin"), listed ? origin : null, String(origin));
      assert.equal(response.headers.get("vary"), "Origin", String(origin));
    }
    const allowed = await preflight(gateway, "https://admin.example.com");
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://admin.example.com");
    assert.equal(allowed.headers.get("vary"), "Access-Control-Request-Headers, Origin");
  });
});

describe("cross-origin requests with authentication", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, settingsFrom({ CORS_ORIGINS: "https://console.example.com", GATEWAY_API_KEYS: API_KEYS }));
  });
  after(() => gateway.close());

  it("answers a listed origin's preflight, which carries no credentials, then its request with them", async () => {
    const allowed = await preflight(gateway, "https://console.example.com");
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://console.example.com");
    assert.match(allowed.headers.get("access-control-allow-headers") ?? "", /authorization/);
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { origin: "https://console.example.com", "content-type": "application/json", ...bearer(READ_KEY) },
      body: JSON.stringify({ query: LIST }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://console.example.com");
    await assertOriginRefused(await preflight(gateway, "https://evil.example.net"), "https://evil.example.net");
  });
});

const preflight = (gateway: TestGateway, origin: string) =>
  fetch(gateway.url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type, authorization" },
  });

async function assertOriginRefused(response: Response, origin: string) {
  assert.equal(response.status, 403);
  const { errors } = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
  assert.deepEqual(errors, [
    {
      message: `Origin ${origin} is not in CORS_ORIGINS: browsers on it may not call this gateway.`,
      extensions: { code: "ORIGIN_NOT_ALLOWED", retryable: false },
    },
  ]);
}

describe("production mode", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway(
      {},
      settingsFrom({ NODE_ENV: "production", GATEWAY_API_KEYS: API_KEYS, WORKSPACES_BACKEND: "emulator", CURSOR_SECRET: "c".repeat(64) }),
    );
  });
  after(() => gateway.close());

  it("refuses introspection", async () => {
    const { body } = await send(gateway, "{ __schema { types { name } } }", bearer(ADMIN_KEY));
    assert.equal(body.data, undefined);
    assert.match(body.errors?.[0]?.message ?? "", /introspection/i);
    const typeQuery = await send(gateway, '{ __type(name: "Workspace") { fields { name } } }', bearer(ADMIN_KEY));
    assert.equal(typeQuery.body.data, undefined);
  });

  it("does not serve GraphiQL", async () => {
    const response = await fetch(gateway.url, { headers: { accept: "text/html" } });
    const text = await response.text();
    assert.doesNotMatch(text, /graphiql/i);
    assert.notEqual(response.status, 200);
  });

  it("refuses a browser on another origin, naming CORS_ORIGINS (not a missing CSRF header or credentials)", async () => {
    await assertOriginRefused(await preflight(gateway, "https://console.example.com"), "https://console.example.com");
  });

  it("refuses a dev server on localhost too", async () => {
    await assertOriginRefused(await preflight(gateway, "http://localhost:5173"), "http://localhost:5173");
  });

  it("still answers queries with credentials", async () => {
    const { status, body } = await send(gateway, LIST, bearer(READ_KEY));
    assert.equal(status, 200);
    assert.equal(body.errors, undefined);
  });
});
