// What a person starting the gateway reads, from the real process: a banner on a terminal, the backend named as it is
// configured, one line naming the setting when the port is taken, and in production no start on what would go wrong
// quietly (the emulator's made-up data unless asked for, loudly; a cursor secret of its own).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import type { RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";

const ROOT = join(import.meta.dirname, "../..");

/** `npm start`'s process with `env`; resolves with the first stdout line matching, then stops it. */
async function startAndRead(env: Record<string, string>, match: RegExp): Promise<{ line: string; stdout: string[] }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", NODE_NO_WARNINGS: "1", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stdout: string[] = [];
  const exited = once(child, "exit");
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (text) => {
        stdout.push(text);
        if (match.test(text)) resolve(text);
      });
      void exited.then(() => reject(new Error(`exited before printing ${match}: ${stdout.join("\n")}`)));
    });
    return { line, stdout };
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

/** `npm start`'s process with `env`, expected to stop before listening: its exit code and what it wrote on stderr. */
async function failedStart(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", NODE_NO_WARNINGS: "1", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stderr };
}

// The cases at once: each is a process of its own, on a port of its own.
describe("start-up", { concurrency: true }, () => {
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", workspaces: 5 });
  });
  after(() => emulator.close());

  it("shows a person at a terminal a short banner with GraphiQL's address and the backend", async () => {
    const { line, stdout } = await startAndRead({ LOG_FORMAT: "pretty" }, /^ {2}Backend/);
    const graphiql = stdout.find((line) => line.startsWith("  GraphiQL"));
    assert.match(graphiql ?? "", /^ {2}GraphiQL {3}http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    assert.match(line, /^ {2}Backend {4}the embedded WorkSpaces emulator at http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(!stdout.some((line) => line.startsWith("{")), "no JSON before the banner");
  });

  it("names the endpoint AWS_ENDPOINT_URL_WORKSPACES points at, in its JSON line when not on a terminal", async () => {
    const { line } = await startAndRead(
      {
        WORKSPACES_BACKEND: "aws",
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_WORKSPACES: emulator.url,
        AWS_ENDPOINT_URL_STS: emulator.url,
        AWS_ACCESS_KEY_ID: "startup",
        AWS_SECRET_ACCESS_KEY: "startup",
      },
      /"url"/,
    );
    const { upstream, msg } = JSON.parse(line) as { upstream: string; msg: string };
    assert.equal(upstream, `WorkSpaces at ${emulator.url} (AWS_ENDPOINT_URL_WORKSPACES), region us-east-1`);
    assert.match(msg, /^WorkSpaces gateway on http:\/\/127\.0\.0\.1:\d+\/graphql \(GraphiQL in a browser\), backed by WorkSpaces at /);
  });

  it("says in one line that the port is in use and which setting to change, and exits 1", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, stderr } = await failedStart({ PORT: String(port) });
      assert.equal(code, 1);
      assert.equal(stderr, `Port ${port} is in use: set PORT to a free port (PORT=${port + 1}), or stop what listens there.\n`);
    } finally {
      taken.close();
    }
  });

  it("names METRICS_PORT when that is the port in use", { timeout: 60_000 }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, stderr } = await failedStart({ METRICS_PORT: String(port), LOG_LEVEL: "silent" });
      assert.equal(code, 1);
      assert.equal(
        stderr,
        `Port ${port} is in use: set METRICS_PORT to a free port (METRICS_PORT=${port + 1}), or stop what listens there.\n`,
      );
    } finally {
      taken.close();
    }
  });

  it("says in one line which persisted document does not validate, and exits 2 as for any configuration error", async () => {
    const manifest = join(mkdtempSync(join(tmpdir(), "startup-")), "documents.json");
    writeFileSync(manifest, JSON.stringify({ "sha256:aa": "{ nope }" }));
    const { code, stderr } = await failedStart({ PERSISTED_DOCUMENTS: manifest, LOG_LEVEL: "silent" });
    assert.equal(code, 2);
    assert.equal(
      stderr,
      `Configuration error: PERSISTED_DOCUMENTS: ${manifest}: document "sha256:aa" is not valid: Cannot query field "nope" on type "Query". Did you mean "node" or "nodes"? (line 1, column 3)\n`,
    );
  });

  it("refuses production without WORKSPACES_BACKEND or CURSOR_SECRET, saying how to set each, and exits 2", {
    timeout: 60_000,
  }, async () => {
    const production = { NODE_ENV: "production", GATEWAY_API_KEYS: `${"k".repeat(20)}:read`, LOG_LEVEL: "silent" };
    const noBackend = await failedStart({ ...production, CURSOR_SECRET: "c".repeat(64) });
    assert.equal(noBackend.code, 2);
    assert.equal(
      noBackend.stderr,
      "Configuration error: NODE_ENV=production needs WORKSPACES_BACKEND=aws (or WORKSPACES_BACKEND=emulator, to serve the embedded emulator's invented WorkSpaces on purpose)\n",
    );
    const noSecret = await failedStart({ ...production, WORKSPACES_BACKEND: "aws", AWS_REGION: "us-east-1" });
    assert.equal(noSecret.code, 2);
    assert.equal(
      noSecret.stderr,
      "Configuration error: NODE_ENV=production needs CURSOR_SECRET, the same on every instance, at least 32 bytes (make one with: openssl rand -hex 32)\n",
    );
  });

  it("runs production on the emulator only when asked, warning at start and in /ready's answer", { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: "0",
        NODE_NO_WARNINGS: "1",
        LOG_FORMAT: "json",
        NODE_ENV: "production",
        GATEWAY_API_KEYS: `${"k".repeat(20)}:read`,
        WORKSPACES_BACKEND: "emulator",
        CURSOR_SECRET: "c".repeat(64),
        METRICS_PORT: "0",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(child, "exit");
    const lines: Record<string, unknown>[] = [];
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on("line", (text) => {
          const line = JSON.parse(text) as Record<string, unknown>;
          lines.push(line);
          if (typeof line.url === "string") resolve(line.url);
        });
        void exited.then(() => reject(new Error(`exited before listening: ${JSON.stringify(lines)}`)));
      });
      const warning =
        "WORKSPACES_BACKEND=emulator in production: the gateway serves the embedded emulator's invented WorkSpaces, not AWS's";
      assert.deepEqual(
        lines.filter((l) => (l.level as number) >= 40).map((l) => l.msg),
        [warning],
      );
      const ready = await fetch(new URL("/ready", url));
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: "ready", warning });
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("says in one line that HOST is not an address it can listen on, and exits 1", async () => {
    const { code, stderr } = await failedStart({ HOST: "not-an-ip.invalid", LOG_LEVEL: "silent" });
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^HOST=not-an-ip\.invalid is neither an IP address nor a name that resolves \((ENOTFOUND|EAI_AGAIN)\): set HOST to an address of this machine \(127\.0\.0\.1, or 0\.0\.0\.0 for all\)\.\n$/,
    );
  });
});
