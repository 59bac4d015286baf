// STS at the emulator's endpoint, in the AWS Query protocol: AssumeRole hands out temporary keys that belong to the
// role's account, so calls made with them reach that account's partition; GetCallerIdentity says whose keys a caller
// holds. Any other key is a long-term key of the default account. Roles whose name starts with "Deny" cannot be
// assumed (AccessDenied), so a test can make one account fail as a role without a trust relationship does.
import { createHash, randomBytes } from "node:crypto";
import { AuthFailure } from "./auth-failure.ts";
import { DEFAULT_ACCOUNT_ID } from "./partitions.ts";
import type { XmlContent } from "./query-protocol.ts";
import { QueryError } from "./query-protocol.ts";

const VERSION = "2011-06-15";
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]*$/;
const DURATION_SECONDS = { min: 900, max: 43_200, default: 3_600, chained: 3_600 };
/** The alphabet of AWS's key and role IDs (AKIA..., ASIA..., AROA...). */
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

interface Caller {
  account: string;
  arn: string;
  userId: string;
  /** Holds a role's temporary credentials: assuming a role with them is role chaining. */
  assumedRole: boolean;
}

/** Whoever holds a key the emulator did not issue: the default account's root user. */
const DEFAULT_CALLER: Caller = {
  account: DEFAULT_ACCOUNT_ID,
  arn: `arn:aws:iam::${DEFAULT_ACCOUNT_ID}:root`,
  userId: DEFAULT_ACCOUNT_ID,
  assumedRole: false,
};

interface Session {
  caller: Caller;
  sessionToken: string;
  expiresAt: number;
}

const idOf = (bytes: Buffer) => [...bytes].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join("");
/** ISO 8601 to the second, as AWS writes timestamps. */
const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const validation = (message: string) => new QueryError("ValidationError", message);

export class SecurityTokenService {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: () => number) {}

  /** Who holds these credentials; throws AuthFailure for a session token the emulator did not issue, or one expired. */
  identify(accessKeyId: string | undefined, sessionToken: string | undefined): Caller {
    const session = accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
    if (session === undefined && sessionToken === undefined) return DEFAULT_CALLER;
    if (session === undefined || session.sessionToken !== sessionToken) {
      throw new AuthFailure("unrecognizedClient", "The security token included in the request is invalid.");
    }
    if (this.clock() >= session.expiresAt) {
      throw new AuthFailure("expiredToken", "The security token included in the request is expired");
    }
    return session.caller;
  }

  /** The result of the Query request's Action, or a QueryError. */
  run(caller: Caller, params: URLSearchParams): XmlContent {
    const action = params.get("Action");
    const version = params.get("Version");
    if (version === VERSION && action === "AssumeRole") return this.assumeRole(caller, params);
    if (version === VERSION && action === "GetCallerIdentity") {
      return { UserId: caller.userId, Account: caller.account, Arn: caller.arn };
    }
    throw new QueryError("InvalidAction", `Could not find operation ${action} for version ${version}`);
  }

  private assumeRole(caller: Caller, params: URLSearchParams): XmlContent {
    const roleArn = params.get("RoleArn");
    const sessionName = params.get("RoleSessionName");
    const duration = params.get("DurationSeconds");
    const seconds = duration === null ? DURATION_SECONDS.default : Number(duration);
    const violations = [
      ...(roleArn === null ? ["Value null at 'roleArn' failed to satisfy constraint: Member must not be null"] : []),
      ...(roleArn !== null && roleArn.length < 20
        ? [`Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20`]
        : []),
      ...sessionNameViolations(sessionName),
      ...(Number.isInteger(seconds)
        ? durationViolations(seconds)
        : [`Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must be an integer`]),
    ];
    if (violations.length > 0) {
      const count = violations.length === 1 ? "1 validation error" : `${violations.length} validation errors`;
      throw validation(`${count} detected: ${violations.join("; ")}`);
    }
    const match = ROLE_ARN.exec(roleArn!);
    if (!match) throw validation("Request ARN is invalid");
    const [, account, roleName] = match as unknown as [string, string, string];
    if (roleName.startsWith("Deny")) {
      throw new QueryError("AccessDenied", `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    }
    if (caller.assumedRole && seconds > DURATION_SECONDS.chained) {
      throw validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
    }
    // A role's ID is stable, as on AWS; the keys are new at every call.
    const roleId = `AROA${idOf(createHash("sha256").update(roleArn!).digest().subarray(0, 17))}`;
    const accessKeyId = `ASIA${idOf(randomBytes(16))}`;
    const sessionToken = randomBytes(180).toString("base64");
    const expiresAt = this.clock() + seconds * 1000;
    const arn = `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
    const userId = `${roleId}:${sessionName}`;
    this.sessions.set(accessKeyId, { caller: { account, arn, userId, assumedRole: true }, sessionToken, expiresAt });
    return {
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretAccessKey: randomBytes(30).toString("base64"),
        SessionToken: sessionToken,
        Expiration: timestamp(expiresAt),
      },
      AssumedRoleUser: { AssumedRoleId: userId, Arn: arn },
    };
  }
}

function sessionNameViolations(name: string | null): string[] {
  if (name === null) return ["Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"];
  const at = `Value '${name}' at 'roleSessionName' failed to satisfy constraint: Member must`;
  return [
    ...(name.length < 2 ? [`${at} have length greater than or equal to 2`] : []),
    ...(name.length > 64 ? [`${at} have length less than or equal to 64`] : []),
    ...(SESSION_NAME.test(name) ? [] : [`${at} satisfy regular expression pattern: [\\w+=,.@-]*`]),
  ];
}

function durationViolations(seconds: number): string[] {
  const at = `Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value`;
  if (seconds < DURATION_SECONDS.min) return [`${at} greater than or equal to ${DURATION_SECONDS.min}`];
  if (seconds > DURATION_SECONDS.max) return [`${at} less than or equal to ${DURATION_SECONDS.max}`];
  return [];
}
