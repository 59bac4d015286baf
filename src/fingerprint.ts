// A digest of a value that two equal values share whatever order their object keys came in (AWS's answers and
// clients' inputs do not promise one): to tell a repeat from a change.
import { createHash } from "node:crypto";

export function fingerprintOf(value: unknown): string {
  const canonical = JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
  return createHash("sha256")
    .update(canonical ?? "null")
    .digest("hex");
}
