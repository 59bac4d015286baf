// GraphQL over HTTP, as graphql-http's audit checks it, against the gateway with an API key: no MUST and no SHOULD
// may fail. And what the audit leaves to MAY: a body that is not JSON, or none, is HTTP 400 whatever the client accepts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { auditServer } from "graphql-http";
import type { GraphQLResponse } from "../support/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { settingsFrom, startTestGateway } from "./fixture.ts";

const KEY = "http-spec-key-0123456789";
const ACCEPTS = ["application/json", "application/graphql-response+json"];

describe("GraphQL over HTTP", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({}, settingsFrom({ GATEWAY_API_KEYS: `${KEY}:read` }));
  });
  after(() => gateway.close());

  it("passes graphql-http's audit with no MUST or SHOULD failing", async () => {
    const results = await auditServer({
      url: gateway.url,
      fetchFn: (input: RequestInfo | URL, init: RequestInit = {}) => {
        const headers = new Headers(init.headers);
        headers.set("authorization", `Bearer ${KEY}`);
        return fetch(input, { ...init, headers });
      },
    });
    assert.ok(results.length > 30, `the audit ran ${results.length} checks`);
    const failed = [];
    for (const result of results) {
      if (result.status === "ok" || result.name.startsWith("MAY")) continue;
      failed.push(`${result.id} ${result.name}: ${result.reason} (HTTP ${result.response.status}, ${await result.response.text()})`);
    }
    assert.deepEqual(failed, []);
  });

  it("answers a body that is not JSON, or none, with HTTP 400 and BAD_REQUEST under either media type", async () => {
    for (const body of ['{ "not a JSON', "", undefined]) {
      for (const accept of ACCEPTS) {
        const response = await fetch(gateway.url, {
          method: "POST",
          headers: { "content-type": "application/json", accept, authorization: `Bearer ${KEY}` },
          body,
        });
        const answer = (await response.json()) as GraphQLResponse<unknown>;
        assert.equal(response.status, 400, `${JSON.stringify(body)} accepting ${accept}`);
        assert.equal(answer.data, undefined);
        assert.deepEqual(
          answer.errors?.map((e) => e.extensions?.code),
          ["BAD_REQUEST"],
        );
      }
    }
  });
});
