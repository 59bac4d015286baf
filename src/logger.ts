// Structured logs (pino) on stdout: JSON lines for machines, or readable lines for a person at a terminal.

import type { DestinationStream, Logger } from "pino";
import { pino } from "pino";

export type { Logger };

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "workspaces-gateway" },
    },
    // Written synchronously: at exit, pino's flush writes what is buffered while an earlier write may still be in
    // flight, so a request's line could land after "stopped", or be lost.
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** LOG_FORMAT=pretty: one readable line per record, written synchronously so nothing is lost at exit (loaded only then). */
export async function prettyLines(): Promise<DestinationStream> {
  const { build } = await import("pino-pretty");
  return build({ sync: true, singleLine: true, ignore: "service", translateTime: "SYS:HH:MM:ss.l" });
}
