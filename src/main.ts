// The gateway's process: `node dist/main.js` in production, `npm start` in development. On the embedded emulator
// unless WORKSPACES_BACKEND=aws; SIGTERM or SIGINT drains it, then it exits 0.
import { ConfigurationError, loadConfig } from "./config.ts";
import { createLogger, prettyLines } from "./logger.ts";
import type { RunningGateway } from "./server.ts";
import { startGateway } from "./server.ts";
import { banner, describeBackend, listenFailure } from "./startup.ts";

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error(`Configuration error: ${(error as Error).message}`);
  process.exit(2);
}
const pretty = config.logFormat === "pretty";
const logger = createLogger(config.logLevel, pretty ? await prettyLines() : undefined);
let gateway: RunningGateway;
try {
  gateway = await startGateway(config, logger);
} catch (error) {
  if (error instanceof ConfigurationError) {
    console.error(`Configuration error: ${error.message}`);
    process.exit(2);
  }
  const reason = listenFailure(error, config);
  // Otherwise what start-up found wrong with the fleet (an account served twice, STS unable to say whose the
  // credentials are), named in one line too.
  console.error(reason ?? `Start-up failed: ${(error as Error).message}`);
  process.exit(reason ? 1 : 2);
}
const backend = describeBackend(config, gateway.emulator?.url);
const partitions = gateway.fleet.partitions.map((partition) => partition.key);
if (pretty) {
  process.stdout.write(banner(gateway.url, backend, config, partitions));
} else {
  const graphiql = config.graphiql ? " (GraphiQL in a browser)" : "";
  logger.info(
    { url: gateway.url, upstream: backend, partitions },
    `WorkSpaces gateway on ${gateway.url}${graphiql}, backed by ${backend}, serving ${partitions.join(", ")}`,
  );
}

let stopping: { signal: NodeJS.Signals; at: number } | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A terminal's Ctrl-C reaches both npm and the gateway, and npm passes its copy on: the same signal at once is one.
      if (signal === stopping.signal && performance.now() - stopping.at < 1_000) return;
      // Another signal means: do not wait any longer.
      process.exit(1);
    }
    stopping = { signal, at: performance.now() };
    logger.info({ signal }, "shutting down: finishing in-flight requests");
    void gateway.close().then(() => {
      logger.info("stopped");
      process.exit(0);
    });
  });
}
