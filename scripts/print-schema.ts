// `npm run schema`: prints the SDL of the code-first schema to schema/schema.graphql (`--check` only compares).
import { readFileSync, writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { schema } from "../src/schema/index.ts";

export const SCHEMA_FILE = new URL("../schema/schema.graphql", import.meta.url);

export const printedSchema = () => `${printSchema(schema)}\n`;

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes("--check")) {
    if (readFileSync(SCHEMA_FILE, "utf8") !== printedSchema()) {
      console.error("schema/schema.graphql is stale: run npm run schema");
      process.exit(1);
    }
  } else {
    writeFileSync(SCHEMA_FILE, printedSchema());
  }
}
