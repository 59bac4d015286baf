// Section 7: what a request costs the gateway. 7a: a document before it runs: parsed, its shape counted, validated
// (graphql-js's rules and the gateway's limits) and costed, in-process, for the worst documents the default limits
// accept of each kind, and for the 9 KB document of the fair-share issue, which they refuse. 7b: the worst requests,
// accepted or refused, variables included, sent to the gateway as deployed (a child process, default limits): the
// longest the gateway's event loop was blocked meanwhile (its thread's CPU time in its busiest turn, and its own
// monitorEventLoopDelay, both read from /metrics), and how long /health, asked again and again meanwhile, took to answer.
import type { DocumentNode } from "graphql";
import { GraphQLError, parse, specifiedRules, validate } from "graphql";
import { loadConfig } from "../src/config.ts";
import { operationCost } from "../src/http/query-cost.ts";
import { limitRules, shapeOf } from "../src/http/query-limits.ts";
import { schema } from "../src/schema/index.ts";
import type { ChildServer } from "../test/support/processes.ts";
import { scrapeMetrics, startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { median, percentile, post, round, verdict, workspaceIdsOf } from "./harness.ts";

const TARGET_MS = 5;
/** The longest the gateway's event loop may be blocked by one request, accepted or refused. */
const BLOCK_TARGET_MS = 50;
/** The longest /health may take while such a request runs, and the 60,000-ID request to be refused. */
const ANSWER_TARGET_MS = 100;
const HTTP_WARMUP = 2;
const HTTP_RUNS = 5;
const WARMUP = 50;
const RUNS = 300;

const limits = loadConfig({}).limits;
const rules = [...specifiedRules, ...limitRules(limits)];

const WORKSPACE_FIELDS = `id workspaceId directoryId userName ipAddress bundleId subnetId errorMessage errorCode computerName
  volumeEncryptionKey userVolumeEncryptionEnabled rootVolumeEncryptionEnabled state
  workspaceProperties { runningMode computeTypeName rootVolumeSizeGib userVolumeSizeGib runningModeAutoStopTimeoutInMinutes }
  bundle { name bundleId owner description computeType { name } } modificationStates { resource state }`;
const globalId = (i: number) => Buffer.from(`Workspace:123456789012/us-east-1/ws-${String(i).padStart(9, "0")}`).toString("base64");

const DOCUMENTS: { name: string; source: string }[] = [
  {
    name: "the fair-share issue's 9 KB document (pageInfo { hasNextPage } 400 times)",
    source: `{ workspaces { ${"pageInfo { hasNextPage } ".repeat(400)} } }`,
  },
  {
    name: "widest: 20 aliases of a page with every WorkSpace field",
    source: `{ ${Array.from({ length: limits.aliases }, (_, i) => `a${i}: workspaces(first: 1) { edges { cursor node { ${WORKSPACE_FIELDS} } } pageInfo { hasNextPage endCursor } }`).join(" ")} }`,
  },
  {
    name: "most pairs: one field 63 times in one place",
    source: `{ workspaces { edges { node { ${"workspaceId ".repeat(63)} } } } }`,
  },
  {
    name: "longest: nodes(ids:) with 2,400 IDs written in the document",
    source: `{ nodes(ids: [${Array.from({ length: 2_400 }, (_, i) => `"${globalId(i)}"`).join(", ")}]) { id } }`,
  },
  {
    name: "fragments: 8 spreads a level, 7 levels (2 million paths inlined)",
    source: `query Fan { ...F0 }\n${Array.from({ length: 7 }, (_, i) => `fragment F${i} on Query { ${`...F${i + 1} `.repeat(8)} }`).join("\n")}\nfragment F7 on Query { workspaces(first: 1) { edges { node { workspaceId } } } }`,
  },
];

/** Everything the gateway does to a document before it runs; a refusal ends it, as it ends the request. */
function admit(source: string): string {
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: limits.tokens });
    const { fields, fieldPairs } = shapeOf(document);
    if (fields > limits.fields) return `refused: fields ${fields}`;
    if (fieldPairs > limits.fieldPairs) return `refused: fieldPairs ${fieldPairs.toLocaleString("en-US")}`;
  } catch (error) {
    return `refused: ${error instanceof GraphQLError ? error.message : String(error)}`;
  }
  const errors = validate(schema, document, rules);
  if (errors.length > 0) return `refused: ${errors[0]!.extensions.rule ?? errors[0]!.message}`;
  const cost = operationCost(schema, document, {});
  return cost > limits.cost ? `refused: cost ${cost}` : `accepted (cost ${cost})`;
}

function inProcess(): SectionResult {
  const rows = DOCUMENTS.map(({ name, source }) => {
    const outcome = admit(source);
    const samples: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const started = performance.now();
      admit(source);
      if (i >= WARMUP) samples.push(performance.now() - started);
    }
    const median = percentile(samples, 50);
    return {
      document: name,
      bytes: source.length,
      outcome,
      "median ms": round(median, 2),
      "p95 ms": round(percentile(samples, 95), 2),
      target: `< ${TARGET_MS} ms`,
      result: verdict(median < TARGET_MS),
    };
  });
  return {
    title: "7a. Validation: parse, shape, validate and cost of the worst documents the limits accept",
    rows,
    notes: [
      `in-process, ${RUNS} runs after ${WARMUP}, graphql-js without its development checks (NODE_ENV=production, as deployed); default limits: ${limits.tokens} tokens, ${limits.fields} fields, ${limits.fieldPairs} field pairs, depth ${limits.depth}, ${limits.aliases} aliases`,
    ],
  };
}

const NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Workspace { workspaceId state } } }";
/** Malformed global IDs, `"n",` each in the body: 60,000 are the robustness issue's 240 KB. */
const malformed = (count: number) => Array.from({ length: count }, (_, i) => String(i % 10));
const CREATE = "mutation ($input: CreateWorkspacesInput!) { createWorkspaces(input: $input) { __typename } }";
const FILTERED = "query ($ids: [String!]!) { workspaces(first: 25, filter: { workspaceIds: $ids }) { edges { cursor } } }";

/** The requests of 7b, each a body to POST; `ids` are the emulator's WorkSpaces (2,500 of them). */
function requests(ids: string[]): { name: string; body: string }[] {
  const listItems = limits.listItems;
  const json = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });
  const realIds = ids.slice(0, listItems).map((id) => Buffer.from(`Workspace:123456789012/us-east-1/${id}`).toString("base64"));
  return [
    { name: "nodes(ids:) with 60,000 malformed IDs in variables (240 KB, the issue's)", body: json(NODES, { ids: malformed(60_000) }) },
    {
      name: `nodes(ids:) with ${listItems.toLocaleString("en-US")} malformed IDs (as many as MAX_COST allows)`,
      body: json(NODES, { ids: malformed(listItems) }),
    },
    { name: `nodes(ids:) with ${listItems.toLocaleString("en-US")} WorkSpaces' IDs (100 AWS calls)`, body: json(NODES, { ids: realIds }) },
    {
      name: `a batch of ${limits.batch} operations of ${listItems.toLocaleString("en-US")} malformed IDs each`,
      body: JSON.stringify(Array.from({ length: limits.batch }, () => ({ query: NODES, variables: { ids: malformed(listItems) } }))),
    },
    {
      name: `createWorkspaces with ${listItems.toLocaleString("en-US")} requests (1 to 100 allowed)`,
      body: json(CREATE, {
        input: {
          workspaces: Array.from({ length: listItems }, (_, i) => ({
            directoryId: "d-1234567890",
            userName: `u${i}`,
            bundleId: "wsb-12345678",
          })),
        },
      }),
    },
    {
      name: `workspaces(filter: { workspaceIds }) with ${listItems.toLocaleString("en-US")} malformed IDs`,
      body: json(FILTERED, { ids: malformed(listItems) }),
    },
    ...DOCUMENTS.map(({ name, source }) => ({ name, body: json(source) })),
  ];
}

/**
 * The gateway's longest event-loop block since the last scrape (both reset at each): as it waited (prom-client's lag),
 * and the CPU time of its busiest turn (bench/loop-probe.ts).
 */
async function longestBlockMs(gateway: ChildServer): Promise<{ lag: number; cpu: number }> {
  const text = await scrapeMetrics(gateway);
  const value = (name: string) =>
    Number(
      text
        .split("\n")
        .find((l) => l.startsWith(`${name} `))!
        .split(" ")[1],
    ) * 1000;
  return { lag: value("nodejs_eventloop_lag_max_seconds"), cpu: value("bench_eventloop_busiest_turn_cpu_seconds") };
}

/** One request, with /health asked one after the other while it runs: its answer, time, size, and /health's worst. */
async function timedRequest(gateway: ChildServer, body: string) {
  const health = new URL("/health", gateway.url);
  const started = performance.now();
  let done = false;
  const answer = post(gateway.url, body).then((response) => ({ ...response, ms: performance.now() - started }));
  void answer.finally(() => {
    done = true;
  });
  let healthMs = 0;
  while (!done) {
    const asked = performance.now();
    await fetch(health).then((response) => response.arrayBuffer());
    healthMs = Math.max(healthMs, performance.now() - asked);
  }
  return { ...(await answer), healthMs };
}

/** What a response says, in short: the first error's code and rule, and how many errors; or that it was answered. */
function outcomeOf(status: number, text: string): string {
  const parsed = JSON.parse(text) as unknown;
  const bodies = (Array.isArray(parsed) ? parsed : [parsed]) as { errors?: { extensions?: { code?: string; rule?: string } }[] }[];
  const errors = bodies.flatMap((b) => b.errors ?? []);
  if (errors.length === 0) return `${status} answered`;
  const first = errors[0]!.extensions ?? {};
  return `${status} ${first.code}${first.rule ? ` ${first.rule}` : ""}${errors.length > 1 ? ` (${errors.length} errors)` : ""}`;
}

async function overHttp(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(limits.listItems);
  try {
    const ids = await workspaceIdsOf(emulator.url);
    // The budget at its default; quotas off, as the bench is one caller sending the same request again and again.
    // The probe is TypeScript: tsx's loader first (the child's own --import tsx comes after these).
    const probe = ["--import", "tsx", "--import", "./bench/loop-probe.ts"];
    const gateway = await startGatewayProcess(emulator.url, { AWS_RATE_LIMIT: "50", CALLER_RATE_LIMIT: "0" }, probe);
    try {
      const rows = [];
      for (const { name, body } of requests(ids)) {
        const runs = [];
        for (let i = 0; i < HTTP_WARMUP + HTTP_RUNS; i++) {
          await longestBlockMs(gateway);
          const run = await timedRequest(gateway, body);
          if (i >= HTTP_WARMUP) runs.push({ ...run, block: await longestBlockMs(gateway) });
        }
        const lag = Math.max(...runs.map((r) => r.block.lag));
        const block = Math.max(...runs.map((r) => r.block.cpu));
        const health = Math.max(...runs.map((r) => r.healthMs));
        const answerMs = median(runs.map((r) => r.ms));
        const issue = name.startsWith("nodes(ids:) with 60,000");
        rows.push({
          request: name,
          "body KB": round(body.length / 1024),
          outcome: outcomeOf(runs[0]!.status, runs[0]!.text),
          "answer KB": round(runs[0]!.text.length / 1024),
          "median ms": round(answerMs),
          "longest lag ms": round(lag),
          "busiest turn CPU ms": round(block),
          "/health max ms": round(health),
          target: `turn < ${BLOCK_TARGET_MS} ms, /health < ${ANSWER_TARGET_MS} ms${issue ? `, answer < ${ANSWER_TARGET_MS} ms` : ""}`,
          result: verdict(block < BLOCK_TARGET_MS && health < ANSWER_TARGET_MS && (!issue || answerMs < ANSWER_TARGET_MS)),
        });
      }
      return {
        title: "7b. Validation over HTTP: the gateway's longest event-loop block during the worst requests, accepted or refused",
        rows,
        notes: [
          `the gateway as deployed (NODE_ENV=production, default limits: MAX_LIST_ITEMS ${limits.listItems}, MAX_COST ${limits.cost}, MAX_BODY_BYTES ${limits.bodyBytes}), on the emulator in a process of its own; ${HTTP_RUNS} runs after ${HTTP_WARMUP} of each`,
          "longest lag: the largest nodejs_eventloop_lag_max_seconds (monitorEventLoopDelay, 10 ms resolution) over the runs, read from /metrics before and after each; it counts the time the gateway waited for a core too, so on a shared machine it overstates the block",
          "busiest turn CPU: the most CPU time the gateway's event-loop thread (Linux schedstat) spent between two firings of a 1 ms timer, i.e. in one turn of its event loop (bench/loop-probe.ts): the block itself, which the target holds",
          "/health max: the slowest of the probes sent one after the other while the request ran",
        ],
      };
    } finally {
      await gateway.close();
    }
  } finally {
    await emulator.close();
  }
}

export async function measureValidation(): Promise<SectionResult[]> {
  return [inProcess(), await overHttp()];
}
