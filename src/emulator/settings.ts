// The emulator's knobs, from command-line flags or (for the gateway's embedded mode) environment variables.
export interface EmulatorSettings {
  port: number;
  host: string;
  /** How many workspaces are generated at start. */
  workspaces: number;
  /** How long a new workspace stays PENDING, a modification or a fleet action (start, stop, ...) takes to settle. */
  pendingMs: number;
  /** How long a new workspace stays invisible to DescribeWorkspaces. */
  visibilityLagMs: number;
  /** Added to every call before it is answered. */
  latencyMs: number;
  /** Fraction of calls answered with ThrottlingException. */
  throttleRate: number;
  /** Scales AWS's waits between modifications (6 hours, 30 days): 1 as AWS, 0 none, for tests. */
  coolDownScale: number;
  seed: number;
}

export const DEFAULT_SETTINGS: EmulatorSettings = {
  port: 4566,
  host: "127.0.0.1",
  workspaces: 60,
  pendingMs: 10_000,
  visibilityLagMs: 1_000,
  latencyMs: 0,
  throttleRate: 0,
  coolDownScale: 1,
  seed: 1,
};

const KNOBS: { key: keyof EmulatorSettings; flag: string; env: string; max: number; fraction?: true }[] = [
  { key: "port", flag: "--port", env: "EMULATOR_PORT", max: 65_535 },
  { key: "workspaces", flag: "--workspaces", env: "EMULATOR_WORKSPACES", max: 100_000 },
  { key: "pendingMs", flag: "--pending-ms", env: "EMULATOR_PENDING_MS", max: 86_400_000 },
  { key: "visibilityLagMs", flag: "--visibility-lag-ms", env: "EMULATOR_VISIBILITY_LAG_MS", max: 86_400_000 },
  { key: "latencyMs", flag: "--latency-ms", env: "EMULATOR_LATENCY_MS", max: 60_000 },
  { key: "throttleRate", flag: "--throttle-rate", env: "EMULATOR_THROTTLE_RATE", max: 1, fraction: true },
  { key: "coolDownScale", flag: "--cool-down-scale", env: "EMULATOR_COOL_DOWN_SCALE", max: 1, fraction: true },
  { key: "seed", flag: "--seed", env: "EMULATOR_SEED", max: 2 ** 32 - 1 },
];

export const SETTINGS_HELP = KNOBS.map((k) => `  ${k.flag} <n>  (env ${k.env}, default ${DEFAULT_SETTINGS[k.key]})`).join("\n");

function parseNumber(raw: string, name: string, max: number, fraction: boolean): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > max || (!fraction && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${fraction ? "a number" : "an integer"} from 0 to ${max}, got "${raw}"`);
  }
  return value;
}

/** Settings from environment variables, then flags (`--port 4566` or `--port=4566`) over them. */
export function parseSettings(argv: string[], env: NodeJS.ProcessEnv): EmulatorSettings {
  const settings: EmulatorSettings = { ...DEFAULT_SETTINGS, host: env.EMULATOR_HOST ?? DEFAULT_SETTINGS.host };
  const set = (knob: (typeof KNOBS)[number], raw: string, name: string) => {
    (settings as unknown as Record<string, number>)[knob.key] = parseNumber(raw, name, knob.max, knob.fraction === true);
  };
  for (const knob of KNOBS) {
    const raw = env[knob.env];
    if (raw !== undefined) set(knob, raw, knob.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    if (flag === "--host") {
      const host = inline ?? argv[++i];
      if (!host) throw new Error("--host needs a value");
      settings.host = host;
      continue;
    }
    const knob = KNOBS.find((k) => k.flag === flag);
    if (!knob) throw new Error(`unknown option ${flag}\n${SETTINGS_HELP}`);
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new Error(`${flag} needs a value`);
    set(knob, raw, flag);
  }
  return settings;
}
