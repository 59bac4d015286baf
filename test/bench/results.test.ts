// bench/RESULTS.md is where `npm run bench` writes its tables after a run of every section: between the page's
// markers (without them the run would fail at its end, 8 minutes in), the prose around them kept as it is.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { BenchRun } from "../../bench/report.ts";
import { RESULTS_FILE, resultsPage } from "../../bench/report.ts";

const RUN: BenchRun = {
  date: "2026-12-01T10:00:00.000Z",
  node: "v24.11.1",
  cpus: 2,
  seconds: 400,
  sections: [
    {
      title: "1. AWS calls per operation",
      rows: [
        { operation: "dashboard", total: 2, result: "PASS" },
        { operation: "nodes of 100", total: 1234, result: "MISS" },
      ],
      notes: ["emulator with 250 workspaces", "cold = bundle cache off"],
    },
  ],
};

const TABLES = `Latest run (Node 24, 2 vCPUs, 2026-12-01; 400 s; 1 target missed):

**1. AWS calls per operation**

| operation    | total | result |
| ------------ | ----: | ------ |
| dashboard    |     2 | PASS   |
| nodes of 100 | 1,234 | MISS   |

emulator with 250 workspaces; cold = bundle cache off`;

describe("bench/RESULTS.md", () => {
  it("takes a run's tables in place of the last run's, and keeps the prose around them", () => {
    const page = readFileSync(RESULTS_FILE, "utf8");
    const before = page.slice(0, page.indexOf("Latest run ("));
    const after = page.slice(page.indexOf("<!-- end of bench tables -->"));
    const written = resultsPage(page, RUN);
    assert.equal(written, `${before}${TABLES}\n\n${after}`);
    assert.equal(resultsPage(written, RUN), written);
  });
});
