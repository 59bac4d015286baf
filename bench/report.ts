// The bench's tables: as text for the terminal, as Markdown for the README. Columns of numbers align right.
import type { Cell, SectionResult } from "./harness.ts";

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
  const line = (row: string[]) => `| ${row.join(" | ")} |`;
  return [
    `**${section.title}**`,
    "",
    line(header),
    line(numeric.map((right) => (right ? "---:" : "---"))),
    ...body.map(line),
    ...(section.notes.length > 0 ? ["", section.notes.join("; ")] : []),
  ].join("\n");
}
