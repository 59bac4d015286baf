// Section 7: what a document costs the gateway before it runs: parsed, its shape counted, validated (graphql-js's
// rules and the gateway's limits) and costed, in-process, for the worst documents the default limits accept of each
// kind, and for the 9 KB document of the fair-share issue, which they refuse.
import type { DocumentNode } from "graphql";
import { GraphQLError, parse, specifiedRules, validate } from "graphql";
import { loadConfig } from "../src/config.ts";
import { operationCost } from "../src/http/query-cost.ts";
import { limitRules, shapeOf } from "../src/http/query-limits.ts";
import { schema } from "../src/schema/index.ts";
import type { SectionResult } from "./harness.ts";
import { percentile, round, verdict } from "./harness.ts";

const TARGET_MS = 5;
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

export function measureValidation(): SectionResult {
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
    title: "7. Validation: parse, shape, validate and cost of the worst documents the limits accept",
    rows,
    notes: [
      `in-process, ${RUNS} runs after ${WARMUP}, graphql-js without its development checks (NODE_ENV=production, as deployed); default limits: ${limits.tokens} tokens, ${limits.fields} fields, ${limits.fieldPairs} field pairs, depth ${limits.depth}, ${limits.aliases} aliases`,
    ],
  };
}
