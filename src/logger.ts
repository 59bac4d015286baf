// Structured JSON logs (pino) on stdout.

import type { DestinationStream, Logger } from "pino";
import { pino } from "pino";
import type { GatewayConfig } from "./config.ts";

export type { Logger };

export function createLogger(level: GatewayConfig["logLevel"], destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "workspaces-gateway" },
    },
    destination,
  );
}
