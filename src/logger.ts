// Structured JSON logs (pino); every line written while a request is handled carries its request ID.
import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";
import type { GatewayConfig } from "./config.ts";
import { requestScope } from "./http/request-log.ts";

export type { Logger };

export function createLogger(level: GatewayConfig["logLevel"], destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "workspaces-gateway" },
      mixin: () => {
        const request = requestScope.getStore();
        return request ? { requestId: request.id } : {};
      },
    },
    destination,
  );
}
