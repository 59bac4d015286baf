// A real redis-server of the tests' (and the bench's) own, on a free port with its data in a fresh directory:
// append-only with every write synced, as docs/production.md asks of a production Redis, so a restart keeps what it held.
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePort } from "./ports.ts";

export interface RedisServer {
  url: string;
  /** Stops it (SIGTERM), as an operator or a failing host would; its data stays on disk. */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the data it had. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  close(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "gateway-redis-"));
  let child: ChildProcess | undefined;
  const start = async () => {
    const server = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    child = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error) =>
        reject(new Error(`redis-server could not start (${error.message}): install Debian's redis-server (npm test does, as root)`)),
      );
      server.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before accepting connections`)));
      createInterface({ input: server.stdout! }).on("line", (line) => {
        if (line.includes("Ready to accept connections")) resolve();
      });
    });
  };
  const stop = async () => {
    const server = child;
    child = undefined;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
