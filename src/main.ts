// The gateway's process: `node dist/main.js` (or `npm start`) in production, `npm start` in development. On the
// embedded emulator unless WORKSPACES_BACKEND=aws (production must name either); SIGTERM or SIGINT drains it, then it
// exits 0, and a second signal stops it at once with 1.
import { loadConfig } from "./config.ts";
import { ConfigurationError } from "./configuration-error.ts";
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
/** Drains, then exits 0; its two lines in that order, written before the process ends. */
async function stop(signal: NodeJS.Signals): Promise<never> {
  logger.info({ signal }, "shutting down: finishing in-flight requests");
  await gateway.close();
  logger.info("stopped");
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  process.exit(0);
}

let stopping: { signal: NodeJS.Signals; at: number } | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!stopping) {
      stopping = { signal, at: performance.now() };
      void stop(signal);
      return;
    }
    // A terminal's Ctrl-C reaches both npm and the gateway, and npm passes its copy on: the same signal at once is one.
    if (signal === stopping.signal && performance.now() - stopping.at < 1_000) return;
    // Another signal means: do not wait any longer.
    logger.warn({ signal }, "forcing the stop: a second signal came before in-flight requests finished; exiting 1");
    logger.flush(() => process.exit(1));
  });
}

// Only now that a signal would drain it: whoever starts the gateway may stop it as soon as it says where it listens.
const backend = describeBackend(config, gateway.emulator?.url);
const partitions = gateway.fleet.partitions.map((partition) => partition.key);
if (pretty) {
  process.stdout.write(banner(gateway.url, backend, config, partitions, gateway.metricsUrl));
} else {
  const graphiql = config.graphiql ? " (GraphiQL in a browser)" : "";
  logger.info(
    { url: gateway.url, upstream: backend, partitions, metrics: gateway.metricsUrl },
    `WorkSpaces gateway on ${gateway.url}${graphiql}, backed by ${backend}, serving ${partitions.join(", ")}`,
  );
}
