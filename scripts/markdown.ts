// Markdown that scripts and the bench write into committed pages: tables laid out as a Markdown formatter pads them
// (so a regenerated page differs only where its figures do), between marker comments that keep the prose around them.

/** A table with every column padded to its widest cell; `right[i]` aligns column i to the right (numbers). */
export function markdownTable(header: string[], body: string[][], right: boolean[] = []): string {
  const widths = header.map((_, i) => Math.max(3, ...[header, ...body].map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `| ${row.map((cell, i) => (right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = widths.map((width, i) => (right[i] ? `${"-".repeat(width - 1)}:` : "-".repeat(width)));
  return [line(header), `| ${rule.join(" | ")} |`, ...body.map(line)].join("\n");
}

/** `page` with what lies between the `begin` and `end` markers replaced by `block`; a page without them is refused. */
export function replaceBetween(page: string, begin: string, end: string, block: string): string {
  const start = page.indexOf(begin);
  const stop = page.indexOf(end, start);
  if (start === -1 || stop === -1) throw new Error(`the page has lost its markers ${begin} and ${end}`);
  return `${page.slice(0, start + begin.length)}\n\n${block}\n\n${page.slice(stop)}`;
}
