// `npm test`: installs what the tests need from Debian when missing (Chromium for the GraphiQL test, the AWS CLI
// for the emulator's CLI test, redis-server for the cluster tests, which start their own), then runs every test file
// under test/ with node's test runner (scripts/run-tests.mjs): a file per core at once, then the timing files alone.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";

const CHROMIUM = "/usr/bin/chromium";

let aptUpdated = false;
function aptInstall(what, pkg) {
  if (process.getuid?.() !== 0) {
    console.error(`${what} is missing: install Debian's ${pkg} package (apt-get install ${pkg}).`);
    return;
  }
  console.log(`Installing Debian's ${pkg}...`);
  if (!aptUpdated) execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  aptUpdated = true;
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", pkg], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

function ensureChromium() {
  if (existsSync(CHROMIUM) || process.env.SKIP_BROWSER_INSTALL) return;
  aptInstall(CHROMIUM, "chromium");
}

function onPath(command) {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function ensureAwsCli() {
  if (!onPath("aws")) aptInstall("The AWS CLI (aws)", "awscli");
}

function ensureRedisServer() {
  if (!onPath("redis-server")) aptInstall("redis-server", "redis-server");
}

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

// Files that time what they check (latency under a flood, AWS calls in each second of a clock): they must not share
// the cores with other files, so they run one at a time after the rest.
const ALONE = ["test/hardening/fairness.test.ts", "test/cluster/budget.test.ts"];
// The longest files (by their time alone) start first, so the last to start are short and no core idles at the end.
const LONGEST = [
  "test/hardening/fuzz.test.ts",
  "test/cluster/watch.test.ts",
  "test/subscriptions/leaks.test.ts",
  "test/cluster/sharing.test.ts",
  "test/cluster/outage.test.ts",
  "test/hardening/startup.test.ts",
  "test/hardening/shutdown.test.ts",
  "test/hardening/tracing.test.ts",
  "test/hardening/faults.test.ts",
  "test/gateway/fleet.test.ts",
  "test/subscriptions/fan-out.test.ts",
  "test/emulator/aws-cli-operations.test.ts",
  "test/gateway/federation.test.ts",
  "test/gateway/graphiql.browser.test.ts",
];

const requested = process.argv.slice(2).map((file) => relative(process.cwd(), resolve(file)));
const files = requested.length > 0 ? requested : testFiles("test").sort();
if (files.some((f) => f.includes("browser"))) ensureChromium();
if (files.some((f) => f.includes("aws-cli"))) ensureAwsCli();
if (files.some((f) => f.includes("cluster"))) ensureRedisServer();

const rank = (file) => (LONGEST.includes(file) ? LONGEST.indexOf(file) : LONGEST.length);
const groups = [
  // A file per core: their processes (a gateway's start-up alone is seconds of CPU) keep each core busy.
  { concurrency: availableParallelism(), files: files.filter((f) => !ALONE.includes(f)).sort((a, b) => rank(a) - rank(b)) },
  { concurrency: 1, files: files.filter((f) => ALONE.includes(f)) },
];
const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/run-tests.mjs", JSON.stringify(groups)], {
  stdio: "inherit",
  env: { ...process.env, NODE_NO_WARNINGS: "1" },
});
process.exit(result.status ?? 1);
