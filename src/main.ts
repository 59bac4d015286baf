// `npm start`: the gateway, on the embedded emulator unless WORKSPACES_BACKEND=aws.
import { loadConfig } from "./config.ts";
import { startGateway } from "./server.ts";

let config;
try {
  config = loadConfig();
} catch (error) {
  console.error(`Configuration error: ${(error as Error).message}`);
  process.exit(2);
}
const gateway = await startGateway(config);
const upstream = gateway.emulator ? `the embedded WorkSpaces emulator at ${gateway.emulator.url}` : "AWS WorkSpaces";
console.log(`WorkSpaces gateway on ${gateway.url} (GraphiQL in a browser), backed by ${upstream}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void gateway.close().then(() => process.exit(0)));
}
