// Credentials of a request: an API key or a JWT in `Authorization: Bearer`, or open access when none is configured.
import type { GatewayConfig } from "../config.ts";
import { findApiKey } from "./api-keys.ts";
import { createJwtVerifier } from "./jwt.ts";
import type { Principal } from "./principal.ts";
import { OPEN_ACCESS } from "./principal.ts";

export interface Authenticator {
  /** The caller, or undefined when the credentials are missing or wrong. */
  authenticate(authorization: string | null): Promise<Principal | undefined>;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

export function createAuthenticator(config: Pick<GatewayConfig, "apiKeys" | "jwt">): Authenticator {
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
