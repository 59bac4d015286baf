// `npm test`: installs what the tests need from Debian when missing (Chromium for the GraphiQL test, the AWS CLI
// for the emulator's CLI test), then runs every test file under test/ with node's test runner.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

const CHROMIUM = "/usr/bin/chromium";

function ensureChromium() {
  if (existsSync(CHROMIUM) || process.env.SKIP_BROWSER_INSTALL) return;
  if (process.getuid?.() !== 0) {
    console.error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium).`);
    return;
  }
  console.log("Installing Debian's chromium for the browser tests...");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

const onPath = (program) => (process.env.PATH ?? "").split(delimiter).some((dir) => existsSync(join(dir, program)));

function ensureAwsCli() {
  if (onPath("aws")) return;
  if (process.getuid?.() !== 0) {
    console.error("aws is not on PATH: install the AWS CLI (apt-get install awscli) for the emulator's CLI test.");
    return;
  }
  console.log("Installing Debian's awscli for the emulator's CLI test...");
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "awscli"], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
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
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter", "spec", ...files], {
  stdio: "inherit",
  env: { ...process.env, NODE_NO_WARNINGS: "1" },
});
process.exit(result.status ?? 1);
