// The gateway's settings, from environment variables only (12-factor), checked at start-up.
import { randomBytes } from "node:crypto";
import { parseSettings } from "./emulator/settings.ts";
import type { EmulatorSettings } from "./emulator/settings.ts";

export interface GatewayConfig {
  port: number;
  host: string;
  /** `emulator` runs the embedded emulator; `aws` uses the SDK's standard configuration. */
  backend: "emulator" | "aws";
  bundleCacheTtlMs: number;
  cursorSecret: string;
  /** How often the subscriptions' polling loop asks AWS about the watched WorkSpaces. */
  watchPollMs: number;
  /** Knobs of the embedded emulator (EMULATOR_*); port 0 picks a free one. */
  emulator: EmulatorSettings;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const backend = env.WORKSPACES_BACKEND ?? "emulator";
  if (backend !== "emulator" && backend !== "aws") {
    throw new Error(`WORKSPACES_BACKEND must be "emulator" or "aws", got "${backend}"`);
  }
  if (backend === "aws" && !env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
    throw new Error("WORKSPACES_BACKEND=aws needs AWS_REGION (and credentials from the default chain)");
  }
  return {
    port: integer(env, "PORT", 4000, 65_535),
    host: env.HOST ?? "127.0.0.1",
    backend,
    bundleCacheTtlMs: integer(env, "BUNDLE_CACHE_TTL_MS", 5 * 60_000, 86_400_000),
    cursorSecret: env.CURSOR_SECRET || randomBytes(32).toString("hex"),
    // At least a second between ticks: polling faster would spend AWS's rate limit for little news.
    watchPollMs: integer(env, "WATCH_POLL_MS", 5_000, 3_600_000, 1_000),
    emulator: { ...parseSettings([], env), port: integer(env, "EMULATOR_PORT", 0, 65_535) },
  };
}
