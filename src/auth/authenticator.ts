// Credentials of a request: an API key or a JWT in `Authorization: Bearer`, or open access when none is configured.
import type { ApiKey } from "./api-keys.ts";
import { findApiKey } from "./api-keys.ts";
import type { JwtSettings } from "./jwt.ts";
import { createJwtVerifier } from "./jwt.ts";
import type { Principal } from "./principal.ts";
import { OPEN_ACCESS } from "./principal.ts";

export interface Authenticator {
  /** The caller, or undefined when the credentials are missing or wrong. */
  authenticate(authorization: string | null): Promise<Principal | undefined>;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** Which credentials are accepted: API keys, JWTs from one issuer, or both; neither is open access. */
export interface AuthSettings {
  apiKeys: readonly ApiKey[];
  jwt?: JwtSettings;
}

export function createAuthenticator(config: AuthSettings): Authenticator {
  if (config.apiKeys.length === 0 && !config.jwt) return { authenticate: async () => OPEN_ACCESS };
  const verifyJwt = config.jwt ? createJwtVerifier(config.jwt) : undefined;
  return {
    async authenticate(authorization) {
      const match = /^Bearer +(\S+)$/i.exec(authorization ?? "");
      if (!match) return undefined;
      const credential = match[1]!;
      const key = findApiKey(config.apiKeys, credential);
      if (key) return key;
      return verifyJwt && JWT_SHAPE.test(credential) ? verifyJwt(credential) : undefined;
    },
  };
}
