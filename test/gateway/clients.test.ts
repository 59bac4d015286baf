// The clients docs/clients.md shows, against the real gateway: Apollo Client with the committed possibleTypes (without
// them its cache drops what a fragment on Error selected), urql, and graphql-sse for a subscription.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient as createSseClient } from "graphql-sse";
import type { TestGateway } from "./fixture.ts";
import { sdkWorkspaces, startTestGateway } from "./fixture.ts";

const MODIFY = gql`
  mutation Modify($input: ModifyWorkspacePropertiesInput!) {
    modifyWorkspaceProperties(input: $input) {
      ... on ModifyWorkspacePropertiesPayload {
        results {
          __typename
          ... on Error {
            code
            message
          }
        }
      }
    }
  }
`;

const UNKNOWN = { modifications: [{ workspaceId: "ws-doesnotexist", workspaceProperties: { runningMode: "AUTO_STOP" } }] };

const { possibleTypes } = JSON.parse(readFileSync(new URL("../../schema/possible-types.json", import.meta.url), "utf8")) as {
  possibleTypes: Record<string, string[]>;
};

describe("the clients docs/clients.md shows", () => {
  let gateway: TestGateway;
  let workspaceId: string;
  before(async () => {
    gateway = await startTestGateway();
    workspaceId = (await sdkWorkspaces(gateway.client))[0]!.WorkspaceId!;
  });
  after(() => gateway.close());

  const apollo = (cache: InMemoryCache) => new ApolloClient({ link: new HttpLink({ uri: gateway.url }), cache });

  it("Apollo Client keeps an item's code and message with possibleTypes, and drops them without (why the file exists)", async () => {
    const withTypes = await apollo(new InMemoryCache({ possibleTypes })).mutate({ mutation: MODIFY, variables: { input: UNKNOWN } });
    assert.deepEqual((withTypes.data as { modifyWorkspaceProperties: { results: unknown[] } }).modifyWorkspaceProperties.results, [
      { __typename: "AwsRefusalError", code: "NOT_FOUND", message: "The workspace ws-doesnotexist could not be found." },
    ]);
    const without = await apollo(new InMemoryCache()).mutate({ mutation: MODIFY, variables: { input: UNKNOWN } });
    assert.deepEqual((without.data as { modifyWorkspaceProperties: { results: unknown[] } }).modifyWorkspaceProperties.results, [
      { __typename: "AwsRefusalError" },
    ]);
  });

  it("urql with graphql-sse reads a query and follows a subscription", async () => {
    const sse = createSseClient({ url: gateway.url });
    const client = new Client({
      url: gateway.url,
      exchanges: [
        cacheExchange,
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (operation) => ({
            subscribe: (sink) => ({ unsubscribe: sse.subscribe({ ...operation, query: operation.query ?? "" }, sink) }),
          }),
        }),
      ],
    });
    try {
      const read = await client.query(
        "{ workspace(workspaceId: $id) { workspaceId state } }".replace("$id", JSON.stringify(workspaceId)),
        {},
      );
      assert.equal(read.error, undefined);
      assert.equal((read.data as { workspace: { workspaceId: string } }).workspace.workspaceId, workspaceId);
      const event = await new Promise<{ workspaceId: string; state: string }>((resolve, reject) => {
        const { unsubscribe } = client
          .subscription(
            "subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) { ... on Workspace { workspaceId state } } }",
            {
              ids: [workspaceId],
            },
          )
          .subscribe((result) => {
            unsubscribe();
            if (result.error) reject(result.error);
            else resolve((result.data as { workspaceStateChanged: { workspaceId: string; state: string } }).workspaceStateChanged);
          });
      });
      assert.equal(event.workspaceId, workspaceId);
      assert.equal(typeof event.state, "string");
    } finally {
      sse.dispose();
    }
  });
});
