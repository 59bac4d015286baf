// API keys from GATEWAY_API_KEYS (`key:scope[+scope],...`): kept only as digests, matched in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Principal, Scope } from "./principal.ts";
import { SCOPES } from "./principal.ts";

export interface ApiKey {
  digest: Buffer;
  principal: Principal;
}

const digestOf = (key: string) => createHash("sha256").update(key).digest();

/** Parses the setting; the error names the entry by position only, so a key never reaches a log. */
export function parseApiKeys(spec: string): ApiKey[] {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const separator = entry.lastIndexOf(":");
    const key = entry.slice(0, separator);
    const scopes = entry.slice(separator + 1).split("+");
    if (separator < 1 || key.length < 16 || scopes.some((scope) => !SCOPES.includes(scope as Scope))) {
      throw new Error(
        `GATEWAY_API_KEYS entry ${index + 1} must be key:scope[+scope] with a key of at least 16 characters and scopes ${SCOPES.join(", ")}`,
      );
    }
    const digest = digestOf(key);
    // One key with two scope sets would leave which one applies to the order of the entries.
    if (seen.has(digest.toString("hex"))) throw new Error(`GATEWAY_API_KEYS entry ${index + 1} repeats an earlier key`);
    seen.add(digest.toString("hex"));
    // The ID names the key in logs and scopes idempotency keys without revealing it.
    const id = `key:${digest.subarray(0, 6).toString("hex")}`;
    return { digest, principal: { id, scopes: new Set(scopes as Scope[]) } };
  });
}

/** The principal of a presented key; every configured key is compared, so timing tells nothing. */
export function findApiKey(keys: readonly ApiKey[], presented: string): Principal | undefined {
  const digest = digestOf(presented);
  let found: Principal | undefined;
  for (const key of keys) {
    if (timingSafeEqual(key.digest, digest)) found = key.principal;
  }
  return found;
}
