// The SigV4 credential scope a request was signed for: `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<date>/
// <region>/<service>/aws4_request, SignedHeaders=..., Signature=...`. The emulator does not verify signatures
// (it knows no secrets), but it reads the key and region from the scope, and refuses a malformed one as AWS does.
import type { IncomingHttpHeaders } from "node:http";
import { AuthFailure } from "./auth-failure.ts";

const ALGORITHM = "AWS4-HMAC-SHA256";
const TERMINATOR = "aws4_request";

interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

/** The scope of a signed request, or undefined for an unsigned one (curl); throws AuthFailure for a malformed one. */
export function credentialScope(headers: IncomingHttpHeaders): CredentialScope | undefined {
  const authorization = headers.authorization;
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(" ");
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new AuthFailure("incompleteSignature", `Unsupported AWS 'algorithm': '${algorithm}'.`);
  }
  const parameters = new Map(
    authorization
      .slice(space + 1)
      .split(",")
      .map((part) => {
        const equals = part.indexOf("=");
        return equals < 0 ? ([part.trim(), ""] as const) : ([part.slice(0, equals).trim(), part.slice(equals + 1).trim()] as const);
      }),
  );
  const missing = ["Credential", "Signature", "SignedHeaders"]
    .filter((name) => !parameters.get(name))
    .map((name) => `Authorization header requires '${name}' parameter.`);
  const date = headers["x-amz-date"];
  if (date === undefined && headers.date === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) throw new AuthFailure("incompleteSignature", `${missing.join(" ")} Authorization=${authorization}`);
  const credential = parameters.get("Credential")!;
  const elements = credential.split("/");
  if (elements.length !== 5) {
    throw new AuthFailure(
      "incompleteSignature",
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = elements as [string, string, string, string, string];
  if (terminator !== TERMINATOR) {
    throw new AuthFailure(
      "invalidSignature",
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `,
    );
  }
  if (typeof date === "string" && date.slice(0, 8) !== scopeDate) {
    throw new AuthFailure(
      "invalidSignature",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${date.slice(0, 8)}', from ISO-8601 string: '${date}'.`,
    );
  }
  return { accessKeyId, region, service };
}
