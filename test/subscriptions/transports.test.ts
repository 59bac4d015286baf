// One subscription, three transports, each driven by its own client library as a frontend would: graphql-ws over
// WebSocket (Apollo's GraphQLWsLink, urql and Relay use its client), Apollo Client's HttpLink with its multipart
// subscriptions, and graphql-sse over Server-Sent Events. Each gets the same events, and the same refusals: a missing
// or wrong credential, a credential without the read scope, the cost limit, a caller's spent quota, and the caller's
// cap on open subscriptions, counted across transports. Over graphql-ws also: the upgrade's Origin held to the CORS
// rules, one log line per operation, persisted documents, and a shutdown that completes its subscriptions.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ApolloClient, HttpLink, InMemoryCache } from "@apollo/client";
import { DescribeWorkspacesCommand, ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import { print } from "graphql";
import { createClient as createSseClient, NetworkError } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { WebSocket } from "ws";
import { createLogger } from "../../src/logger.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { settingsFrom, startTestGateway } from "../gateway/fixture.ts";
import type { WorkspaceStateChangedSubscription } from "../generated/graphql.ts";
import { WorkspaceStateChangedDocument } from "../generated/graphql.ts";
import { SeededPool } from "../mutations/helpers.ts";
import { eventually, TIMEOUT_MS } from "./helpers.ts";

const READER = "transport-reader-0123456789";
const WRITER = "transport-writer-0123456789";
const SPENDER = "transport-spender-0123456789";
const QUERY = print(WorkspaceStateChangedDocument);

/** What a client library reports: an event's data, or the code of a refusal (a result's error, an HTTP or close status). */
type Outcome = { data: WorkspaceStateChangedSubscription } | { code: string };

interface Subscription {
  next(): Promise<Outcome>;
  close(): Promise<void>;
}

type Transport = "graphql-ws" | "apollo-multipart" | "graphql-sse";
const TRANSPORTS: Transport[] = ["graphql-ws", "apollo-multipart", "graphql-sse"];

/** The code a GraphQL result's first error carries. */
const codeOfResult = (errors: readonly { extensions?: Record<string, unknown> }[]) => String(errors[0]?.extensions?.code);

/** The code in an HTTP refusal's body: JSON, or an event stream's one result (yoga's SSE answer to a refused request). */
const codeOfBody = (status: number, body: string) => /"code":"([A-Z_]+)"/.exec(body)?.[1] ?? `HTTP ${status}`;

/** Results pushed by a callback-driven client, read one at a time. */
class Queue {
  private readonly items: Outcome[] = [];
  private waiting: ((outcome: Outcome) => void) | undefined;

  push(outcome: Outcome): void {
    if (this.waiting) {
      this.waiting(outcome);
      this.waiting = undefined;
    } else {
      this.items.push(outcome);
    }
  }

  next(): Promise<Outcome> {
    const item = this.items.shift();
    return item ? Promise.resolve(item) : new Promise((resolve) => (this.waiting = resolve));
  }
}

/** Reads an async iterator of results (graphql-ws's and graphql-sse's clients), a thrown refusal as its code. */
function iterated(
  iterator: AsyncIterableIterator<{ data?: unknown; errors?: readonly { extensions?: Record<string, unknown> }[] }>,
  codeOfThrown: (error: unknown) => Promise<string>,
  dispose: () => void,
): Subscription {
  return {
    async next() {
      try {
        const { value, done } = await iterator.next();
        if (done) return { code: "complete" };
        return value.errors ? { code: codeOfResult(value.errors) } : { data: value.data as WorkspaceStateChangedSubscription };
      } catch (error) {
        return { code: await codeOfThrown(error) };
      }
    },
    async close() {
      await iterator.return?.();
      dispose();
    },
  };
}

function subscribe(gateway: TestGateway, transport: Transport, workspaceIds: string[], key?: string): Subscription {
  const authorization = key === undefined ? undefined : `Bearer ${key}`;
  const variables = { workspaceIds };
  if (transport === "graphql-ws") {
    const client = createWsClient({
      url: gateway.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 0,
    });
    // A refused connection closes with the code in its reason: "UNAUTHENTICATED: ...".
    const codeOfClose = async (error: unknown) => String((error as { reason?: string }).reason).split(":")[0]!;
    return iterated(client.iterate({ query: QUERY, variables }), codeOfClose, () => void client.dispose());
  }
  if (transport === "graphql-sse") {
    const client = createSseClient({ url: gateway.url, headers: authorization ? { authorization } : {}, retryAttempts: 0 });
    const codeOfResponse = async (error: unknown) => {
      const response = error instanceof NetworkError ? (error.response as Response | undefined) : undefined;
      if (!response) throw error;
      return codeOfBody(response.status, await response.text().catch(() => ""));
    };
    return iterated(client.iterate({ query: QUERY, variables }), codeOfResponse, () => client.dispose());
  }
  const client = new ApolloClient({
    link: new HttpLink({ uri: gateway.url, headers: authorization ? { authorization } : {} }),
    cache: new InMemoryCache(),
  });
  const queue = new Queue();
  const refusal = (error: unknown): Outcome => {
    const { statusCode, bodyText, errors } = error as {
      statusCode?: number;
      bodyText?: string;
      errors?: { extensions?: Record<string, unknown> }[];
    };
    if (errors) return { code: codeOfResult(errors) };
    if (statusCode !== undefined) return { code: codeOfBody(statusCode, bodyText ?? "") };
    throw error;
  };
  const observed = client.subscribe({ query: WorkspaceStateChangedDocument, variables }).subscribe({
    next: (result) => queue.push(result.error ? refusal(result.error) : { data: result.data as WorkspaceStateChangedSubscription }),
    error: (error) => queue.push(refusal(error)),
    complete: () => queue.push({ code: "complete" }),
  });
  return {
    next: () => queue.next(),
    async close() {
      observed.unsubscribe();
      client.stop();
    },
  };
}

/** The next outcome's data, which must be a Workspace event. */
async function nextEvent(subscription: Subscription) {
  const outcome = await subscription.next();
  assert.ok("data" in outcome, `expected an event, got ${JSON.stringify(outcome)}`);
  const event = outcome.data.workspaceStateChanged;
  assert.equal(event.__typename, "Workspace");
  return event as Extract<typeof event, { __typename: "Workspace" }>;
}

/** Opens one subscription on each transport, in order, each past its first event. */
async function openOnEach(gateway: TestGateway, workspaceId: string, key: string): Promise<Subscription[]> {
  const opened: Subscription[] = [];
  for (const transport of TRANSPORTS) {
    const subscription = subscribe(gateway, transport, [workspaceId], key);
    opened.push(subscription);
    assert.equal((await nextEvent(subscription)).workspaceId, workspaceId, transport);
  }
  return opened;
}

const closeAll = (subscriptions: Subscription[]) => Promise.all(subscriptions.map((s) => s.close()));

/** The outcome of a first read on each transport. */
async function firstOnEach(gateway: TestGateway, workspaceIds: string[], key?: string): Promise<Record<Transport, Outcome>> {
  const outcomes = {} as Record<Transport, Outcome>;
  for (const transport of TRANSPORTS) {
    const subscription = subscribe(gateway, transport, workspaceIds, key);
    outcomes[transport] = await subscription.next();
    await subscription.close();
  }
  return outcomes;
}

const onEach = (outcome: Outcome) => Object.fromEntries(TRANSPORTS.map((transport) => [transport, outcome]));

describe("subscriptions over graphql-ws, Apollo's multipart HTTP and graphql-sse", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  let pool: SeededPool;
  before(async () => {
    gateway = await startTestGateway(
      {},
      {
        ...settingsFrom({ GATEWAY_API_KEYS: `${READER}:read,${WRITER}:write`, MAX_COST: "3" }),
        watchPollMs: 1_000,
        // One subscription per transport, and not one more.
        watchMaxSubscriptions: TRANSPORTS.length,
      },
    );
    pool = await SeededPool.load(gateway.client);
  });
  after(() => gateway.close());

  it("streams a WorkSpace's state, then its change, to each", async () => {
    const target = pool.take({ compute: "STANDARD" }).WorkspaceId!;
    const subscriptions = await openOnEach(gateway, target, READER);
    try {
      await gateway.client.send(
        new ModifyWorkspacePropertiesCommand({ WorkspaceId: target, WorkspaceProperties: { ComputeTypeName: "PERFORMANCE" } }),
      );
      for (const subscription of subscriptions) {
        const changed = await nextEvent(subscription);
        assert.deepEqual(
          changed.modificationStates.map((m) => m.state),
          ["UPDATE_INITIATED"],
        );
      }
    } finally {
      await closeAll(subscriptions);
    }
  });

  it("refuses a missing or wrong credential on each, before any AWS call", async () => {
    const [target] = [pool.take().WorkspaceId!];
    await gateway.resetAwsCalls();
    assert.deepEqual(await firstOnEach(gateway, [target!]), onEach({ code: "UNAUTHENTICATED" }));
    assert.deepEqual(await firstOnEach(gateway, [target!], "not-a-key-0123456789abcdef"), onEach({ code: "UNAUTHENTICATED" }));
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("refuses a credential without the read scope with FORBIDDEN on each", async () => {
    assert.deepEqual(await firstOnEach(gateway, [pool.take().WorkspaceId!], WRITER), onEach({ code: "FORBIDDEN" }));
  });

  it("refuses a subscription over the cost limit on each, before any AWS call", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `ws-${String(i).padStart(9, "0")}`);
    await gateway.resetAwsCalls();
    assert.deepEqual(await firstOnEach(gateway, ids, READER), onEach({ code: "QUERY_TOO_COMPLEX" }));
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("holds a caller to its cap of open subscriptions across transports", async () => {
    const target = pool.take().WorkspaceId!;
    const held = await openOnEach(gateway, target, READER);
    try {
      assert.deepEqual(await firstOnEach(gateway, [target], READER), onEach({ code: "RATE_LIMITED" }));
      // One closed on any transport (Apollo's multipart stream here) frees a place for another on any other.
      await held.splice(TRANSPORTS.indexOf("apollo-multipart"), 1)[0]!.close();
      await eventually(() => gateway.watch.status.subscriptions === TRANSPORTS.length - 1, "the closed subscription is released");
      const again = subscribe(gateway, "graphql-ws", [target], READER);
      held.push(again);
      assert.equal((await nextEvent(again)).workspaceId, target);
    } finally {
      await closeAll(held);
    }
  });
});

describe("a caller's spent quota, on each transport", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  before(async () => {
    // A bucket of 4 AWS calls, refilled by one a second: a subscription of 100 IDs (4 calls) needs it full.
    gateway = await startTestGateway(
      {},
      settingsFrom({ GATEWAY_API_KEYS: `${SPENDER}:read`, MAX_COST: "4", CALLER_BURST: "4", CALLER_RATE_LIMIT: "1" }),
    );
  });
  after(() => gateway.close());

  /** Spends the caller's bucket down to less than one call, by one-call queries until one is refused. */
  async function spend() {
    for (;;) {
      const response = await gateway.post(
        { query: "{ workspaces(first: 1) { edges { cursor } } }" },
        { authorization: `Bearer ${SPENDER}` },
      );
      await response.body?.cancel();
      if (response.status === 429) return;
    }
  }

  it("refuses with RATE_LIMITED on each, before any AWS call", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `ws-${String(i).padStart(9, "0")}`);
    for (const transport of TRANSPORTS) {
      await spend();
      await gateway.resetAwsCalls();
      const subscription = subscribe(gateway, transport, ids, SPENDER);
      assert.deepEqual(await subscription.next(), { code: "RATE_LIMITED" }, transport);
      await subscription.close();
      assert.deepEqual(await gateway.awsCalls(), {}, transport);
    }
  });
});

/** A WebSocket upgrade from `origin` (none: not a browser): accepted, or refused with its HTTP status and body. */
function upgrade(url: string, origin?: string): Promise<{ accepted: true } | { status: number; body: string }> {
  const socket = new WebSocket(url.replace(/^http/, "ws"), "graphql-transport-ws", origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    socket.once("open", () => {
      socket.close();
      resolve({ accepted: true });
    });
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body }));
    });
    socket.once("error", reject);
  });
}

describe("graphql-ws beside HTTP", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  const lines: Record<string, unknown>[] = [];
  before(async () => {
    const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line)) });
    gateway = await startTestGateway(
      {},
      settingsFrom({ GATEWAY_API_KEYS: `${READER}:read`, CORS_ORIGINS: "https://console.example.com" }),
      logger,
    );
  });
  after(() => gateway.close());

  it("holds a browser's Origin to the CORS rules at the upgrade, and names CORS_ORIGINS to one it refuses", async () => {
    // Listed; outside production a dev server on localhost; the gateway's own pages; and not a browser at all.
    for (const origin of ["https://console.example.com", "http://localhost:5173", gateway.origin, undefined]) {
      assert.deepEqual(await upgrade(gateway.url, origin), { accepted: true }, String(origin));
    }
    const refused = await upgrade(gateway.url, "https://evil.example.net");
    assert.deepEqual(refused, {
      status: 403,
      body: JSON.stringify({
        errors: [
          {
            message: "Origin https://evil.example.net is not in CORS_ORIGINS: browsers on it may not call this gateway.",
            extensions: { code: "ORIGIN_NOT_ALLOWED", retryable: false },
          },
        ],
      }),
    });
    const warned = lines.filter((l) => l.origin === "https://evil.example.net");
    assert.equal(warned.length, 1);
    assert.match(String(warned[0]!.msg), /add it to CORS_ORIGINS/);
  });

  it("logs each operation as a request, with its caller and operation name", async () => {
    const client = createWsClient({
      url: gateway.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${READER}` },
      retryAttempts: 0,
    });
    try {
      for await (const result of client.iterate({ query: "query Probe { __typename }" }))
        assert.deepEqual(result, { data: { __typename: "Query" } });
    } finally {
      await client.dispose();
    }
    await eventually(() => lines.some((l) => l.transport === "websocket" && l.operation === "Probe"), "the operation's log line");
    const line = lines.find((l) => l.transport === "websocket" && l.operation === "Probe")!;
    assert.match(String(line.principal), /^key:[0-9a-f]{12}$/);
    assert.match(String(line.requestId), /^[0-9a-f-]{36}$/);
    assert.doesNotMatch(JSON.stringify(lines), new RegExp(READER));
  });

  it("completes open subscriptions when the gateway shuts down, then closes their connections", async () => {
    const target = (await SeededPool.load(gateway.client)).take().WorkspaceId!;
    const subscription = subscribe(gateway, "graphql-ws", [target], READER);
    await nextEvent(subscription);
    await gateway.close();
    assert.deepEqual(await subscription.next(), { code: "complete" });
    await subscription.close();
  });
});

describe("persisted documents over graphql-ws", { timeout: TIMEOUT_MS }, () => {
  const ADHOC = "transport-adhoc-0123456789";
  let gateway: TestGateway;
  before(async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), "transports-")), "documents.json");
    writeFileSync(manifest, JSON.stringify({ "sha256:watch": QUERY }));
    gateway = await startTestGateway(
      {},
      settingsFrom({
        GATEWAY_API_KEYS: `${READER}:read,${ADHOC}:read+adhoc`,
        PERSISTED_DOCUMENTS: manifest,
        PERSISTED_DOCUMENTS_ONLY: "true",
      }),
    );
  });
  after(() => gateway.close());

  /** The first result of a subscribe message with `payload`, over a connection with `key`. */
  async function first(payload: { query: string; documentId?: string; variables: Record<string, unknown> }, key: string) {
    const client = createWsClient({
      url: gateway.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
    });
    try {
      for await (const result of client.iterate(payload)) return result;
    } finally {
      await client.dispose();
    }
  }

  it("runs a document by its documentId, and another only for a credential with the adhoc scope", async () => {
    const [workspace] = (await gateway.client.send(new DescribeWorkspacesCommand({ Limit: 1 }))).Workspaces!;
    const variables = { workspaceIds: [workspace!.WorkspaceId!] };
    const persisted = await first({ query: "", documentId: "sha256:watch", variables }, READER);
    assert.equal((persisted!.data as WorkspaceStateChangedSubscription).workspaceStateChanged.__typename, "Workspace");
    const own = await first({ query: QUERY, variables }, READER);
    assert.deepEqual(
      own?.errors?.map((e) => e.extensions?.code),
      ["PERSISTED_DOCUMENTS_ONLY"],
    );
    const operator = await first({ query: QUERY, variables }, ADHOC);
    assert.equal(operator?.errors, undefined);
  });
});
