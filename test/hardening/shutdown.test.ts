// A rolling deploy's SIGTERM, sent to the PID a container or process manager holds: docs/production.md's command
// (`node dist/main.js`, built by `npm run build`) and `npm start` both drain (/ready 503 while still serving, requests
// and subscriptions in flight finished) and exit 0, leaving no process behind, and a second SIGTERM forces the stop
// with 1; `npm run emulator` stops too. A keyed create AWS still holds when SHUTDOWN_TIMEOUT_MS runs out is answered
// OUTCOME_UNKNOWN, not a closed socket, and a retry with its key on another gateway finds the WorkSpace.
import assert from "node:assert/strict";
import type { ChildProcessByStdio } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";
import type { CreateAnswer } from "../cluster/fixture.ts";
import { startClusterGateway } from "../cluster/fixture.ts";
import { FleetStateChangedDocument } from "../generated/graphql.ts";
import { BUNDLES, CORP, uniqueUser } from "../mutations/helpers.ts";
import type { RedisServer } from "../support/redis-server.ts";
import { startRedisServer } from "../support/redis-server.ts";
import { SseSubscription } from "../support/sse.ts";

const ROOT = join(import.meta.dirname, "../..");

const ENV = {
  ...process.env,
  PORT: "0",
  LOG_FORMAT: "json",
  NODE_NO_WARNINGS: "1",
  // Every AWS call takes this long, so a request sent before SIGTERM is still in flight when the delay ends; the delay
  // leaves a busy machine seconds to see /ready answer 503 and a new request still served.
  EMULATOR_LATENCY_MS: "4000",
  SHUTDOWN_DELAY_MS: "3000",
  // No polling tick during the test: the subscription's only call is its first.
  WATCH_POLL_MS: "3600000",
};

/** createWorkspaces, with whether each failure may be retried. */
const CREATE_RETRYABLE = `mutation ($input: CreateWorkspacesInput!) {
  createWorkspaces(input: $input) {
    ... on CreateWorkspacesPayload { results { __typename ... on Workspace { workspaceId } ... on Error { code retryable } } }
  }
}`;

type Child = ChildProcessByStdio<null, Readable, null>;

/** The process's JSON log lines, and the first one naming where it listens. */
function follow(child: Child) {
  const lines: Record<string, unknown>[] = [];
  const waiters: { match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout }).on("line", (text) => {
    if (!text.startsWith("{")) return;
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const waiter of waiters.filter((w) => w.match(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  // "close" rather than "exit": the process's last lines are read by then.
  const exited = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
  const line = (match: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find(match);
      if (seen) return resolve(seen);
      waiters.push({ match, resolve });
      void exited.then(([code]) => reject(new Error(`exited (${code}) before the awaited log line; logs: ${JSON.stringify(lines)}`)));
    });
  return { lines, exited, line };
}

/** Every process below `pid`, from /proc. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while being listed.
    }
  }
  const all: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift()!) ?? [];
    all.push(...next);
    queue.push(...next);
  }
  return all;
}

/** Whether the process runs: it exists and is not a zombie (one an init that does not reap would leave). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Waits for the processes to end (a parent's exit reaches its children a moment later). */
async function gone(pids: number[]): Promise<void> {
  for (;;) {
    const left = pids.filter(running);
    if (left.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function post(url: string, query: string, variables?: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: unknown[] } };
}

/** Resolves once the embedded emulator has received `operation` (its stats count calls as they arrive). */
async function arrived(emulatorUrl: string, operation: string): Promise<void> {
  for (;;) {
    const stats = (await (await fetch(`${emulatorUrl}/_emulator/stats`)).json()) as { requests: Record<string, number> };
    if ((stats.requests[operation] ?? 0) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Checks the drain of the gateway `child` runs when `pid` gets SIGTERM, then that the whole process tree is gone. */
async function drains(child: Child, pid: number) {
  const gateway = follow(child);
  const started = await gateway.line((l) => typeof l.url === "string");
  const tree = [pid, ...descendantsOf(pid)];
  try {
    await checkDrain(gateway, started, pid, tree);
  } finally {
    // A failed check must not leave a gateway running.
    for (const left of tree.filter(running)) process.kill(left, "SIGKILL");
  }
}

/**
 * With a subscription open and a request in flight, sends SIGTERM to `pid` and checks the drain from outside: /ready
 * 503 and new requests still served during the delay, then the subscription completed, the request answered, exit 0.
 */
async function checkDrain(gateway: ReturnType<typeof follow>, started: Record<string, unknown>, pid: number, tree: number[]) {
  const url = started.url as string;
  const emulatorUrl = /at (http:\S+)/.exec(String(started.upstream))![1]!;
  const { origin } = new URL(url);

  const first = await post(url, "{ workspaces(first: 1) { edges { node { workspaceId region accountId } } } }");
  const located = first.body.data.workspaces.edges[0].node as { workspaceId: string; region: string; accountId: string };
  const subscription = await SseSubscription.open(url, FleetStateChangedDocument, { workspaces: [located] });
  assert.equal((await subscription.nextData()).workspaceStateChanged.__typename, "Workspace");

  // A request AWS is still answering when SIGTERM comes (bundles are not cached yet, and no one else asks for them).
  const inFlight = post(url, "{ bundles(first: 2) { edges { node { bundleId } } } }");
  await arrived(emulatorUrl, "DescribeWorkspaceBundles");
  process.kill(pid, "SIGTERM");
  await gateway.line((l) => l.msg === "shutting down: finishing in-flight requests");

  const ready = await fetch(`${origin}/ready`);
  assert.equal(ready.status, 503);
  assert.deepEqual(await ready.json(), { status: "unavailable", reason: "shutting down" });
  // Still served during the delay, so nothing sent before the load balancer noticed is lost.
  const late = await post(url, "{ __typename }");
  assert.deepEqual(late, { status: 200, body: { data: { __typename: "Query" } } });

  assert.equal(await subscription.next(), "complete");
  const answered = await inFlight;
  assert.equal(answered.status, 200);
  assert.equal(answered.body.data.bundles.edges.length, 2);
  const [code, signal] = await gateway.exited;
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
  await gone(tree);
  await assert.rejects(fetch(`${origin}/health`));
  // In that order, and nothing after.
  const messages = gateway.lines.map((l) => l.msg);
  assert.ok(messages.indexOf("shutting down: finishing in-flight requests") < messages.indexOf("stopped"), JSON.stringify(messages));
  assert.equal(messages.at(-1), "stopped");
}

// The cases at once: each waits seconds on its AWS latency and shutdown delay, and they share nothing.
describe("SIGTERM", { concurrency: true }, () => {
  before(() => {
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  });

  it("to docs/production.md's command (node dist/main.js): drains, exits 0, leaves nothing behind", { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ["dist/main.js"], { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "inherit"] });
    await drains(child, child.pid!);
  });

  it("a second SIGTERM during the drain: says it forces the stop, and exits 1 at once", { timeout: 60_000 }, async () => {
    // A drain long enough that only the second signal can end it.
    const child = spawn(process.execPath, ["dist/main.js"], {
      cwd: ROOT,
      env: { ...ENV, SHUTDOWN_DELAY_MS: "600000" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const gateway = follow(child);
    try {
      await gateway.line((l) => typeof l.url === "string");
      child.kill("SIGTERM");
      await gateway.line((l) => l.msg === "shutting down: finishing in-flight requests");
      // The same signal within a second is a terminal's Ctrl-C reaching the gateway twice, and is ignored.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      child.kill("SIGTERM");
      const [code] = await gateway.exited;
      assert.equal(code, 1);
      const last = gateway.lines.at(-1)!;
      assert.deepEqual(
        [last.level, last.signal, last.msg],
        [40, "SIGTERM", "forcing the stop: a second signal came before in-flight requests finished; exiting 1"],
      );
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("to npm start's own PID: npm passes it on, the gateway drains, and npm exits 0 after it", { timeout: 60_000 }, async () => {
    const child = spawn("npm", ["start"], { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "inherit"] });
    await drains(child, child.pid!);
  });

  it("to npm run emulator's own PID: the emulator stops, and npm exits 0 after it, leaving nothing behind", {
    timeout: 60_000,
  }, async () => {
    const child = spawn("npm", ["run", "emulator", "--", "--port", "0"], { cwd: ROOT, env: ENV, stdio: ["ignore", "pipe", "inherit"] });
    const exited = once(child, "close") as Promise<[number | null, NodeJS.Signals | null]>;
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => {
        const listening = /listening on (http:\S+)/.exec(line);
        if (listening) resolve(listening[1]!);
      });
      void exited.then(([code]) => reject(new Error(`npm run emulator exited (${code}) before listening`)));
    });
    const tree = [child.pid!, ...descendantsOf(child.pid!)];
    try {
      // npm runs the emulator's node itself (exec), not a shell or a loader's second process that could outlive it.
      assert.equal(tree.length, 2, `npm and the emulator, nothing between: ${tree.join(", ")}`);
      assert.equal((await fetch(`${url}/_emulator/stats`)).status, 200);
      process.kill(child.pid!, "SIGTERM");
      const [code, signal] = await exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null });
      await gone(tree);
      await assert.rejects(fetch(`${url}/_emulator/stats`));
    } finally {
      for (const left of tree.filter(running)) process.kill(left, "SIGKILL");
    }
  });
});

describe("SIGTERM while AWS holds a keyed create past SHUTDOWN_TIMEOUT_MS", { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let emulator: RunningEmulator;

  before(async () => {
    redis = await startRedisServer();
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 5 });
  });
  after(async () => {
    await emulator.close();
    await redis.close();
  });

  it("answers the client OUTCOME_UNKNOWN, retryable, and leaves the key to a retry elsewhere, which finds the WorkSpace", async () => {
    // One gateway told to stop long before the create's deadline, another to retry on: both share the key through Redis.
    const [stopping, other] = await Promise.all([
      startClusterGateway(emulator.url, redis.url, { SHUTDOWN_TIMEOUT_MS: "300" }),
      startClusterGateway(emulator.url, redis.url),
    ]);
    let release = () => {};
    try {
      // The bundle is read (and cached) first, so the create's only call is the one AWS holds.
      const bundle = await stopping.post({ query: `{ bundle(bundleId: "${BUNDLES.standard}") { name } }` });
      assert.equal(bundle.body.errors, undefined, JSON.stringify(bundle.body.errors));
      const input = {
        idempotencyKey: "cut-by-shutdown",
        workspaces: [{ directoryId: CORP, userName: uniqueUser("cut"), bundleId: BUNDLES.standard }],
      };
      release = emulator.hold();
      const cut = stopping.post<CreateAnswer>({ query: CREATE_RETRYABLE, variables: { input } });
      await arrived(emulator.url, "CreateWorkspaces");
      const closed = stopping.close();
      const answer = await cut;
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.data!.createWorkspaces!.results, [
        { __typename: "UpstreamError", code: "OUTCOME_UNKNOWN", retryable: true },
      ]);
      await closed;
      assert.ok(
        stopping.logs.some((l) => l.msg === "shutdown timeout reached: writes still in flight are cut short, their outcome unknown"),
        JSON.stringify(stopping.logs.map((l) => l.msg)),
      );
      // AWS applies the create it held.
      release();
      const retried = await other.post<CreateAnswer>({ query: CREATE_RETRYABLE, variables: { input } });
      const [result] = retried.body.data!.createWorkspaces!.results!;
      assert.equal(result!.__typename, "Workspace", JSON.stringify(retried.body));
      const { Workspaces } = emulator.world.workspaces.describe({ DirectoryId: CORP, UserName: input.workspaces[0]!.userName });
      assert.deepEqual(
        Workspaces!.map((w) => w.WorkspaceId),
        [result!.workspaceId],
        "the one AWS created for the first attempt",
      );
    } finally {
      release();
      await Promise.all([stopping.kill(), other.close()]);
    }
  });
});
