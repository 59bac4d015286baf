// `npm start`: the gateway, on the embedded emulator unless WORKSPACES_BACKEND=aws.
import { loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { startGateway } from "./server.ts";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error(`Configuration error: ${(error as Error).message}`);
  process.exit(2);
}
const logger = createLogger(config.logLevel);
let gateway: Awaited<ReturnType<typeof startGateway>>;
try {
  gateway = await startGateway(config, logger);
} catch (error) {
  // What start-up found wrong (an account served twice, STS unreachable, the port taken), named without a stack.
  console.error(`Start-up failed: ${(error as Error).message}`);
  process.exit(2);
}
const upstream = gateway.emulator ? `the embedded WorkSpaces emulator at ${gateway.emulator.url}` : "AWS WorkSpaces";
const partitions = gateway.fleet.partitions.map((partition) => partition.key);
logger.info(
  { url: gateway.url, upstream, partitions },
  `WorkSpaces gateway on ${gateway.url} (GraphiQL in a browser), backed by ${upstream}, serving ${partitions.join(", ")}`,
);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // A second signal means: do not wait any longer.
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    void gateway.close().then(() => {
      logger.info("stopped");
      process.exit(0);
    });
  });
}
