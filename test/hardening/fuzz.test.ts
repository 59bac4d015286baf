// Fuzzing both mutations over HTTP: thousands of seeded random variable sets (wrong types, huge strings, unicode,
// negative and huge numbers, nulls, missing and extra fields, lists of any length). Every answer must be data or a
// typed error: never a 5xx, never "Unexpected error." (a masked crash), never a stack trace or AWS internals.
// Reproduce a failure with FUZZ_SEED=<seed> (printed in the report); FUZZ_RUNS sets the variable sets per mutation.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { GraphQLEnumType } from "graphql";
import { loadConfig } from "../../src/config.ts";
import { createRandom } from "../../src/emulator/seed.ts";
import { ERROR_CODES } from "../../src/error-codes.ts";
import { createLogger } from "../../src/logger.ts";
import { schema } from "../../src/schema/index.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { startTestGateway } from "../gateway/fixture.ts";
import { BUNDLES, CORP, ENG, UNKNOWN_BUNDLE, UNKNOWN_DIRECTORY, UNKNOWN_WORKSPACE } from "../mutations/helpers.ts";
import { postJson } from "../support/post-json.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_f00d) >>> 0;
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const CONCURRENCY = 16;
const REQUEST_TIMEOUT_MS = 30_000;
const LIMITS = { ...loadConfig({}).limits };

// The documents of the issue, plus the echoed request and the modified WorkSpace's details, so their resolvers run too.
const CREATE = `mutation ($input: CreateWorkspacesInput!) { createWorkspaces(input: $input) { __typename
  ... on ValidationError { code field rule message }
  ... on CreateWorkspacesPayload { replayed results { __typename
    ... on Workspace { id workspaceId state }
    ... on Error { code retryable awsErrorCode message }
    ... on ValidationError { field rule }
    ... on CreateWorkspaceFailure { index workspaceRequest { directoryId userName bundleId
      workspaceProperties { runningMode runningModeAutoStopTimeoutInMinutes rootVolumeSizeGib computeTypeName } tags { key value } } } } } } }`;

const MODIFY = `mutation ($input: ModifyWorkspacePropertiesInput!) { modifyWorkspaceProperties(input: $input) { __typename
  ... on ValidationError { code field rule message }
  ... on ModifyWorkspacePropertiesPayload { results { __typename
    ... on Error { code retryable awsErrorCode message }
    ... on ValidationError { field rule }
    ... on ModifyWorkspacePropertiesSuccess { workspace { id workspaceId state
      workspaceProperties { runningMode rootVolumeSizeGib userVolumeSizeGib computeTypeName } modificationStates { resource state } } } } } } }`;

type Rng = () => number;

/** The generator of one case: its own stream, so a case is the same whatever the others drew. */
const caseRng = (kind: number, index: number) => createRandom(SEED ^ Math.imul(index + 1, 0x9e37_79b1) ^ Math.imul(kind + 1, 0x85eb_ca6b));

const chance = (r: Rng, p: number) => r() < p;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rng, values: readonly T[]): T => values[Math.floor(r() * values.length)]!;

/** A JSON number literal JSON.stringify cannot write (1e400 parses to Infinity), spliced into the body as is. */
const raw = (literal: string) => `@@RAW(${literal})@@`;
const RAW_PATTERN = /"@@RAW\(([^)]*)\)@@"/g;

const enumValues = (name: string) => (schema.getType(name) as GraphQLEnumType).getValues().map((v) => v.name);
const RUNNING_MODES = enumValues("RunningMode");
const COMPUTES = enumValues("Compute");

const PIECES = [
  "🚀",
  "👩‍💻",
  "🏳️‍🌈",
  "مرحبا",
  "שלום",
  "\u202Eevil\u202C",
  "\u0000",
  "\ud800",
  "\udfff",
  "\ud83d",
  "e\u0301",
  "İ",
  "ß",
  "ﬀ",
  "\uFEFF",
  "\u200B",
  "漢字",
  "\n",
  "\r\n",
  "\t",
  "\\",
  '"',
  "'",
  "`",
  "<script>alert(1)</script>",
  "%00",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a hostile input, on purpose
  "${x}",
  "{{x}}",
  "../../etc/passwd",
  "NaN",
  "Infinity",
  "-0",
  "null",
  "undefined",
  "true",
  "__proto__",
  "constructor",
  " ",
  "ws-",
  "d-",
  "wsb-",
  "ＡＢＣ",
  "\u0085",
  "\u2028",
  "\u00a0",
  "𝕏",
  "Ω",
  "😀",
];
const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.@+=/";

function randomString(r: Rng): string {
  const roll = r();
  if (roll < 0.05) return "";
  if (roll < 0.07) return pick(r, ["a", "🚀", "\u0000", "x"]).repeat(pick(r, [64, 65, 128, 256, 1_000]));
  // 100k characters: past the 256 KB body limit once a few are in one request (then a 413 is the answer).
  if (roll < 0.073) return pick(r, ["a", "é", "🚀"]).repeat(100_000);
  const length = roll < 0.7 ? int(r, 1, 12) : roll < 0.95 ? int(r, 13, 70) : int(r, 71, 400);
  let text = "";
  while ([...text].length < length) text += chance(r, 0.75) ? ALNUM[int(r, 0, ALNUM.length - 1)] : pick(r, PIECES);
  return text;
}

/** Values of the wrong GraphQL type for a String field. */
const NOT_A_STRING = [5, -1, 0, 1.5, 2 ** 53, true, false, {}, { value: "x" }, [1, 2], raw("1e400")];
/** Values of the wrong GraphQL type for an Int field. */
const NOT_AN_INT = [
  2 ** 31,
  -(2 ** 31) - 1,
  1.5,
  -0.5,
  1e308,
  -1e308,
  "60",
  "",
  "NaN",
  "Infinity",
  true,
  [60],
  { n: 1 },
  raw("1e400"),
  raw("-1e400"),
  raw("9007199254740993"),
  2 ** 53,
];
/** Int values GraphQL accepts, a few of them odd literals. */
const ODD_INTS = [0, -1, -60, 2 ** 31 - 1, -(2 ** 31), raw("-0"), raw("1e-400"), raw("1.0"), raw("6e1")];
const NOT_A_BOOLEAN = [1, 0, "true", "false", "", null, [], {}];
const NOT_AN_ENUM = ["FOO", "always_on", "", "AUTO STOP", 1, true, "GRAPHICS\u0000", "🚀"];

interface Style {
  /** Values keep their GraphQL types, so the request reaches the resolvers. */
  typeSafe: boolean;
  /** The chance of each field holding a wrong-typed value, when not typeSafe. */
  wrongRate: number;
}

function stringField(r: Rng, style: Style, good: () => string): unknown {
  if (!style.typeSafe && chance(r, style.wrongRate)) return pick(r, NOT_A_STRING);
  return chance(r, 0.7) ? good() : randomString(r);
}

function intField(r: Rng, style: Style, good: readonly number[]): unknown {
  if (!style.typeSafe && chance(r, style.wrongRate)) return pick(r, NOT_AN_INT);
  if (chance(r, 0.15)) return pick(r, ODD_INTS);
  if (chance(r, 0.05)) return null;
  return pick(r, good);
}

function enumField(r: Rng, style: Style, values: readonly string[]): unknown {
  if (!style.typeSafe && chance(r, style.wrongRate)) return pick(r, NOT_AN_ENUM);
  return chance(r, 0.05) ? null : pick(r, values);
}

/** Drops required members, nulls them, or adds unknown ones, when not typeSafe. */
function mangle(r: Rng, style: Style, value: Record<string, unknown>, required: string[]): Record<string, unknown> {
  if (style.typeSafe) return value;
  for (const member of required) {
    const draw = r();
    if (draw < style.wrongRate / 2) delete value[member];
    else if (draw < style.wrongRate) value[member] = null;
  }
  if (chance(r, style.wrongRate / 2)) value[pick(r, ["extra", "WorkspaceId", "directoryID", "__typename", "id"])] = randomString(r);
  return value;
}

function properties(r: Rng, style: Style): unknown {
  if (!style.typeSafe && chance(r, style.wrongRate / 2)) return pick(r, ["ALWAYS_ON", 1, [], [{ runningMode: "ALWAYS_ON" }], true]);
  const p: Record<string, unknown> = {};
  if (chance(r, 0.5)) p.runningMode = enumField(r, style, RUNNING_MODES);
  if (chance(r, 0.35)) p.runningModeAutoStopTimeoutInMinutes = intField(r, style, [60, 120, 180, 1440, 59, 61, 30]);
  if (chance(r, 0.35)) p.rootVolumeSizeGib = intField(r, style, [80, 175, 200, 2000, 2001, 10, 100]);
  if (chance(r, 0.35)) p.userVolumeSizeGib = intField(r, style, [10, 50, 100, 175, 2000, 5]);
  if (chance(r, 0.3)) p.computeTypeName = enumField(r, style, COMPUTES);
  return mangle(r, style, p, []);
}

function tags(r: Rng, style: Style): unknown {
  if (!style.typeSafe && chance(r, style.wrongRate / 2)) return pick(r, [{ key: "k" }, "k=v", 5, [null], [["k", "v"]]]);
  const count = chance(r, 0.9) ? int(r, 0, 4) : int(r, 45, 60);
  return Array.from({ length: count }, () => {
    const tag: Record<string, unknown> = { key: stringField(r, style, () => `k${int(r, 0, 9)}`) };
    if (chance(r, 0.7)) tag.value = chance(r, 0.1) ? null : stringField(r, style, () => `v${int(r, 0, 99)}`);
    return mangle(r, style, tag, ["key"]);
  });
}

let userCounter = 0;

function workspaceRequest(r: Rng, style: Style, caseIndex: number): unknown {
  if (!style.typeSafe && chance(r, style.wrongRate / 3)) return pick(r, [null, "ws", 7, [], [{}]]);
  const item: Record<string, unknown> = {
    directoryId: stringField(r, style, () => (chance(r, 0.9) ? pick(r, [CORP, ENG]) : UNKNOWN_DIRECTORY)),
    userName: stringField(r, style, () => `fuzz-${SEED.toString(36)}-${caseIndex}-${++userCounter}`),
    bundleId: stringField(r, style, () => (chance(r, 0.9) ? pick(r, Object.values(BUNDLES)) : UNKNOWN_BUNDLE)),
  };
  if (chance(r, 0.15)) item.volumeEncryptionKey = chance(r, 0.2) ? null : stringField(r, style, () => "alias/aws/workspaces");
  if (chance(r, 0.15))
    item.userVolumeEncryptionEnabled = !style.typeSafe && chance(r, style.wrongRate) ? pick(r, NOT_A_BOOLEAN) : chance(r, 0.5);
  if (chance(r, 0.15))
    item.rootVolumeEncryptionEnabled = !style.typeSafe && chance(r, style.wrongRate) ? pick(r, NOT_A_BOOLEAN) : chance(r, 0.5);
  if (chance(r, 0.5)) item.workspaceProperties = chance(r, 0.05) ? null : properties(r, style);
  if (chance(r, 0.3)) item.tags = chance(r, 0.1) ? null : tags(r, style);
  return mangle(r, style, item, ["directoryId", "userName", "bundleId"]);
}

function modification(r: Rng, style: Style, workspaceIds: readonly string[]): unknown {
  if (!style.typeSafe && chance(r, style.wrongRate / 3)) return pick(r, [null, "ws-abcdefgh1", 7, [], {}]);
  const item: Record<string, unknown> = {
    workspaceId: stringField(r, style, () => (chance(r, 0.9) ? pick(r, workspaceIds) : UNKNOWN_WORKSPACE)),
    workspaceProperties: properties(r, style),
  };
  return mangle(r, style, item, ["workspaceId", "workspaceProperties"]);
}

function listLength(r: Rng, bands: [number, number, number][]): number {
  let roll = r();
  for (const [p, lo, hi] of bands) {
    if (roll < p) return int(r, lo, hi);
    roll -= p;
  }
  return 1;
}

const IDEMPOTENCY_POOL = ["fuzz-shared-1", "fuzz-shared-2", "fuzz-shared-3"];

function idempotencyKey(r: Rng, style: Style, caseIndex: number): unknown {
  const roll = r();
  if (roll < 0.4) return undefined;
  if (roll < 0.72) return `fuzz-${SEED.toString(36)}-${caseIndex}-${Math.floor(r() * 1e9).toString(36)}`;
  if (roll < 0.82) return pick(r, IDEMPOTENCY_POOL);
  if (roll < 0.95) return pick(r, ["", "x".repeat(64), "x".repeat(65), "has space", "tab\tkey", "ключ", "🚀", "\u0000", "k\u007f"]);
  if (!style.typeSafe) return pick(r, [5, true, ["k"], { k: 1 }]);
  return null;
}

const WRONG_INPUTS = [null, [], "input", 5, true, {}];

function styleOf(r: Rng): Style {
  return chance(r, 0.5) ? { typeSafe: true, wrongRate: 0 } : { typeSafe: false, wrongRate: pick(r, [0.02, 0.05, 0.15, 0.4]) };
}

interface FuzzCase {
  mutation: "createWorkspaces" | "modifyWorkspaceProperties";
  index: number;
  style: Style;
  /** Undefined: the `variables` member is left out. */
  variables: Record<string, unknown> | undefined;
}

function createCase(index: number): FuzzCase {
  const r = caseRng(0, index);
  const style = styleOf(r);
  const base = { mutation: "createWorkspaces" as const, index, style };
  if (!style.typeSafe && chance(r, 0.08)) {
    return { ...base, variables: chance(r, 0.2) ? undefined : chance(r, 0.3) ? {} : { input: pick(r, WRONG_INPUTS) } };
  }
  const count = listLength(r, [
    [0.04, 0, 0],
    [0.5, 1, 3],
    [0.26, 4, 25],
    [0.12, 26, 100],
    [0.08, 101, 120],
  ]);
  const input: Record<string, unknown> = {
    workspaces: Array.from({ length: count }, () => workspaceRequest(r, style, index)),
  };
  // A lone object where a list is expected: GraphQL coerces it to a list of one.
  if (chance(r, 0.03) && count === 1) input.workspaces = (input.workspaces as unknown[])[0];
  const key = idempotencyKey(r, style, index);
  if (key !== undefined) input.idempotencyKey = key;
  const variables: Record<string, unknown> = { input: mangle(r, style, input, ["workspaces"]) };
  if (chance(r, 0.03)) variables.unused = randomString(r);
  return { ...base, variables };
}

function modifyCase(index: number, workspaceIds: readonly string[]): FuzzCase {
  const r = caseRng(1, index);
  const style = styleOf(r);
  const base = { mutation: "modifyWorkspaceProperties" as const, index, style };
  if (!style.typeSafe && chance(r, 0.08)) {
    return { ...base, variables: chance(r, 0.2) ? undefined : chance(r, 0.3) ? {} : { input: pick(r, WRONG_INPUTS) } };
  }
  const count = listLength(r, [
    [0.04, 0, 0],
    [0.6, 1, 5],
    [0.26, 6, 25],
    [0.1, 26, 40],
  ]);
  const input: Record<string, unknown> = {
    modifications: Array.from({ length: count }, () => modification(r, style, workspaceIds)),
  };
  return { ...base, variables: { input: mangle(r, style, input, ["modifications"]) } };
}

function bodyOf(fuzzCase: FuzzCase): string {
  const query = fuzzCase.mutation === "createWorkspaces" ? CREATE : MODIFY;
  const request = fuzzCase.variables === undefined ? { query } : { query, variables: fuzzCase.variables };
  return JSON.stringify(request).replace(RAW_PATTERN, "$1");
}

// ---------------------------------------------------------------------------------------------------------------
// Checking an answer

interface GraphQLError {
  message?: unknown;
  extensions?: Record<string, unknown>;
}

interface Answer {
  status: number;
  text: string;
  body?: { data?: Record<string, unknown> | null; errors?: GraphQLError[] };
}

/**
 * What a response must never show, unless the request itself carried it (an input echoed back is no leak). Every
 * pattern starts with a literal or is bounded: responses echo strings of 100k characters, where `\w+X` or `.*X` would
 * backtrack quadratically.
 */
function leakPatterns(emulatorPort: string): [string, RegExp][] {
  return [
    ["a stack trace", /\bat [^\s()"]{1,200} \([^()"]{1,300}:\d+:\d+\)/],
    ["a stack frame", /\\n\s{1,20}at /],
    ["an ARN", /arn:aws[\w-]{0,20}:[^\s"]{0,200}/],
    ["a 12-digit account ID", /(?<![\w-])\d{12}(?![\w-])/],
    ["an AWS request ID", /request[-_ ]?id\W{0,4}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i],
    ["the emulator's address", new RegExp(`(127\\.0\\.0\\.1|localhost|\\[::1\\]):${emulatorPort}\\b`)],
    ["an exception's string form", /[a-z]Exception: /],
    ["a source file position", /\.(ts|js|mjs|cjs):\d+:\d+/],
  ];
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,64}$/;
const WORKSPACE_ID = /^ws-[0-9a-z]{8,63}$/;
const DIRECTORY_ID = /^d-[0-9a-f]{8,63}$/;
const BUNDLE_ID = /^wsb-[0-9a-z]{8,63}$/;
const codePoints = (value: string) => [...value].length;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown) => typeof value === "string" && value.length > 0;

/** The input as the resolver sees it, when the variables are of the right types (a lone object is a list of one). */
function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  return isObject(value) ? [value] : undefined;
}

function checkTypedError(problems: string[], where: string, value: Record<string, unknown>) {
  if (!isText(value.message)) problems.push(`${where}: no message`);
  if (!(String(value.code) in ERROR_CODES)) problems.push(`${where}: code ${String(value.code)} is not in the ErrorCode enum`);
  if (value.retryable !== undefined && typeof value.retryable !== "boolean") problems.push(`${where}: retryable is not a boolean`);
  if (value.message === "Unexpected error.") problems.push(`${where}: an unexpected error was masked`);
}

function checkCreatePayload(problems: string[], fuzzCase: FuzzCase, result: Record<string, unknown>) {
  const input = fuzzCase.variables?.input as Record<string, unknown>;
  const requests = listOf(input.workspaces) ?? [];
  const key = input.idempotencyKey;
  if (result.__typename === "ValidationError") {
    checkTypedError(problems, "createWorkspaces", result);
    if (result.code !== "VALIDATION") problems.push(`ValidationError with code ${String(result.code)}`);
    const sizeOk = requests.length >= 1 && requests.length <= 100;
    const keyOk = key === undefined || key === null || (typeof key === "string" && IDEMPOTENCY_KEY.test(key));
    if (result.rule === "listSize" && sizeOk) problems.push(`listSize refused for ${requests.length} requests`);
    if (result.rule === "pattern" && keyOk) problems.push(`a valid idempotencyKey refused: ${JSON.stringify(key)}`);
    if (result.rule === "reused" && (key === undefined || key === null)) problems.push("reused without an idempotencyKey");
    if (!["listSize", "pattern", "reused"].includes(String(result.rule))) problems.push(`unexpected rule ${String(result.rule)}`);
    if (!sizeOk && result.rule !== "listSize") problems.push(`${requests.length} requests not refused as listSize`);
    return;
  }
  if (result.__typename !== "CreateWorkspacesPayload") {
    problems.push(`createWorkspaces is a ${String(result.__typename)}`);
    return;
  }
  if (requests.length < 1 || requests.length > 100) problems.push(`${requests.length} requests were not refused`);
  if (typeof result.replayed !== "boolean") problems.push("replayed is not a boolean");
  if (result.replayed === true && (key === undefined || key === null)) problems.push("replayed without an idempotencyKey");
  const results = result.results as Record<string, unknown>[];
  if (!Array.isArray(results) || results.length !== requests.length) {
    problems.push(`${Array.isArray(results) ? results.length : "no"} results for ${requests.length} requests`);
    return;
  }
  results.forEach((item, i) => {
    const request = requests[i] as Record<string, unknown>;
    const locallyInvalid =
      typeof request.directoryId !== "string" ||
      !DIRECTORY_ID.test(request.directoryId) ||
      typeof request.bundleId !== "string" ||
      !BUNDLE_ID.test(request.bundleId) ||
      typeof request.userName !== "string" ||
      codePoints(request.userName) < 1 ||
      codePoints(request.userName) > 63;
    if (item.__typename === "ValidationError") {
      checkTypedError(problems, `results[${i}]`, item);
      if (!String(item.field).startsWith(`input.workspaces[${i}]`)) problems.push(`results[${i}] names field ${String(item.field)}`);
      if (!isText(item.rule)) problems.push(`results[${i}] has no rule`);
    } else if (item.__typename === "CreateWorkspaceFailure" || item.__typename === "UpstreamError") {
      checkTypedError(problems, `results[${i}]`, item);
      if (item.__typename === "CreateWorkspaceFailure" && item.index !== i) problems.push(`results[${i}] has index ${String(item.index)}`);
      if (item.__typename === "CreateWorkspaceFailure" && !isText(item.awsErrorCode)) problems.push(`results[${i}] has no awsErrorCode`);
      if (locallyInvalid) problems.push(`results[${i}] breaks an ID or length rule but reached AWS (${String(item.code)})`);
    } else if (item.__typename === "Workspace") {
      if (typeof item.workspaceId !== "string" || !WORKSPACE_ID.test(item.workspaceId))
        problems.push(`results[${i}] has workspaceId ${String(item.workspaceId)}`);
      if (locallyInvalid) problems.push(`results[${i}] was created although it breaks an ID or length rule`);
    } else {
      problems.push(`results[${i}] is a ${String(item.__typename)}`);
    }
  });
}

const MODIFY_ITEM_TYPES = new Set(["ModifyWorkspacePropertiesSuccess", "ValidationError", "AwsRefusalError", "UpstreamError"]);

function checkModifyPayload(problems: string[], fuzzCase: FuzzCase, result: Record<string, unknown>) {
  const input = fuzzCase.variables?.input as Record<string, unknown>;
  const modifications = listOf(input.modifications) ?? [];
  const sizeOk = modifications.length >= 1 && modifications.length <= 25;
  if (result.__typename === "ValidationError") {
    checkTypedError(problems, "modifyWorkspaceProperties", result);
    if (result.rule !== "listSize" || sizeOk)
      problems.push(`ValidationError ${String(result.rule)} for ${modifications.length} modifications`);
    return;
  }
  if (result.__typename !== "ModifyWorkspacePropertiesPayload") {
    problems.push(`modifyWorkspaceProperties is a ${String(result.__typename)}`);
    return;
  }
  if (!sizeOk) problems.push(`${modifications.length} modifications were not refused`);
  const results = result.results as Record<string, unknown>[];
  if (!Array.isArray(results) || results.length !== modifications.length) {
    problems.push(`${Array.isArray(results) ? results.length : "no"} results for ${modifications.length} modifications`);
    return;
  }
  results.forEach((item, i) => {
    const request = modifications[i] as Record<string, unknown>;
    if (!MODIFY_ITEM_TYPES.has(String(item.__typename))) problems.push(`results[${i}] is a ${String(item.__typename)}`);
    if (item.__typename === "ModifyWorkspacePropertiesSuccess") {
      if (typeof request.workspaceId !== "string" || !WORKSPACE_ID.test(request.workspaceId)) {
        problems.push(`results[${i}] succeeded for workspaceId ${JSON.stringify(request.workspaceId)}`);
      }
      return;
    }
    checkTypedError(problems, `results[${i}]`, item);
    if (item.__typename === "ValidationError") {
      if (!String(item.field).startsWith(`input.modifications[${i}].`)) problems.push(`results[${i}] names field ${String(item.field)}`);
      if (!isText(item.rule)) problems.push(`results[${i}] has no rule`);
    } else if (typeof request.workspaceId !== "string" || !WORKSPACE_ID.test(request.workspaceId)) {
      problems.push(
        `results[${i}] reached AWS (${String(item.__typename)}) with workspaceId ${JSON.stringify(request.workspaceId).slice(0, 80)}`,
      );
    }
    if (item.__typename === "AwsRefusalError" && !isText(item.awsErrorCode)) problems.push(`results[${i}] has no awsErrorCode`);
  });
}

function checkAnswer(fuzzCase: FuzzCase, requestBody: string, answer: Answer, leaks: [string, RegExp][]): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(requestBody);
  if (![200, 400, 413].includes(answer.status)) problems.push(`HTTP ${answer.status}`);
  if (answer.status === 413 && bytes <= LIMITS.bodyBytes) problems.push(`413 for a body of ${bytes} bytes`);
  if (answer.status !== 413 && bytes > LIMITS.bodyBytes) problems.push(`HTTP ${answer.status} for a body of ${bytes} bytes`);
  if (answer.text.includes("Unexpected error.")) problems.push('"Unexpected error.": a server failure was masked');
  for (const [what, pattern] of leaks) {
    const found = pattern.exec(answer.text)?.[0];
    if (found !== undefined && !requestBody.includes(found)) problems.push(`the response shows ${what}: ${found.slice(0, 120)}`);
  }
  const { body } = answer;
  if (!body || typeof body !== "object") {
    problems.push("the body is not a JSON object");
    return problems;
  }
  for (const error of body.errors ?? []) {
    if (typeof error.message !== "string" || error.message === "") problems.push("an error without a message");
    if (error.extensions && ("stack" in error.extensions || "originalError" in error.extensions || "exception" in error.extensions)) {
      problems.push(`an error carries internals: ${Object.keys(error.extensions).join(", ")}`);
    }
    if (!(String(error.extensions?.code) in ERROR_CODES)) {
      problems.push(
        `an error whose code ${String(error.extensions?.code)} is not in the ErrorCode enum: ${String(error.message).slice(0, 160)}`,
      );
    }
  }
  if (answer.status === 200) {
    const result = body.data?.[fuzzCase.mutation];
    if (isObject(result)) {
      if (fuzzCase.mutation === "createWorkspaces") checkCreatePayload(problems, fuzzCase, result);
      else checkModifyPayload(problems, fuzzCase, result);
    } else if (!body.errors?.length) {
      problems.push(`HTTP 200 with neither a ${fuzzCase.mutation} result nor errors`);
    }
  } else if (!body.errors?.length) {
    problems.push(`HTTP ${answer.status} without errors`);
  }
  // A request whose variables are of the right types must reach the resolver (no 400).
  if (fuzzCase.style.typeSafe && answer.status === 400) problems.push("a well-typed request was refused with a 400");
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Reporting

/** The variables with long strings and lists cut, for a readable report. */
function preview(value: unknown, limit = 1_200): string {
  const text = JSON.stringify(value, (_key, member: unknown) => {
    if (typeof member === "string" && member.length > 60) return `${member.slice(0, 30)}…(${member.length} chars)`;
    if (Array.isArray(member) && member.length > 6) return [...member.slice(0, 6), `…(${member.length} items)`];
    return member;
  });
  return text === undefined ? "(no variables)" : text.length > limit ? `${text.slice(0, limit)}…` : text;
}

interface Failure {
  fuzzCase: FuzzCase;
  status: number;
  problems: string[];
  response: string;
}

function report(failures: Failure[], total: number): string {
  const byProblem = new Map<string, number>();
  for (const failure of failures) {
    for (const problem of new Set(failure.problems.map((p) => p.replace(/\d+/g, "N").slice(0, 80)))) {
      byProblem.set(problem, (byProblem.get(problem) ?? 0) + 1);
    }
  }
  const lines = [
    `${failures.length} of ${total} fuzzed requests failed (FUZZ_SEED=${SEED}, FUZZ_RUNS=${RUNS}).`,
    "Problems, by kind:",
    ...[...byProblem].sort((a, b) => b[1] - a[1]).map(([problem, count]) => `  ${count} × ${problem}`),
    "First failing variable sets:",
  ];
  for (const failure of failures.slice(0, 5)) {
    const { fuzzCase } = failure;
    lines.push(
      `- ${fuzzCase.mutation} case ${fuzzCase.index} (${fuzzCase.style.typeSafe ? "well-typed" : `wrong types at ${fuzzCase.style.wrongRate}`}), HTTP ${failure.status}:`,
      `  problems: ${failure.problems.slice(0, 4).join("; ")}`,
      `  variables: ${preview(fuzzCase.variables)}`,
      `  response: ${failure.response.slice(0, 600)}`,
    );
  }
  return lines.join("\n");
}

async function inBatches<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
describe("fuzzing createWorkspaces and modifyWorkspaceProperties over HTTP", () => {
  let gateway: TestGateway;
  let workspaceIds: string[] = [];
  let leaks: [string, RegExp][] = [];
  const answers = new Map<FuzzCase, { body: string; answer: Answer }>();
  const loggedErrors: string[] = [];

  before(async () => {
    // Open access (no keys), so mutations run; no process-wide AWS rate limit, so thousands of calls fit the time.
    // Errors the gateway logs are kept: an unexpected failure is logged even when its answer is masked.
    const logger = createLogger("error", { write: (line: string) => void loggedErrors.push(line) });
    gateway = await startTestGateway({ workspaces: 60 }, { limits: LIMITS, awsRateLimit: 0 }, logger);
    leaks = leakPatterns(new URL(gateway.emulator!.url).port);
    const response = await gateway.post({ query: "{ workspaces(first: 50) { edges { node { workspaceId } } } }" });
    const body = (await response.json()) as { data: { workspaces: { edges: { node: { workspaceId: string } }[] } } };
    workspaceIds = body.data.workspaces.edges.map((edge) => edge.node.workspaceId);
    assert.equal(workspaceIds.length, 50);
  });
  after(() => gateway?.close());

  async function send(requestBody: string): Promise<Answer> {
    const sentAt = performance.now();
    try {
      // A connection of its own: a kept-alive socket the server times out as the next case goes out on it (event loops
      // lag on a busy machine) is a reset no input caused.
      const { status, text } = await postJson(gateway.url, requestBody, { agent: false, timeoutMs: REQUEST_TIMEOUT_MS });
      let body: Answer["body"];
      try {
        body = JSON.parse(text) as Answer["body"];
      } catch {
        body = undefined;
      }
      return { status, text, body };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const elapsed = `${(performance.now() - sentAt).toFixed(0)} ms, ${Buffer.byteLength(requestBody)} bytes sent`;
      return { status: 0, text: `no answer: ${(error as Error).message}${code ? ` (${code})` : ""} after ${elapsed}` };
    }
  }

  it(`answers ${RUNS} random variable sets per mutation with data or a typed error (seed ${SEED})`, async (t) => {
    const cases = [
      ...Array.from({ length: RUNS }, (_, i) => createCase(i)),
      ...Array.from({ length: RUNS }, (_, i) => modifyCase(i, workspaceIds)),
    ];
    // Interleave the two mutations, in a seeded order.
    const order = createRandom(SEED);
    for (let i = cases.length - 1; i > 0; i--) {
      const j = Math.floor(order() * (i + 1));
      [cases[i], cases[j]] = [cases[j]!, cases[i]!];
    }
    const failures: Failure[] = [];
    const statuses = new Map<string, number>();
    const durations: [number, FuzzCase][] = [];
    let amplification: [number, number, FuzzCase | undefined] = [0, 0, undefined];
    const started = Date.now();
    await inBatches(cases, CONCURRENCY, async (fuzzCase) => {
      const requestBody = bodyOf(fuzzCase);
      const sentAt = performance.now();
      const answer = await send(requestBody);
      durations.push([performance.now() - sentAt, fuzzCase]);
      const ratio = Buffer.byteLength(answer.text) / Buffer.byteLength(requestBody);
      if (ratio > amplification[0]) amplification = [ratio, Buffer.byteLength(answer.text), fuzzCase];
      answers.set(fuzzCase, { body: requestBody, answer });
      const result = answer.body?.data?.[fuzzCase.mutation] as { __typename?: string } | undefined;
      const label = `${fuzzCase.mutation} ${answer.status} ${result?.__typename ?? (answer.body?.errors ? "errors" : "-")}`;
      statuses.set(label, (statuses.get(label) ?? 0) + 1);
      for (const item of (result as { results?: { __typename: string; code?: string }[] } | undefined)?.results ?? []) {
        const itemLabel = `${fuzzCase.mutation} item ${item.__typename}${item.code ? ` ${item.code}` : ""}`;
        statuses.set(itemLabel, (statuses.get(itemLabel) ?? 0) + 1);
      }
      const problems = checkAnswer(fuzzCase, requestBody, answer, leaks);
      if (problems.length > 0) failures.push({ fuzzCase, status: answer.status, problems, response: answer.text });
    });
    failures.sort((a, b) => a.fuzzCase.mutation.localeCompare(b.fuzzCase.mutation) || a.fuzzCase.index - b.fuzzCase.index);
    t.diagnostic(`${cases.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}`);
    for (const [label, count] of [...statuses].sort()) t.diagnostic(`${label}: ${count}`);
    durations.sort((a, b) => a[0] - b[0]);
    const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))]![0].toFixed(0);
    const [slowest, slowCase] = durations[durations.length - 1]!;
    const [ratio, largest, amplified] = amplification;
    t.diagnostic(`largest answer/request ratio ${ratio.toFixed(1)} (${largest} bytes, ${amplified?.mutation} case ${amplified?.index})`);
    t.diagnostic(
      `latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${slowest.toFixed(0)} ms (${slowCase.mutation} case ${slowCase.index})`,
    );
    assert.ok(cases.length >= 4_000 || RUNS < 2_000);
    assert.equal(failures.length, 0, report(failures, cases.length));
    assert.deepEqual(
      loggedErrors.map((line) => line.slice(0, 2_000)),
      [],
      "the gateway logged errors while fuzzed",
    );
  });

  it("replays a retained result for the same idempotency key and input, and refuses another input", async () => {
    // What a retry must run again for: refused by the gateway, or AWS not answering in a way that applied anything.
    const NOTHING_APPLIED = new Set(["VALIDATION", "THROTTLED", "UPSTREAM_UNAVAILABLE", "DEADLINE_EXCEEDED"]);
    type Item = { __typename: string; code?: string };
    const candidates = [...answers]
      .filter(([fuzzCase, { answer }]) => {
        const input = fuzzCase.variables?.input as Record<string, unknown> | undefined;
        const result = answer.body?.data?.createWorkspaces as { __typename?: string; replayed?: boolean } | undefined;
        return (
          fuzzCase.mutation === "createWorkspaces" &&
          typeof input?.idempotencyKey === "string" &&
          input.idempotencyKey.startsWith("fuzz-") &&
          !IDEMPOTENCY_POOL.includes(input.idempotencyKey) &&
          result?.__typename === "CreateWorkspacesPayload" &&
          result.replayed === false
        );
      })
      .slice(0, 60);
    assert.ok(candidates.length >= 20, `only ${candidates.length} fuzzed creates had their own idempotency key`);
    const problems: string[] = [];
    let replays = 0;
    for (const [index, [fuzzCase, { body, answer }]] of candidates.entries()) {
      const first = answer.body!.data!.createWorkspaces as { results: Item[] };
      const retained = first.results.some((item) => item.__typename === "Workspace" || !NOTHING_APPLIED.has(item.code ?? ""));
      const again = await send(body);
      const repeat = again.body?.data?.createWorkspaces as { __typename?: string; replayed?: boolean; results?: Item[] } | undefined;
      const label = `case ${fuzzCase.index} (${preview(fuzzCase.variables, 300)})`;
      if (repeat?.__typename !== "CreateWorkspacesPayload") {
        problems.push(`${label}: the repeat got ${again.text.slice(0, 200)}`);
        continue;
      }
      if (repeat.replayed !== retained)
        problems.push(`${label}: replayed is ${repeat.replayed}, the first result ${retained ? "reached" : "did not reach"} AWS`);
      if (repeat.replayed) {
        replays += 1;
        // An item whose outcome was unknown (AWS slow to answer a create) is sent again and answered as AWS answers now.
        const settled = (_: Item, i: number) => first.results[i]!.code !== "OUTCOME_UNKNOWN";
        assert.equal(repeat.results?.length, first.results.length, `${label}: a replay has another number of results`);
        assert.deepEqual(repeat.results.filter(settled), first.results.filter(settled), `${label}: a replay differs from the first result`);
      }
      if (index % 2 === 0) {
        // Same key, another input: refused while the first result is retained.
        const input = fuzzCase.variables!.input as Record<string, unknown>;
        const changed = {
          ...fuzzCase.variables,
          input: {
            ...input,
            workspaces: [
              ...(listOf(input.workspaces) ?? []),
              { directoryId: CORP, userName: `fuzz-extra-${index}`, bundleId: BUNDLES.value },
            ].slice(-100),
          },
        };
        const other = await send(JSON.stringify({ query: CREATE, variables: changed }).replace(RAW_PATTERN, "$1"));
        const otherResult = other.body?.data?.createWorkspaces as { __typename?: string; rule?: string } | undefined;
        const conflict = otherResult?.__typename === "ValidationError" && otherResult.rule === "reused";
        // A result that was not retained frees the key, unless the repeat above ran again and was retained.
        const heldNow =
          retained || (repeat.results ?? []).some((item) => item.__typename === "Workspace" || !NOTHING_APPLIED.has(item.code ?? ""));
        if (conflict !== heldNow) problems.push(`${label}: another input with the key got ${other.text.slice(0, 200)}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(replays > 0, "no fuzzed create reached AWS, so nothing was replayed");
  });

  // graphql-js words each variable coercion error with the whole offending input object, long strings included, and
  // stops at 50 errors: one item with a 200 KB string and 60 unknown fields is answered with 50 copies of the string.
  it("answers a refused variable set without echoing it many times over (no response amplification)", async () => {
    const item: Record<string, unknown> = { directoryId: "a".repeat(200_000), userName: "u", bundleId: "b" };
    for (let i = 0; i < 60; i++) item[`unknown${i}`] = i;
    const requestBody = JSON.stringify({ query: CREATE, variables: { input: { workspaces: [item] } } });
    const answer = await send(requestBody);
    assert.equal(answer.status, 400);
    const requestBytes = Buffer.byteLength(requestBody);
    const answerBytes = Buffer.byteLength(answer.text);
    assert.ok(
      answerBytes <= Math.max(64 * 1024, 4 * requestBytes),
      `a ${requestBytes}-byte request was answered with ${answerBytes} bytes (${(answerBytes / requestBytes).toFixed(0)}×)`,
    );
  });

  it("still answers a normal query and /health after the fuzzing", async () => {
    const response = await gateway.post({ query: "{ workspaces(first: 5) { edges { node { workspaceId state } } } }" });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { data?: { workspaces: { edges: unknown[] } }; errors?: unknown };
    assert.equal(body.errors, undefined);
    assert.equal(body.data?.workspaces.edges.length, 5);
    const health = await fetch(`${gateway.origin}/health`);
    assert.equal(health.status, 200);
  });
});
