// The emulator's HTTP face: AWS JSON 1.1 as the WorkSpaces service model declares it, plus /_emulator/* for tests.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AwsError, serialization } from "./aws-error.ts";
import { OPERATIONS, parseInput } from "./operations.ts";
import { createRandom } from "./seed.ts";
import type { EmulatorSettings } from "./settings.ts";
import { DEFAULT_SETTINGS } from "./settings.ts";
import type { World } from "./world.ts";
import { createWorld } from "./world.ts";

const TARGET_PREFIX = "WorkspacesService.";
const CONTENT_TYPE = "application/x-amz-json-1.1";
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface EmulatorStats {
  requests: Record<string, number>;
}

export interface EmulatorOptions extends Partial<EmulatorSettings> {
  /** Milliseconds since the epoch; tests inject their own to drive lifecycles and token expiry. */
  clock?: () => number;
}

export interface RunningEmulator {
  url: string;
  /** Live settings: latency and throttle rate may be changed while it runs. */
  settings: EmulatorSettings;
  world: World;
  stats(): EmulatorStats;
  resetStats(): void;
  /** Holds every AWS answer until the returned function is called, so a test can make calls overlap on purpose. */
  hold(): () => void;
  close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // Keep reading (and dropping) the rest, so the client gets the 413 rather than a reset connection.
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, contentType = CONTENT_TYPE): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  response.end(text);
}

function sendError(response: ServerResponse, error: AwsError): void {
  send(response, error.status, { __type: error.type, message: error.message });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { clock = Date.now, ...overrides } = options;
  const settings: EmulatorSettings = { ...DEFAULT_SETTINGS, ...overrides };
  const world = createWorld(settings, clock);
  const throttleDraw = createRandom(settings.seed ^ 0x5bd1e995);
  let requests: Record<string, number> = {};
  let held: Promise<void> = Promise.resolve();

  async function serveAws(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operationName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target || "(none)";
    requests[operationName] = (requests[operationName] ?? 0) + 1;
    const body = await readBody(request);
    await held;
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    const operation = target.startsWith(TARGET_PREFIX) ? OPERATIONS[operationName] : undefined;
    const contentType = String(request.headers["content-type"] ?? "")
      .split(";")[0]!
      .trim();
    if (!operation || contentType !== CONTENT_TYPE) {
      throw new AwsError(
        "UnknownOperationException",
        operation ? `Content-Type must be ${CONTENT_TYPE}.` : `Unknown operation ${target || "(no X-Amz-Target)"}.`,
      );
    }
    if (settings.throttleRate > 0 && throttleDraw() < settings.throttleRate) {
      throw new AwsError("ThrottlingException", "Rate exceeded");
    }
    let parsed: unknown;
    try {
      parsed = body.trim() === "" ? {} : JSON.parse(body);
    } catch {
      throw serialization("The request body is not valid JSON.");
    }
    send(response, 200, operation.run(world, parseInput(operation, parsed)));
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/_emulator/stats") {
      return send(response, 200, { requests }, "application/json");
    }
    if (request.method === "POST" && path === "/_emulator/reset-stats") {
      requests = {};
      return send(response, 200, { requests }, "application/json");
    }
    if (request.method !== "POST" || path !== "/") {
      return sendError(response, new AwsError("UnknownOperationException", `No operation at ${request.method} ${path}.`, 404));
    }
    return serveAws(request, response);
  }

  const server = createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      if (response.headersSent) return;
      if (error instanceof AwsError) return sendError(response, error);
      if (error instanceof BodyTooLarge) {
        return sendError(response, new AwsError("SerializationException", "The request body is too large.", 413));
      }
      sendError(response, new AwsError("InternalFailure", "The request processing has failed because of an unknown error.", 500));
    });
  });
  // The AWS SDK keeps connections alive; this lets close() end promptly.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  return {
    url: `http://${host}:${port}`,
    settings,
    world,
    stats: () => ({ requests: { ...requests } }),
    resetStats: () => {
      requests = {};
    },
    hold: () => {
      let release = () => {};
      held = new Promise((resolve) => {
        release = resolve;
      });
      return release;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
