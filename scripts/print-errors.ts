// `npm run docs:errors`: writes the table of error codes in docs/errors.md, between its markers, from
// src/error-codes.ts, the one vocabulary the schema's ErrorCode enum comes from too; `--check` only compares.
import { readFileSync, writeFileSync } from "node:fs";
import { ERROR_CODES } from "../src/error-codes.ts";
import { markdownTable, replaceBetween } from "./markdown.ts";

export const ERRORS_FILE = new URL("../docs/errors.md", import.meta.url);

const BEGIN = "<!-- error codes: written by npm run docs:errors from src/error-codes.ts -->";
const END = "<!-- end of error codes -->";

export const errorsTable = () =>
  markdownTable(
    ["code", "what happened", "retry?"],
    Object.entries(ERROR_CODES).map(([code, { retryable, meaning }]) => [`\`${code}\``, meaning, retryable ? "yes" : "no"]),
  );

/** The page with its table as src/error-codes.ts has it, the prose around it as it is. */
export const printedErrorsPage = (page: string) => replaceBetween(page, BEGIN, END, errorsTable());

if (import.meta.url === `file://${process.argv[1]}`) {
  const page = readFileSync(ERRORS_FILE, "utf8");
  const printed = printedErrorsPage(page);
  if (!process.argv.includes("--check")) writeFileSync(ERRORS_FILE, printed);
  else if (page !== printed) {
    console.error(`${ERRORS_FILE.pathname} is stale: run npm run docs:errors`);
    process.exitCode = 1;
  }
}
