// The production path as documented, on a clean clone of this repository's last commit: `npm run build` (by this
// checkout's install, the build stage), `npm ci --omit=dev` (no npm warning but for a Node outside the engines' range;
// no tsx), then the built emulator
// (`node dist/emulator/cli.js`) and two gateways by `npm start`, in production on one real Redis and one CURSOR_SECRET:
// each answers, a cursor one issued pages on the other, and SIGTERM stops each with 0. Slow (an install and a build):
// the one test that spawns all of this.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";

const ROOT = join(import.meta.dirname, "../..");
const KEY = "production-path-key-0123456789";
const CURSOR_SECRET = "production-path-cursor-secret-0123456789abcdef";

/** The environment npm runs in: without the test runner's NODE_ENV or NODE_OPTIONS, as a deploy script's shell. */
const { NODE_ENV: _nodeEnv, NODE_OPTIONS: _nodeOptions, NODE_TEST_CONTEXT: _context, ...SHELL } = process.env;

/** Runs an npm command in `cwd`; fails with its output unless it succeeds. Returns what it printed. */
function npm(cwd: string, args: string[]): string {
  const run = spawnSync("npm", args, { cwd, env: SHELL, encoding: "utf8" });
  const output = `${run.stdout}${run.stderr}`;
  assert.equal(run.status, 0, `npm ${args.join(" ")} failed:\n${output}`);
  return output;
}

interface Started {
  child: ChildProcess;
  /** Where it says it listens. */
  url: string;
}

/** Starts `command` in `cwd` and waits for the first line `listening` finds a URL in. */
async function start(cwd: string, command: string, args: string[], env: Record<string, string>, listening: RegExp): Promise<Started> {
  const child = spawn(command, args, { cwd, env: { ...SHELL, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const found = listening.exec(line)?.[1];
      if (found) resolve(found);
    });
    void exited.then(([code]) => reject(new Error(`${command} ${args.join(" ")} exited (${code}) before listening`)));
  });
  return { child, url };
}

async function stop({ child }: Started): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = await exited;
  return code as number | null;
}

async function query<T>(url: string, text: string): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query: text }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data!;
}

describe("the production path, on a clean clone", { timeout: 900_000 }, () => {
  let clone: string;
  let redis: RedisServer;
  const started: Started[] = [];
  before(() => {
    clone = mkdtempSync(join(tmpdir(), "gateway-clone-"));
    const cloned = spawnSync("git", ["clone", "--quiet", ROOT, clone], { encoding: "utf8" });
    assert.equal(cloned.status, 0, cloned.stderr);
  });
  after(async () => {
    for (const server of started) await stop(server);
    await redis?.close();
    rmSync(clone, { recursive: true, force: true });
  });

  it("builds, then installs the production dependencies alone without a warning", () => {
    // The build stage is this checkout's own install (npm test's): the clone's src/ built with its compiler.
    symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"));
    npm(clone, ["run", "build"]);
    rmSync(join(clone, "node_modules"));
    const installed = npm(clone, ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"]);
    // A Node outside package.json's engines is warned about, rightly; anything else npm warns of is a defect.
    const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
    const supported = major >= 24 || (major === 22 && minor >= 15);
    const warnings = installed.split("\n").filter((line) => line.startsWith("npm warn") && (supported || !line.includes("EBADENGINE")));
    assert.deepEqual(warnings, []);
    assert.ok(existsSync(join(clone, "dist/main.js")));
    assert.ok(!existsSync(join(clone, "node_modules/tsx")), "tsx is a dev dependency");
  });

  it("runs the built emulator and two gateways by npm start, on one Redis, each answering, a cursor good on both", async () => {
    redis = await startRedisServer();
    const emulator = await start(clone, process.execPath, ["dist/emulator/cli.js", "--port", "0"], {}, /listening on (http:\S+)/);
    started.push(emulator);
    const env = {
      NODE_ENV: "production",
      WORKSPACES_BACKEND: "aws",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_WORKSPACES: emulator.url,
      AWS_ENDPOINT_URL_STS: emulator.url,
      AWS_ACCESS_KEY_ID: "production-path",
      AWS_SECRET_ACCESS_KEY: "production-path",
      GATEWAY_API_KEYS: `${KEY}:read`,
      CURSOR_SECRET,
      REDIS_URL: redis.url,
      PORT: "0",
      METRICS_PORT: "0",
      LOG_FORMAT: "json",
    };
    const gateways = await Promise.all([0, 1].map(() => start(clone, "npm", ["start"], env, /"url":"(http:[^"]+)"/)));
    started.push(...gateways);
    const [first, second] = gateways as [Started, Started];
    for (const gateway of gateways) {
      const ready = await fetch(new URL("/ready", gateway.url));
      assert.deepEqual([ready.status, await ready.json()], [200, { status: "ready" }]);
    }
    type Page = { workspaces: { edges: { node: { workspaceId: string } }[]; pageInfo: { endCursor: string } } };
    const page = (after?: string) =>
      `{ workspaces(first: 2${after ? `, after: "${after}"` : ""}) { edges { node { workspaceId } } pageInfo { endCursor } } }`;
    const one = await query<Page>(first.url, page());
    const next = await query<Page>(second.url, page(one.workspaces.pageInfo.endCursor));
    const all = await query<{ workspaces: { edges: { node: { workspaceId: string } }[] } }>(
      first.url,
      "{ workspaces(first: 4) { edges { node { workspaceId } } } }",
    );
    assert.deepEqual(
      [...one.workspaces.edges, ...next.workspaces.edges].map((e) => e.node.workspaceId),
      all.workspaces.edges.map((e) => e.node.workspaceId),
    );
    for (const gateway of gateways) {
      started.splice(started.indexOf(gateway), 1);
      assert.equal(await stop(gateway), 0);
    }
  });
});
