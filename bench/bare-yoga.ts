// The ceiling of the gateway's own HTTP server: graphql-yoga on node:http answering `{ hello }`, with yoga's defaults.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSchema, createYoga } from "graphql-yoga";

const yoga = createYoga({
  schema: createSchema({ typeDefs: "type Query { hello: String! }", resolvers: { Query: { hello: () => "world" } } }),
  landingPage: false,
});
const server = createServer(yoga);
server.listen(0, "127.0.0.1", () => {
  console.log(`bare graphql-yoga on http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
});
