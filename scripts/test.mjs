// `npm test`: installs what the tests need from Debian when missing (Chromium for the GraphiQL test, the AWS CLI
// for the emulator's CLI test, redis-server for the cluster tests, which start their own), then runs every test file
// under test/ with node's test runner (scripts/run-tests.mjs): a process per core and one more at once, then the timing files alone.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

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
// Files that spawn processes, wait long or take many seconds of CPU: each runs in a process of its own, the longest (by
// their time alone) first, so the last to start are short and no core idles at the end.
const OWN_PROCESS = [
  "test/cluster/production-path.test.ts",
  "test/hardening/fuzz.test.ts",
  "test/hardening/startup.test.ts",
  "test/hardening/shutdown.test.ts",
  "test/hardening/faults.test.ts",
  "test/cluster/outage.test.ts",
  "test/subscriptions/transports.test.ts",
  "test/cluster/watch.test.ts",
  "test/subscriptions/leaks.test.ts",
  "test/gateway/federation.test.ts",
  "test/subscriptions/fan-out.test.ts",
  "test/hardening/tracing.test.ts",
  "test/gateway/graphiql.browser.test.ts",
  "test/cluster/sharing.test.ts",
  "test/gateway/fleet.test.ts",
  "test/emulator/aws-cli-operations.test.ts",
  // The metrics registry is the process's: no other file's gateway may count into it.
  "test/gateway/metrics.test.ts",
];
// The other files share processes, this many: loading the gateway's modules costs each process about 3 s of CPU, as
// much as most of these files' tests. Their top-level hooks then run once for the process, which they allow.
const SHARED_PROCESSES = 4;

const requested = process.argv.slice(2).map((file) => relative(process.cwd(), resolve(file)));
const files = requested.length > 0 ? requested : testFiles("test").sort();
if (files.some((f) => f.includes("browser"))) ensureChromium();
if (files.some((f) => f.includes("aws-cli"))) ensureAwsCli();
if (files.some((f) => f.includes("cluster"))) ensureRedisServer();

/** An entry module that imports `members` in order, so that node's test runner runs them in one process. */
function sharedEntry(index, members) {
  const dir = resolve("node_modules/.cache/test-processes");
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, `shared-${index + 1}.test.mjs`);
  writeFileSync(entry, members.map((file) => `await import(${JSON.stringify(pathToFileURL(resolve(file)).href)});\n`).join(""));
  return entry;
}

const own = (file) => ALONE.includes(file) || OWN_PROCESS.includes(file);
const shared = files.filter((file) => !own(file));
const sharedGroups = Array.from({ length: Math.min(SHARED_PROCESSES, shared.length) }, (_, i) =>
  shared.filter((_, j) => j % SHARED_PROCESSES === i),
);
const groups = [
  // One process more than the cores at once (several of the long ones mostly wait: on deadlines, on processes they
  // started), the long ones first, then the shared ones.
  {
    concurrency: availableParallelism() + 1,
    files: [...OWN_PROCESS.filter((file) => files.includes(file)), ...sharedGroups.map((members, i) => sharedEntry(i, members))],
  },
  { concurrency: 1, files: files.filter((f) => ALONE.includes(f)) },
];
const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/run-tests.mjs", JSON.stringify(groups)], {
  stdio: "inherit",
  env: { ...process.env, NODE_NO_WARNINGS: "1" },
});
process.exit(result.status ?? 1);
