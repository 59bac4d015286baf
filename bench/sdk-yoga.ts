// The floor of any gateway that calls AWS once per request: graphql-yoga answering `{ workspaces }` with one
// DescribeWorkspaces through @aws-sdk/client-workspaces (the SDK's standard configuration, as the gateway's), and
// doing nothing else with it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeWorkspacesCommand, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { createSchema, createYoga } from "graphql-yoga";

const client = new WorkSpacesClient({});
const yoga = createYoga({
  schema: createSchema({
    typeDefs: "type Query { workspaces: Int! }",
    resolvers: {
      Query: { workspaces: async () => (await client.send(new DescribeWorkspacesCommand({ Limit: 25 }))).Workspaces?.length ?? 0 },
    },
  }),
  landingPage: false,
});
const server = createServer(yoga);
server.listen(0, "127.0.0.1", () => {
  console.log(`graphql-yoga with one SDK call per request on http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
});
