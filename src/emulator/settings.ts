// The emulator's knobs, from command-line flags or (for the gateway's embedded mode) environment variables.
import { REGION_PATTERN } from "../constraints.ts";

export interface EmulatorSettings {
  port: number;
  host: string;
  /** How many workspaces are generated at start, in every partition (account and region). */
  workspaces: number;
  /** How long a new workspace stays PENDING, a modification or a WorkSpace action (start, stop, ...) takes to settle. */
  pendingMs: number;
  /** How long a new workspace stays invisible to DescribeWorkspaces. */
  visibilityLagMs: number;
  /** Added to every call before it is answered. */
  latencyMs: number;
  /** Fraction of WorkSpaces calls answered with ThrottlingException. */
  throttleRate: number;
  /** Scales AWS's waits between modifications (6 hours, 30 days): 1 as AWS, 0 none, for tests. */
  coolDownScale: number;
  seed: number;
  /** The regions served, each with a world of its own per account; the first is the default region. */
  regions: string[];
  /** Throttle rates over `throttleRate` for a region ("eu-west-1") or one account in it ("210987654321/eu-west-1"). */
  throttleRates: Record<string, number>;
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
  regions: ["us-east-1"],
  throttleRates: {},
};

type NumberKey = { [K in keyof EmulatorSettings]: EmulatorSettings[K] extends number ? K : never }[keyof EmulatorSettings];

const KNOBS: { key: NumberKey; flag: string; env: string; max: number; fraction?: true }[] = [
  { key: "port", flag: "--port", env: "EMULATOR_PORT", max: 65_535 },
  { key: "workspaces", flag: "--workspaces", env: "EMULATOR_WORKSPACES", max: 100_000 },
  { key: "pendingMs", flag: "--pending-ms", env: "EMULATOR_PENDING_MS", max: 86_400_000 },
  { key: "visibilityLagMs", flag: "--visibility-lag-ms", env: "EMULATOR_VISIBILITY_LAG_MS", max: 86_400_000 },
  { key: "latencyMs", flag: "--latency-ms", env: "EMULATOR_LATENCY_MS", max: 60_000 },
  { key: "throttleRate", flag: "--throttle-rate", env: "EMULATOR_THROTTLE_RATE", max: 1, fraction: true },
  { key: "coolDownScale", flag: "--cool-down-scale", env: "EMULATOR_COOL_DOWN_SCALE", max: 1, fraction: true },
  { key: "seed", flag: "--seed", env: "EMULATOR_SEED", max: 2 ** 32 - 1 },
];

const THROTTLE_SCOPE_PATTERN = /^(\d{12}\/)?([a-z0-9-]+)$/;

// Flags whose values are text, not numbers: each applies its (checked) value to the settings.
const TEXT_KNOBS: {
  flag: string;
  env: string;
  value: string;
  help: string;
  apply(settings: EmulatorSettings, raw: string, name: string): void;
}[] = [
  {
    flag: "--host",
    env: "EMULATOR_HOST",
    value: "<address>",
    help: `default ${DEFAULT_SETTINGS.host}`,
    apply: (settings, raw) => {
      settings.host = raw;
    },
  },
  {
    flag: "--regions",
    env: "EMULATOR_REGIONS",
    value: "<list>",
    help: `default ${DEFAULT_SETTINGS.regions.join(",")}; comma-separated, the first is the default region`,
    apply: (settings, raw, name) => {
      settings.regions = parseRegions(raw, name);
    },
  },
  {
    flag: "--throttle-rates",
    env: "EMULATOR_THROTTLE_RATES",
    value: "<list>",
    help: "default none; e.g. eu-west-1=1,210987654321/us-east-1=0.5",
    apply: (settings, raw, name) => {
      settings.throttleRates = parseThrottleRates(raw, name);
    },
  },
];

export const SETTINGS_HELP = [
  ...KNOBS.map((k) => `  ${k.flag} <n>  (env ${k.env}, default ${DEFAULT_SETTINGS[k.key]})`),
  ...TEXT_KNOBS.map((k) => `  ${k.flag} ${k.value}  (env ${k.env}, ${k.help})`),
].join("\n");

function parseNumber(raw: string, name: string, max: number, fraction: boolean): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0 || value > max || (!fraction && !Number.isInteger(value))) {
    throw new Error(`${name} must be ${fraction ? "a number" : "an integer"} from 0 to ${max}, got "${raw}"`);
  }
  return value;
}

function parseRegions(raw: string, name: string): string[] {
  const regions = raw.split(",").map((r) => r.trim());
  for (const region of regions) {
    if (!REGION_PATTERN.test(region)) throw new Error(`${name} must list regions such as us-east-1,eu-west-1, got "${raw}"`);
  }
  if (new Set(regions).size !== regions.length) throw new Error(`${name} names a region twice: "${raw}"`);
  return regions;
}

function parseThrottleRates(raw: string, name: string): Record<string, number> {
  const rates: Record<string, number> = {};
  if (raw.trim() === "") return rates;
  for (const entry of raw.split(",")) {
    const [scope = "", rate, extra] = entry.trim().split("=");
    if (rate === undefined || extra !== undefined || !THROTTLE_SCOPE_PATTERN.test(scope)) {
      throw new Error(`${name} must list <region>=<rate> or <account>/<region>=<rate>, got "${entry}"`);
    }
    rates[scope] = parseNumber(rate, `${name} (${scope})`, 1, true);
  }
  return rates;
}

/** Throws for settings the emulator cannot serve: no region, or a throttle rate for a region it does not serve. */
export function checkSettings(settings: EmulatorSettings): void {
  if (settings.regions.length === 0) throw new Error("the emulator needs at least one region");
  for (const region of settings.regions) {
    if (!REGION_PATTERN.test(region)) throw new Error(`"${region}" is not a region name`);
  }
  for (const scope of Object.keys(settings.throttleRates)) {
    const region = scope.slice(scope.indexOf("/") + 1);
    if (!settings.regions.includes(region)) {
      throw new Error(`a throttle rate is set for ${scope}, but ${region} is not among the regions served (${settings.regions.join(",")})`);
    }
  }
}

/** Settings from environment variables, then flags (`--port 4566` or `--port=4566`) over them. */
export function parseSettings(argv: string[], env: NodeJS.ProcessEnv): EmulatorSettings {
  const settings: EmulatorSettings = { ...DEFAULT_SETTINGS, regions: [...DEFAULT_SETTINGS.regions], throttleRates: {} };
  const set = (knob: (typeof KNOBS)[number], raw: string, name: string) => {
    settings[knob.key] = parseNumber(raw, name, knob.max, knob.fraction === true);
  };
  for (const knob of KNOBS) {
    const raw = env[knob.env];
    if (raw !== undefined) set(knob, raw, knob.env);
  }
  for (const knob of TEXT_KNOBS) {
    const raw = env[knob.env];
    if (raw !== undefined) knob.apply(settings, raw, knob.env);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const equals = arg.indexOf("=");
    const flag = equals < 0 ? arg : arg.slice(0, equals);
    const text = TEXT_KNOBS.find((k) => k.flag === flag);
    const knob = KNOBS.find((k) => k.flag === flag);
    if (!text && !knob) throw new Error(`unknown option ${flag}\n${SETTINGS_HELP}`);
    const raw = equals < 0 ? argv[++i] : arg.slice(equals + 1);
    if (raw === undefined || (text && raw === "")) throw new Error(`${flag} needs a value`);
    if (text) text.apply(settings, raw, flag);
    else set(knob!, raw, flag);
  }
  checkSettings(settings);
  return settings;
}
