// Shared fixture for the emulator tests: an emulator started in-process on a free port, the real AWS SDK client
// pointed at it, and a fake clock the tests move by hand.
import assert from "node:assert/strict";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { WorkSpacesClientConfig } from "@aws-sdk/client-workspaces";
import { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import type { EmulatorOptions, RunningEmulator } from "../../src/emulator/index.ts";
import { startEmulator } from "../../src/emulator/index.ts";

/** 2025-01-01T00:00:00Z: any fixed instant does, so tests never depend on the wall clock. */
export const T0 = Date.UTC(2025, 0, 1);

export interface FakeClock {
  now: number;
}

export interface Harness {
  emulator: RunningEmulator;
  client: WorkSpacesClient;
  clock: FakeClock;
  /** Moves the fake clock forward by `ms`. */
  advance(ms: number): void;
  /** Another SDK client on the same emulator, with config overrides (destroyed by close()). */
  newClient(config?: Partial<WorkSpacesClientConfig>): WorkSpacesClient;
  close(): Promise<void>;
}

export const CLIENT_CONFIG = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
} as const;

export async function startHarness(options: EmulatorOptions = {}, clientConfig: Partial<WorkSpacesClientConfig> = {}): Promise<Harness> {
  const clock: FakeClock = { now: T0 };
  const emulator = await startEmulator({ port: 0, clock: () => clock.now, ...options });
  const clients: WorkSpacesClient[] = [];
  const newClient = (config: Partial<WorkSpacesClientConfig> = {}) => {
    const client = new WorkSpacesClient({ ...CLIENT_CONFIG, endpoint: emulator.url, ...config });
    clients.push(client);
    return client;
  };
  const client = newClient(clientConfig);
  return {
    emulator,
    client,
    clock,
    advance: (ms) => {
      clock.now += ms;
    },
    newClient,
    close: async () => {
      for (const c of clients) c.destroy();
      await emulator.close();
    },
  };
}

export interface RawResponse {
  status: number;
  contentType: string | null;
  requestId: string | null;
  body: any;
}

/** A raw, unsigned AWS JSON 1.1 call, as curl would make it. */
export async function rawCall(
  url: string,
  target: string | undefined,
  body: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const response = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      ...(target === undefined ? {} : { "x-amz-target": target }),
      ...headers,
    },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    requestId: response.headers.get("x-amzn-requestid"),
    body: text === "" ? undefined : JSON.parse(text),
  };
}

type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * Awaits a call the emulator must refuse, and checks the SDK surfaced it as `expected` (a modeled exception class,
 * checked with instanceof and its name, or the name alone for errors the model does not declare).
 */
export async function expectAwsError(
  call: Promise<unknown>,
  expected: ErrorClass | string,
  message?: RegExp,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof Error, `expected the call to fail with ${typeof expected === "string" ? expected : expected.name}`);
  const name = typeof expected === "string" ? expected : expected.name;
  if (typeof expected !== "string") {
    assert.ok(caught instanceof expected, `expected an instance of ${expected.name}, got ${caught.name}: ${caught.message}`);
  }
  assert.equal(caught.name, name, caught.message);
  if (message) assert.match(caught.message, message);
  const metadata = (caught as { $metadata?: { httpStatusCode?: number } }).$metadata;
  assert.equal(metadata?.httpStatusCode, 400);
  return caught as Error & { $metadata?: { httpStatusCode?: number } };
}

/** The public bundles the emulator seeds, one per compute type (the Windows 10 family), and the account's own. */
export const BUNDLES = {
  VALUE: "wsb-clj85qzj1",
  STANDARD: "wsb-8vbljg4r6",
  PERFORMANCE: "wsb-1pzkp0bx4",
  POWER: "wsb-gm7rt4rpx",
  POWERPRO: "wsb-d6ppvx5gs",
  GRAPHICS: "wsb-1b5w6vnz6",
  GRAPHICSPRO: "wsb-3t36q0xfc",
  ACCOUNT_STANDARD: "wsb-acct0std1",
  ACCOUNT_POWERPRO: "wsb-acct0ppr2",
  ACCOUNT_GRAPHICSPRO: "wsb-acct0gpr3",
} as const;

/** The Active Directory directories the seeded WorkSpaces live in. */
export const DIRECTORIES = { corp: "d-906734e2f1", eng: "d-926722edaf" } as const;
/** A WorkSpaces directory (wsd-), its users from IAM Identity Center; no WorkSpace is seeded in it. */
export const DESIGN_DIRECTORY = "wsd-3n9qkz7ht";

/** A directory ID that matches the pattern but is not registered. */
export const UNKNOWN_DIRECTORY = "d-0000000000";
export const UNKNOWN_BUNDLE = "wsb-00000000";
export const UNKNOWN_WORKSPACE = "ws-000000000";

/** An account other than the default, and a role in it that the emulator's STS lets anyone assume. */
export const OTHER_ACCOUNT = "210987654321";
export const READER_ROLE = `arn:aws:iam::${OTHER_ACCOUNT}:role/WorkSpacesReader`;

/** Temporary credentials for `roleArn` from the emulator's STS, through the real STS client signed with key `test`. */
export async function assumeRole(h: Harness, roleArn = READER_ROLE, sessionName = "tests", durationSeconds?: number) {
  const sts = new STSClient({ ...CLIENT_CONFIG, endpoint: h.emulator.url });
  try {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: durationSeconds }),
    );
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    };
  } finally {
    sts.destroy();
  }
}
