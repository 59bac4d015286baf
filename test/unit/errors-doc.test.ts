// docs/errors.md's table is what npm run docs:errors writes from src/error-codes.ts, as schema/schema.graphql is what
// npm run schema prints: a code added, reworded or made retryable fails here until the page says so too.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { ERRORS_FILE, printedErrorsPage } from "../../scripts/print-errors.ts";
import { ERROR_CODES } from "../../src/error-codes.ts";

describe("docs/errors.md", () => {
  it("is current (run npm run docs:errors)", () => {
    const page = readFileSync(ERRORS_FILE, "utf8");
    assert.equal(page, printedErrorsPage(page));
  });

  it("has a row for every code, with what it means and whether to retry", () => {
    const page = readFileSync(ERRORS_FILE, "utf8");
    for (const [code, { retryable, meaning }] of Object.entries(ERROR_CODES)) {
      const escaped = meaning.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      assert.match(page, new RegExp(`^\\| \`${code}\` +\\| ${escaped} +\\| ${retryable ? "yes" : "no"} +\\|$`, "m"), code);
    }
  });
});
