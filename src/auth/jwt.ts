// JWT bearer tokens for single sign-on: signature from the issuer's JWKS, issuer, audience, expiry, and scopes.
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { JwtSettings } from "../config.ts";
import { SCOPES } from "./principal.ts";
import type { Principal } from "./principal.ts";

/** The claim's values: OAuth's space-separated `scope` string, or an array (`scp`, `permissions`). */
function claimValues(claim: unknown): string[] {
  if (typeof claim === "string") return claim.split(" ").filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === "string");
  return [];
}

export function createJwtVerifier(settings: JwtSettings): (token: string) => Promise<Principal | undefined> {
  // jose caches the key set and refetches it when a token names an unknown key (rotation).
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000 });
  return async (token) => {
    try {
      // A subject is required: it names the caller in logs and keeps callers' idempotency keys apart.
      const { payload } = await jwtVerify(token, keys, { issuer: settings.issuer, audience: settings.audience, requiredClaims: ["sub"] });
      const granted = new Set(claimValues(payload[settings.scopeClaim]));
      const scopes = new Set(SCOPES.filter((scope) => granted.has(`${settings.scopePrefix}${scope}`)));
      return { id: `jwt:${payload.sub}`, scopes };
    } catch {
      return undefined;
    }
  };
}
