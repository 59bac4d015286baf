// The gateway as an Apollo Federation v2 subgraph (FEDERATION_SUBGRAPH=true), composed with another team's small
// subgraph (an HR system adding a WorkSpace's owner) by The Guild's composition, and served by Hive Gateway, in
// process, as docs/router.md sets it up: one query through the router spans both subgraphs, each way (our WorkSpaces
// with their owners; their employees with our WorkSpaces and bundles, which the router fetches from us by key); a
// mutation's union result and a subscription's events carry the other subgraph's fields too; and a router that passes
// each client's Authorization on leaves each client its own scopes.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";
import { createYoga } from "graphql-yoga";
import { eventually } from "../subscriptions/helpers.ts";
import type { TestGateway } from "./fixture.ts";
import { sdkWorkspaces, settingsFrom, startTestGateway } from "./fixture.ts";

const HR_TYPE_DEFS = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@external", "@requires"])

  type Workspace @key(fields: "workspaceId region accountId") {
    workspaceId: String!
    region: String!
    accountId: String!
    userName: String! @external
    "The employee the WorkSpace is for, from the HR system."
    owner: Employee @requires(fields: "userName")
  }

  type Bundle @key(fields: "bundleId region accountId", resolvable: false) {
    bundleId: String!
    region: String!
    accountId: String!
  }

  type Employee {
    name: String!
    department: String!
    workspace: Workspace
    standardBundle: Bundle
  }

  type Query {
    employees: [Employee!]!
  }
`);

interface Employee {
  userName: string;
  region: string;
  accountId: string;
  name: string;
  department: string;
  workspaceId: string;
  bundleId: string;
}

/** Another team's subgraph: its own server, its own data, keyed to ours by WorkSpace and bundle IDs. */
async function startHrSubgraph(employees: Employee[]) {
  const schema = buildSubgraphSchema({
    typeDefs: HR_TYPE_DEFS,
    resolvers: {
      Query: { employees: () => employees },
      Workspace: {
        owner: ({ userName }: { userName: string }) => employees.find((e) => e.userName === userName) ?? null,
      },
      Employee: {
        workspace: (e: Employee) => ({ __typename: "Workspace", workspaceId: e.workspaceId, region: e.region, accountId: e.accountId }),
        standardBundle: (e: Employee) => ({ __typename: "Bundle", bundleId: e.bundleId, region: e.region, accountId: e.accountId }),
      },
    } as never,
  });
  const server = createServer(createYoga({ schema, logging: false }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** A subscription's first event through the router, over SSE; the stream is closed after it. */
async function firstEvent(url: string, query: string, key?: string): Promise<unknown> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
    signal: abort.signal,
  });
  try {
    assert.equal(response.status, 200);
    let text = "";
    for await (const chunk of response.body!) {
      text += Buffer.from(chunk).toString();
      const data = /^data: (.*)$/m.exec(text);
      if (data && text.slice(data.index).includes("\n\n")) return JSON.parse(data[1]!);
    }
    assert.fail(`the stream ended without an event: ${text}`);
  } finally {
    abort.abort();
  }
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe("federation", () => {
  let subgraph: TestGateway;
  let hr: Awaited<ReturnType<typeof startHrSubgraph>>;
  let router: Server;
  let routerUrl: string;
  let employees: Employee[];

  before(async () => {
    subgraph = await startTestGateway({}, settingsFrom({ FEDERATION_SUBGRAPH: "true" }));
    const listed = await post(
      subgraph.url,
      "{ workspaces(first: 3) { edges { node { workspaceId region accountId userName bundleId } } } }",
    );
    employees = listed.data.workspaces.edges.map(({ node }: { node: Omit<Employee, "name" | "department"> }, i: number) => ({
      ...node,
      name: `Employee ${i}`,
      department: i % 2 === 0 ? "Engineering" : "Finance",
    }));
    hr = await startHrSubgraph(employees);
    // The router learns each subgraph's schema as routers do, from _service { sdl }.
    const sdl = async (url: string) => (await post(url, "{ _service { sdl } }")).data._service.sdl as string;
    const composed = composeServices([
      { name: "workspaces", typeDefs: parse(await sdl(subgraph.url)), url: subgraph.url },
      { name: "hr", typeDefs: parse(await sdl(hr.url)), url: hr.url },
    ]);
    assert.deepEqual(
      composed.errors?.map((e) => e.message),
      undefined,
    );
    // Errors unmasked, so that a failure shows the subgraph's own.
    router = createServer(createGatewayRuntime({ supergraph: composed.supergraphSdl!, logging: false, maskedErrors: false }));
    await new Promise<void>((resolve) => router.listen(0, "127.0.0.1", resolve));
    routerUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}/graphql`;
  });
  after(async () => {
    await close(router);
    await close(hr.server);
    await subgraph.close();
  });

  it("answers one query with our WorkSpaces and the owner another subgraph adds to each", async () => {
    const result = await post(
      routerUrl,
      "{ workspaces(first: 3) { edges { node { workspaceId state bundle { name } owner { name department } } } } }",
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const nodes = result.data.workspaces.edges.map(({ node }: { node: unknown }) => node);
    assert.deepEqual(
      nodes.map((n: { workspaceId: string; owner: unknown }) => [n.workspaceId, n.owner]),
      employees.map((e) => [e.workspaceId, { name: e.name, department: e.department }]),
    );
    for (const node of nodes) assert.equal(typeof node.bundle.name, "string");
  });

  it("resolves the WorkSpaces and bundles another subgraph refers to, by their keys, in batches", async () => {
    await subgraph.resetAwsCalls();
    const result = await post(
      routerUrl,
      "{ employees { name workspace { workspaceId userName state } standardBundle { bundleId name } } }",
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(
      result.data.employees.map((e: any) => [e.name, e.workspace.workspaceId, e.workspace.userName, e.standardBundle.bundleId]),
      employees.map((e) => [e.name, e.workspaceId, e.userName, e.bundleId]),
    );
    for (const e of result.data.employees) assert.equal(typeof e.standardBundle.name, "string");
    // Three WorkSpaces in one DescribeWorkspaces; their bundles were cached by the first query.
    assert.deepEqual(await subgraph.awsCalls(), { DescribeWorkspaces: 1 });
  });

  it("keeps the gateway's rules behind the router: one filter at a time, refused before any AWS call", async () => {
    await subgraph.resetAwsCalls();
    const result = await post(
      routerUrl,
      '{ workspaces(filter: { bundleId: "wsb-acct0ppr2", workspaceIds: ["ws-k4yb1f7c0"] }) { edges { cursor } } }',
    );
    assert.equal(result.data?.workspaces ?? null, null);
    assert.match(result.errors?.[0]?.message ?? "", /Exactly one key must be specified for OneOf type "WorkspacesFilter"/);
    assert.equal(result.errors?.[0]?.extensions?.serviceName, "workspaces");
    assert.deepEqual(await subgraph.awsCalls(), {});
  });

  it("refuses a representation it cannot look up with a VALIDATION error at that item, and resolves the others", async () => {
    const [known] = employees;
    const result = await post(
      subgraph.url,
      `{ _entities(representations: [
          { __typename: "Employee", workspaceId: "${known!.workspaceId}" }
          { __typename: "Workspace" }
          { __typename: "Workspace", workspaceId: "${known!.workspaceId}" }
          { __typename: "Bundle", bundleId: "not-a-bundle" }
          { workspaceId: "${known!.workspaceId}" }
        ]) { ... on Workspace { workspaceId } } }`,
    );
    assert.deepEqual(result.data?._entities, [null, null, { workspaceId: known!.workspaceId }, null, null]);
    assert.deepEqual(
      result.errors?.map((e) => [(e as { path?: unknown[] }).path, e.message, e.extensions]),
      [
        [
          ["_entities", 0],
          "representations[0].__typename: must be an entity of this subgraph: Workspace, Bundle, Directory",
          { code: "VALIDATION", retryable: false, field: "representations[0].__typename", rule: "entity" },
        ],
        [
          ["_entities", 1],
          "representations[1].workspaceId: is required: the key of Workspace",
          { code: "VALIDATION", retryable: false, field: "representations[1].workspaceId", rule: "required" },
        ],
        [
          ["_entities", 3],
          "representations[3].bundleId: must match ^wsb-[0-9a-z]{8,63}$",
          { code: "VALIDATION", retryable: false, field: "representations[3].bundleId", rule: "pattern" },
        ],
        [
          ["_entities", 4],
          "representations[4].__typename: must be an entity of this subgraph: Workspace, Bundle, Directory",
          { code: "VALIDATION", retryable: false, field: "representations[4].__typename", rule: "entity" },
        ],
      ],
    );
  });

  it("carries a mutation's union result, each member as its own type, and the owner the other subgraph adds", async () => {
    // An employee's WorkSpace that AWS lets be modified (AVAILABLE or STOPPED), asked through the router.
    const listed = await post(routerUrl, "{ employees { name workspace { workspaceId state } } }");
    const modifiable = listed.data.employees.find((e: { workspace: { state: string } }) =>
      ["AVAILABLE", "STOPPED"].includes(e.workspace.state),
    );
    const owned = employees.find((e) => e.workspaceId === modifiable?.workspace.workspaceId);
    assert.ok(owned, `no employee's WorkSpace can be modified: ${JSON.stringify(listed)}`);
    const result = await post(
      routerUrl,
      `mutation {
        modifyWorkspaceProperties(input: { modifications: [
          { workspaceId: "${owned.workspaceId}", workspaceProperties: { runningMode: ALWAYS_ON } }
          { workspaceId: "ws-zzzzzzzz0", workspaceProperties: { runningMode: AUTO_STOP } }
        ] }) {
          __typename
          ... on ModifyWorkspacePropertiesPayload { results { __typename
            ... on ModifyWorkspacePropertiesSuccess { workspace { workspaceId workspaceProperties { runningMode } owner { name } } }
            ... on Error { code }
          } }
        }
      }`,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(result.data.modifyWorkspaceProperties, {
      __typename: "ModifyWorkspacePropertiesPayload",
      results: [
        {
          __typename: "ModifyWorkspacePropertiesSuccess",
          workspace: { workspaceId: owned.workspaceId, workspaceProperties: { runningMode: "ALWAYS_ON" }, owner: { name: owned.name } },
        },
        { __typename: "AwsRefusalError", code: "NOT_FOUND" },
      ],
    });
  });

  it("carries a subscription from the subgraph to the router's client, with the other subgraph's fields on each event", async () => {
    const [watched] = employees;
    const query = `subscription { workspaceStateChanged(workspaceIds: ["${watched!.workspaceId}"]) {
      ... on Workspace { workspaceId owner { name } } } }`;
    assert.deepEqual(await firstEvent(routerUrl, query), {
      data: { workspaceStateChanged: { workspaceId: watched!.workspaceId, owner: { name: watched!.name } } },
    });
    // The subgraph's subscription ends with the router's client.
    await eventually(() => subgraph.watch.status.subscriptions === 0, "the subgraph's subscription is closed");
  });

  it("serves its schema as a subgraph: _service, _entities and the @key of each entity", async () => {
    const { data } = await post(subgraph.url, "{ _service { sdl } }");
    assert.match(data._service.sdl, /@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.6", import: \["@key"\]\)/);
    assert.match(data._service.sdl, /type Workspace implements Node\s+@key\(fields: "workspaceId region accountId"\)/);
    assert.match(data._service.sdl, /type Bundle implements Node\s+@key\(fields: "bundleId region accountId"\)/);
    assert.match(data._service.sdl, /type Directory implements Node\s+@key\(fields: "directoryId region accountId"\)/);
  });
});

describe("federation with authentication and a cost limit", () => {
  const READ_KEY = "router-read-key-0123456789";
  const WRITE_KEY = "router-write-key-0123456789";
  let subgraph: TestGateway;
  before(async () => {
    subgraph = await startTestGateway(
      {},
      settingsFrom({
        FEDERATION_SUBGRAPH: "true",
        GATEWAY_API_KEYS: `${READ_KEY}:read,${WRITE_KEY}:write`,
        MAX_COST: "1",
        // Lists are bounded by what the cost could allow (25 items here): raised, so the cost itself is what refuses.
        MAX_LIST_ITEMS: "100",
        CALLER_RATE_LIMIT: "0",
      }),
    );
  });
  after(() => subgraph.close());

  it("fetches entities for a credential that may read, and refuses one that may not", async () => {
    const query = '{ _entities(representations: [{ __typename: "Bundle", bundleId: "wsb-acct0ppr2" }]) { ... on Bundle { bundleId } } }';
    const allowed = await post(subgraph.url, query, { authorization: `Bearer ${READ_KEY}` });
    assert.deepEqual(allowed, { data: { _entities: [{ bundleId: "wsb-acct0ppr2" }] } });
    const refused = await post(subgraph.url, query, { authorization: `Bearer ${WRITE_KEY}` });
    assert.equal(refused.errors?.[0]?.extensions?.code, "FORBIDDEN");
    assert.equal((await post(subgraph.url, query)).errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  });

  it("serves its schema (_service) to a credential that may read, as introspection is, and to no other", async () => {
    const query = "{ _service { sdl } }";
    const allowed = await post(subgraph.url, query, { authorization: `Bearer ${READ_KEY}` });
    assert.match(allowed.data?._service?.sdl ?? "", /type Workspace/);
    const refused = await post(subgraph.url, query, { authorization: `Bearer ${WRITE_KEY}` });
    assert.deepEqual([refused.data, refused.errors?.[0]?.extensions?.code], [null, "FORBIDDEN"], JSON.stringify(refused));
  });

  it("behind a router that passes each client's Authorization on, answers each client with its own scopes", async () => {
    const sdl = (await post(subgraph.url, "{ _service { sdl } }", { authorization: `Bearer ${READ_KEY}` })).data._service.sdl as string;
    const composed = composeServices([{ name: "workspaces", typeDefs: parse(sdl), url: subgraph.url }]);
    const router = createServer(
      createGatewayRuntime({
        supergraph: composed.supergraphSdl!,
        logging: false,
        maskedErrors: false,
        propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get("authorization") }) },
      }),
    );
    await new Promise<void>((resolve) => router.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(router.address() as AddressInfo).port}/graphql`;
      const [first] = await sdkWorkspaces(subgraph.client);
      const query = `{ workspace(workspaceId: "${first!.WorkspaceId}") { workspaceId } }`;
      const read = await post(url, query, { authorization: `Bearer ${READ_KEY}` });
      assert.deepEqual(read, { data: { workspace: { workspaceId: first!.WorkspaceId } } });
      const writer = await post(url, query, { authorization: `Bearer ${WRITE_KEY}` });
      assert.equal(writer.errors?.[0]?.extensions?.code, "FORBIDDEN", JSON.stringify(writer));
      const anonymous = await post(url, query);
      assert.equal(anonymous.data?.workspace ?? null, null);
      assert.ok(anonymous.errors?.length, JSON.stringify(anonymous));
      // A subscription's request to the subgraph carries the client's credential too.
      const subscription = `subscription { workspaceStateChanged(workspaceIds: ["${first!.WorkspaceId}"]) { ... on Workspace { workspaceId } } }`;
      assert.deepEqual(await firstEvent(url, subscription, READ_KEY), {
        data: { workspaceStateChanged: { workspaceId: first!.WorkspaceId } },
      });
      const refused = (await firstEvent(url, subscription, WRITE_KEY)) as { errors?: { extensions?: { code?: string } }[] };
      assert.equal(refused.errors?.[0]?.extensions?.code, "FORBIDDEN", JSON.stringify(refused));
    } finally {
      await close(router);
    }
  });

  it("refuses a reference to a partition it does not serve at that item, and resolves the others", async () => {
    const query = `{ _entities(representations: [
      { __typename: "Bundle", bundleId: "wsb-acct0ppr2", region: "us-east-1" },
      { __typename: "Bundle", bundleId: "wsb-acct0ppr2", region: "ap-south-2" },
      { __typename: "Bundle", bundleId: "wsb-acct0ppr2", accountId: "210987654321" }
    ]) { ... on Bundle { bundleId } } }`;
    const result = await post(subgraph.url, query, { authorization: `Bearer ${READ_KEY}` });
    assert.deepEqual(result.data?._entities, [{ bundleId: "wsb-acct0ppr2" }, null, null], JSON.stringify(result));
    assert.deepEqual(
      result.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.extensions?.rule]),
      [
        ["VALIDATION", "representations[1].region", "served"],
        ["VALIDATION", "representations[2].accountId", "served"],
      ],
      JSON.stringify(result.errors),
    );
  });

  it("counts the router's references against the cost limit, 25 per AWS call, before any call", async () => {
    await subgraph.resetAwsCalls();
    const representations = Array.from(
      { length: 26 },
      (_, i) => `{ __typename: "Workspace", workspaceId: "ws-${String(i).padStart(9, "0")}" }`,
    );
    const query = `{ _entities(representations: [${representations.join(", ")}]) { ... on Workspace { workspaceId } } }`;
    const refused = await post(subgraph.url, query, { authorization: `Bearer ${READ_KEY}` });
    assert.deepEqual(
      [refused.errors?.[0]?.extensions?.code, refused.errors?.[0]?.extensions?.actual],
      ["QUERY_TOO_COMPLEX", 2],
      JSON.stringify(refused),
    );
    assert.deepEqual(await subgraph.awsCalls(), {});
  });
});
