// The bench's tables: as text for the terminal, as Markdown for bench/RESULTS.md. Columns of numbers align right.
import { replaceBetween, markdownTable as table } from "../scripts/markdown.ts";
import type { Cell, SectionResult } from "./harness.ts";

/** What one `npm run bench` measured, as bench/results/*.json keeps it. */
export interface BenchRun {
  date: string;
  node: string;
  cpus: number;
  seconds: number;
  sections: SectionResult[];
}

interface Grid {
  header: string[];
  body: string[][];
  numeric: boolean[];
}

function grid(section: SectionResult): Grid {
  const columns = [...new Set(section.rows.flatMap((row) => Object.keys(row)))];
  const text = (cell: Cell | undefined) => (cell === undefined ? "" : typeof cell === "number" ? cell.toLocaleString("en-US") : cell);
  return {
    header: columns,
    body: section.rows.map((row) => columns.map((column) => text(row[column]))),
    numeric: columns.map((column) =>
      section.rows.every((row) => row[column] === undefined || row[column] === "" || typeof row[column] === "number"),
    ),
  };
}

export function textTable(section: SectionResult): string {
  const { header, body, numeric } = grid(section);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    section.title,
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
    ...section.notes.map((note) => `  ${note}`),
  ].join("\n");
}

export function markdownTable(section: SectionResult): string {
  const { header, body, numeric } = grid(section);
  return [
    `**${section.title}**`,
    "",
    table(header, body, numeric),
    ...(section.notes.length > 0 ? ["", section.notes.join("; ")] : []),
  ].join("\n");
}

export const missedTargets = (sections: SectionResult[]) => sections.flatMap((s) => s.rows).filter((row) => row.result === "MISS").length;

export const RESULTS_FILE = new URL("./RESULTS.md", import.meta.url);

const BEGIN = "<!-- bench tables: written by npm run bench (every section) -->";
const END = "<!-- end of bench tables -->";

/** bench/RESULTS.md with this run's tables in place of the last run's, the prose around them as it is. */
export function resultsPage(page: string, run: BenchRun): string {
  const misses = missedTargets(run.sections);
  const outcome = misses === 0 ? "every target met" : `${misses} target${misses === 1 ? "" : "s"} missed`;
  const major = run.node.replace(/^v(\d+).*$/, "$1");
  const heading = `Latest run (Node ${major}, ${run.cpus} vCPUs, ${run.date.slice(0, 10)}; ${run.seconds} s; ${outcome}):`;
  return replaceBetween(page, BEGIN, END, [heading, ...run.sections.map(markdownTable)].join("\n\n"));
}
