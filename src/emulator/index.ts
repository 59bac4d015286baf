export { DEFAULT_ACCOUNT_ID } from "./partitions.ts";
export type { EmulatorOptions, RunningEmulator } from "./server.ts";
export { startEmulator } from "./server.ts";
export type { EmulatorSettings } from "./settings.ts";
export { DEFAULT_SETTINGS, parseSettings } from "./settings.ts";
export type { EmulatorStats } from "./stats.ts";
