// `npm run emulator -- --port 4566`, or built `node dist/emulator/cli.js --port 4566`: the emulator on its own, for any
// AWS SDK or the AWS CLI (--endpoint-url).

import { DEFAULT_ACCOUNT_ID } from "./partitions.ts";
import { startEmulator } from "./server.ts";
import { parseSettings, SETTINGS_HELP } from "./settings.ts";

const USAGE = `Usage: npm run emulator -- [options]   (or, built: node dist/emulator/cli.js [options])
${SETTINGS_HELP}

Every account and served region has its own bundles, directories and workspaces. The region is the one a request
is signed for (unsigned: the first region); the account is ${DEFAULT_ACCOUNT_ID}, or the role's for keys from the
emulator's STS (AssumeRole, GetCallerIdentity at the same URL). Roles named Deny* cannot be assumed.
GET /_emulator/stats counts requests by operation, in all and per <account>/<region>, with each one's busiest second;
POST /_emulator/reset-stats.`;

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
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
console.log(
  `WorkSpaces emulator listening on ${emulator.url} (${emulator.world.workspaces.size} workspaces per account and region, ` +
    `regions ${settings.regions.join(", ")}, seed ${settings.seed})`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void emulator.close().then(() => process.exit(0)));
}
