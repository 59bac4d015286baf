// `npm test`: installs what the tests need from Debian when missing (Chromium for the GraphiQL test, the AWS CLI
// for the emulator's CLI test, redis-server for the cluster tests, which start their own), then runs every test file
// under test/ with node's test runner.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

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

const requested = process.argv.slice(2);
const files = requested.length > 0 ? requested : testFiles("test").sort();
if (files.some((f) => f.includes("browser"))) ensureChromium();
if (files.some((f) => f.includes("aws-cli"))) ensureAwsCli();
if (files.some((f) => f.includes("cluster"))) ensureRedisServer();
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter", "spec", ...files], {
  stdio: "inherit",
  env: { ...process.env, NODE_NO_WARNINGS: "1" },
});
process.exit(result.status ?? 1);
