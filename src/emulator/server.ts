// The emulator's HTTP face: WorkSpaces in AWS JSON 1.1 as its service model declares it, STS in the AWS Query
// protocol at the same endpoint, and /_emulator/* for tests. The SigV4 credential scope picks the region, and the
// access key the account, of the partition a request reaches; an unsigned request reaches the default partition.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AuthFailure } from "./auth-failure.ts";
import { AwsError, serialization } from "./aws-error.ts";
import { OPERATIONS, parseInput } from "./operations.ts";
import type { Partition } from "./partitions.ts";
import { Partitions, tagNextToken, untagNextToken } from "./partitions.ts";
import { QueryError, queryErrorResponse, queryResponse } from "./query-protocol.ts";
import { createRandom } from "./seed.ts";
import type { EmulatorSettings } from "./settings.ts";
import { checkSettings, DEFAULT_SETTINGS } from "./settings.ts";
import { credentialScope } from "./sigv4.ts";
import type { EmulatorStats } from "./stats.ts";
import { RequestCounter } from "./stats.ts";
import { SecurityTokenService } from "./sts.ts";
import type { World } from "./world.ts";

const TARGET_PREFIX = "WorkspacesService.";
const CONTENT_TYPE = "application/x-amz-json-1.1";
const QUERY_CONTENT_TYPE = "application/x-www-form-urlencoded";
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface EmulatorOptions extends Partial<EmulatorSettings> {
  /** Milliseconds since the epoch; tests inject their own to drive lifecycles, token and credential expiry. */
  clock?: () => number;
}

export interface RunningEmulator {
  url: string;
  /** Live settings: latency and throttle rates (global, per region or per partition) may be changed while it runs. */
  settings: EmulatorSettings;
  /** The default partition's world: the default account in the first region. */
  world: World;
  /** The world of an account in a region served, seeded on first use as a request to it would. */
  worldOf(account: string, region: string): World;
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

function sendXml(response: ServerResponse, status: number, render: (requestId: string) => string): void {
  const requestId = randomUUID();
  const text = render(requestId);
  response.writeHead(status, {
    "content-type": "text/xml",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": requestId,
  });
  response.end(text);
}

const contentTypeOf = (request: IncomingMessage) =>
  String(request.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim()
    .toLowerCase();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { clock = Date.now, ...overrides } = options;
  const given = { ...DEFAULT_SETTINGS, ...overrides };
  // Copies, so changing one emulator's live settings changes no other's.
  const settings: EmulatorSettings = { ...given, regions: [...given.regions], throttleRates: { ...given.throttleRates } };
  checkSettings(settings);
  const partitions = new Partitions(settings, clock);
  const sts = new SecurityTokenService(clock);
  const counter = new RequestCounter();
  const throttleDraw = createRandom(settings.seed ^ 0x5bd1e995);
  let held: Promise<void> = Promise.resolve();

  /** The partition a signed (or unsigned) request reaches, as far as its scope and keys say; counts it there. */
  function partitionOf(request: IncomingMessage, service: string, operation: string, arrivedAt?: number) {
    const scope = credentialScope(request.headers);
    if (scope && scope.service !== service) {
      throw new AuthFailure("invalidSignature", `Credential should be scoped to correct service: '${service}'. `);
    }
    const token = request.headers["x-amz-security-token"];
    const caller = sts.identify(scope?.accessKeyId, typeof token === "string" ? token : undefined);
    const partition: Partition = { account: caller.account, region: scope?.region ?? partitions.home.region };
    counter.countIn(partition, operation, arrivedAt);
    return { caller, partition };
  }

  async function serveWorkspaces(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operationName = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target || "(none)";
    counter.count(operationName);
    const arrivedAt = Date.now();
    const body = await readBody(request);
    await held;
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    const { partition } = partitionOf(request, "workspaces", operationName, arrivedAt);
    // One endpoint serves every region; a request signed for a region it does not serve is refused as AWS refuses
    // a request signed for another region than the endpoint's.
    if (!partitions.serves(partition.region)) {
      throw new AuthFailure("invalidSignature", `Credential should be scoped to a valid region, not '${partition.region}'. `);
    }
    const operation = target.startsWith(TARGET_PREFIX) ? OPERATIONS[operationName] : undefined;
    if (!operation || contentTypeOf(request) !== CONTENT_TYPE) {
      throw new AwsError(
        "UnknownOperationException",
        operation ? `Content-Type must be ${CONTENT_TYPE}.` : `Unknown operation ${target || "(no X-Amz-Target)"}.`,
      );
    }
    const throttleRate = partitions.throttleRate(partition);
    if (throttleRate > 0 && throttleDraw() < throttleRate) {
      throw new AwsError("ThrottlingException", "Rate exceeded");
    }
    let parsed: unknown;
    try {
      parsed = body.trim() === "" ? {} : JSON.parse(body);
    } catch {
      throw serialization("The request body is not valid JSON.");
    }
    const input = untagNextToken(parseInput(operation, parsed), partition);
    send(response, 200, tagNextToken(operation.run(partitions.world(partition), input), partition));
  }

  async function serveSts(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const params = new URLSearchParams(await readBody(request));
    const action = params.get("Action") ?? "(none)";
    counter.count(action);
    if (settings.latencyMs > 0) await sleep(settings.latencyMs);
    const { caller } = partitionOf(request, "sts", action);
    const result = sts.run(caller, params);
    sendXml(response, 200, (requestId) => queryResponse(action, result, requestId));
  }

  async function serve(request: IncomingMessage, response: ServerResponse, query: boolean): Promise<void> {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method === "GET" && path === "/_emulator/stats") {
      return send(response, 200, counter.snapshot(), "application/json");
    }
    if (request.method === "POST" && path === "/_emulator/reset-stats") {
      counter.reset();
      return send(response, 200, counter.snapshot(), "application/json");
    }
    if (request.method !== "POST" || path !== "/") {
      return sendError(response, new AwsError("UnknownOperationException", `No operation at ${request.method} ${path}.`, 404));
    }
    return query ? serveSts(request, response) : serveWorkspaces(request, response);
  }

  /** The error as AWS JSON 1.1 says it. */
  function asJson(error: unknown): AwsError {
    if (error instanceof AwsError) return error;
    if (error instanceof AuthFailure) return error.asJson();
    if (error instanceof BodyTooLarge) return new AwsError("SerializationException", "The request body is too large.", 413);
    return new AwsError("InternalFailure", "The request processing has failed because of an unknown error.", 500);
  }

  /** The error as the Query protocol says it. */
  function asQuery(error: unknown): QueryError {
    if (error instanceof QueryError) return error;
    if (error instanceof AuthFailure) return error.asQuery();
    if (error instanceof BodyTooLarge) return new QueryError("RequestEntityTooLarge", "The request body is too large.", 413);
    return new QueryError("InternalFailure", "The request processing has failed because of an unknown error.", 500);
  }

  const server = createServer((request, response) => {
    // STS speaks the Query protocol: a form-encoded POST, whichever service it was signed for.
    const query = contentTypeOf(request) === QUERY_CONTENT_TYPE;
    serve(request, response, query).catch((error: unknown) => {
      if (response.headersSent) return;
      if (!query) return sendError(response, asJson(error));
      const failure = asQuery(error);
      sendXml(response, failure.status, (requestId) => queryErrorResponse(failure, requestId));
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
    world: partitions.world(partitions.home),
    worldOf: (account, region) => partitions.world({ account, region }),
    stats: () => counter.snapshot(),
    resetStats: () => counter.reset(),
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
