export type { EmulatorOptions, EmulatorStats, RunningEmulator } from "./server.ts";
export { startEmulator } from "./server.ts";
export type { EmulatorSettings } from "./settings.ts";
export { DEFAULT_SETTINGS, parseSettings } from "./settings.ts";
