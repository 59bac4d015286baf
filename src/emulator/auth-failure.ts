// A request refused for its signature or credentials, before any operation runs. WorkSpaces (AWS JSON) and STS
// (AWS Query) name the same failure differently, so a failure knows both names.
import { AwsError } from "./aws-error.ts";
import { QueryError } from "./query-protocol.ts";

const NAMES = {
  incompleteSignature: { json: "IncompleteSignatureException", query: "IncompleteSignature", queryStatus: 400 },
  invalidSignature: { json: "InvalidSignatureException", query: "SignatureDoesNotMatch", queryStatus: 403 },
  unrecognizedClient: { json: "UnrecognizedClientException", query: "InvalidClientTokenId", queryStatus: 403 },
  expiredToken: { json: "ExpiredTokenException", query: "ExpiredToken", queryStatus: 400 },
} as const;

export class AuthFailure extends Error {
  constructor(
    readonly kind: keyof typeof NAMES,
    message: string,
  ) {
    super(message);
  }

  /** As a JSON service (WorkSpaces) answers it: always HTTP 400. */
  asJson(): AwsError {
    return new AwsError(NAMES[this.kind].json, this.message);
  }

  asQuery(): QueryError {
    const { query, queryStatus } = NAMES[this.kind];
    return new QueryError(query, this.message, queryStatus);
  }
}
