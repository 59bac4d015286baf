// JWT bearer tokens for single sign-on: signature from the issuer's JWKS, issuer, audience, expiry, and scopes.
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { Principal } from "./principal.ts";
import { SCOPES } from "./principal.ts";

export interface JwtSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** The claim holding the scopes: a space-separated string (OAuth's `scope`) or an array. */
  scopeClaim: string;
  /** Prepended to `read` and `write` when matching the claim, e.g. `workspaces:`. */
  scopePrefix: string;
}

/** The claim's values: OAuth's space-separated `scope` string, or an array (`scp`, `permissions`). */
function claimValues(claim: unknown): string[] {
  if (typeof claim === "string") return claim.split(" ").filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === "string");
  return [];
}

/** jose's verdicts on the token itself; any other failure (the key set unreachable) says nothing about it. */
const TOKEN_FAULTS = new Set([
  "ERR_JWT_EXPIRED",
  "ERR_JWT_CLAIM_VALIDATION_FAILED",
  "ERR_JWT_INVALID",
  "ERR_JWS_INVALID",
  "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
  "ERR_JOSE_ALG_NOT_ALLOWED",
  "ERR_JOSE_NOT_SUPPORTED",
]);

/** The issuer's key set could not be fetched: the caller is not refused (401) but asked to retry (503). */
export class AuthenticationUnavailable extends Error {}

export function createJwtVerifier(settings: JwtSettings): (token: string) => Promise<Principal | undefined> {
  // jose caches the key set and refetches it when a token names an unknown key (rotation).
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000 });
  return async (token) => {
    try {
      // A subject names the caller in logs and keeps callers' idempotency keys apart; a token must also expire.
      const { payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        requiredClaims: ["sub", "exp"],
      });
      // RFC 7519 makes `sub` a string: the number 12345 would otherwise be the same caller as "12345".
      if (typeof payload.sub !== "string" || payload.sub === "") return undefined;
      const granted = new Set(claimValues(payload[settings.scopeClaim]));
      const scopes = new Set(SCOPES.filter((scope) => granted.has(`${settings.scopePrefix}${scope}`)));
      return { id: `jwt:${payload.sub}`, scopes };
    } catch (error) {
      if (TOKEN_FAULTS.has((error as { code?: string }).code ?? "")) return undefined;
      throw new AuthenticationUnavailable();
    }
  };
}
