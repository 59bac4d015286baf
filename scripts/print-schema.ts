// `npm run schema`: prints the SDL of the code-first schema to schema/schema.graphql, and the possible types of its
// interfaces and unions to schema/possible-types.json (GraphQL Code Generator's fragment-matcher, for Apollo Client's
// cache); `--check` only compares.
import { readFileSync, writeFileSync } from "node:fs";
import { plugin as fragmentMatcher } from "@graphql-codegen/fragment-matcher";
import { printSchema } from "graphql";
import { schema } from "../src/schema/index.ts";

export const SCHEMA_FILE = new URL("../schema/schema.graphql", import.meta.url);
export const POSSIBLE_TYPES_FILE = new URL("../schema/possible-types.json", import.meta.url);

export const printedSchema = () => `${printSchema(schema)}\n`;

export async function printedPossibleTypes(): Promise<string> {
  const output = await fragmentMatcher(
    schema,
    [],
    { apolloClientVersion: 3, useExplicitTyping: false },
    { outputFile: "possible-types.json" },
  );
  return `${typeof output === "string" ? output : output.content}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outputs: [URL, string][] = [
    [SCHEMA_FILE, printedSchema()],
    [POSSIBLE_TYPES_FILE, await printedPossibleTypes()],
  ];
  for (const [file, text] of outputs) {
    if (!process.argv.includes("--check")) writeFileSync(file, text);
    else if (readFileSync(file, "utf8") !== text) {
      console.error(`${file.pathname} is stale: run npm run schema`);
      process.exitCode = 1;
    }
  }
}
