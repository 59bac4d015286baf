// `npm run emulator -- --port 4566`: the emulator on its own, for any AWS SDK or the AWS CLI (--endpoint-url).

import { startEmulator } from "./server.ts";
import { parseSettings, SETTINGS_HELP } from "./settings.ts";

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(`Usage: npm run emulator -- [options]\n${SETTINGS_HELP}\n  --host <address>  (env EMULATOR_HOST, default 127.0.0.1)`);
  process.exit(0);
}

let settings: ReturnType<typeof parseSettings>;
try {
  settings = parseSettings(argv, process.env);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const emulator = await startEmulator(settings);
console.log(`WorkSpaces emulator listening on ${emulator.url} (${emulator.world.fleet.size} workspaces, seed ${settings.seed})`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}
