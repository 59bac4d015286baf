// The accounts the gateway reaches: the default credentials' own (STS GetCallerIdentity says which it is), then one
// per role, assumed through STS (role-credentials.ts) and shared by that account's regions. Each account in each region
// becomes a partition of the fleet. Every STS call has a timeout: a connection STS accepts and never answers is given up.
import { hostname } from "node:os";
import type { STSClientConfig } from "@aws-sdk/client-sts";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { ROLE_ARN_PATTERN } from "../constraints.ts";
import type { BundleCache } from "../shared/bundle-cache/bundle-cache.ts";
import { Fleet, Partition, partitionKey } from "./fleet.ts";
import { RoleCredentials } from "./role-credentials.ts";
import type { CallPolicy } from "./upstream.ts";
import { Upstream } from "./upstream.ts";

export interface FleetSettings {
  /** In the order lists walk them; the first also serves STS. */
  regions: readonly string[];
  /** One role per further account, checked against ROLE_ARN_PATTERN. */
  roleArns: readonly string[];
  policy: CallPolicy;
  /** Time allowed to each STS call (GetCallerIdentity, AssumeRole), connecting included. */
  stsTimeoutMs: number;
  /** A partition's bundle cache, by its key: this gateway's own, or the one a cluster's gateways share. */
  bundleCacheOf(partition: string): BundleCache;
  /** The embedded emulator: its endpoint (WorkSpaces and STS) and keys. Absent on AWS, where the SDK's standard chain applies. */
  emulator?: { endpoint: string; credentials: AwsCredentialIdentity };
}

/** Says in CloudTrail which gateway assumed a role: `workspaces-gateway@<host>`, within STS's 64 characters. */
export const ROLE_SESSION_NAME = `workspaces-gateway@${hostname()}`.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);

/** The least time the start-up's GetCallerIdentity gets per attempt. */
const STARTUP_STS_TIMEOUT_MS = 15_000;

/** An STS client whose every attempt, connecting included, has `stsTimeoutMs`. */
function stsClient(settings: FleetSettings, config: STSClientConfig, stsTimeoutMs = settings.stsTimeoutMs): STSClient {
  return new STSClient({
    region: settings.regions[0],
    requestHandler: { connectionTimeout: stsTimeoutMs, requestTimeout: stsTimeoutMs, throwOnRequestTimeout: true },
    ...config,
  });
}

/** The account of the default credentials; throws, naming the cause, when STS cannot say. */
async function defaultAccount(settings: FleetSettings): Promise<string> {
  // Only the start waits on it, and a busy host's first connections can take seconds: a hung STS still ends it.
  const timeoutMs = Math.max(settings.stsTimeoutMs, STARTUP_STS_TIMEOUT_MS);
  const sts = stsClient(settings, { maxAttempts: settings.policy.maxAttempts, ...(settings.emulator ?? {}) }, timeoutMs);
  try {
    const { Account } = await sts.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(settings.policy.maxAttempts * timeoutMs),
    });
    if (!Account) throw new Error("STS answered without an account");
    return Account;
  } catch (error) {
    throw new Error(`cannot learn the default credentials' account (STS GetCallerIdentity): ${(error as Error).message}`);
  } finally {
    sts.destroy();
  }
}

/**
 * A role's keys, assumed when first needed and again in the five minutes before they expire (the SDK's own window),
 * once for all the account's regions. A role that cannot be assumed fails that account's calls, not the start. One
 * attempt per AssumeRole: RoleCredentials asks again, after a backoff.
 */
function roleCredentials(roleArn: string, settings: FleetSettings): AwsCredentialIdentityProvider {
  const { emulator } = settings;
  const sts = stsClient(settings, { maxAttempts: 1, ...(emulator ?? {}) });
  return new RoleCredentials(sts, { RoleArn: roleArn, RoleSessionName: ROLE_SESSION_NAME }, settings.stsTimeoutMs).provide;
}

/** Every account in every region, default account first; throws when an account would be served twice. */
export async function connectFleet(settings: FleetSettings): Promise<Fleet> {
  const { emulator } = settings;
  const accounts: { accountId: string; credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider }[] = [
    { accountId: await defaultAccount(settings), credentials: emulator?.credentials },
  ];
  for (const roleArn of settings.roleArns) {
    const accountId = ROLE_ARN_PATTERN.exec(roleArn)?.[1];
    if (!accountId) throw new Error(`WORKSPACES_ROLE_ARNS: "${roleArn}" is not an IAM role's ARN`);
    if (accounts.some((account) => account.accountId === accountId)) {
      throw new Error(
        `WORKSPACES_ROLE_ARNS: ${roleArn} is in account ${accountId}, which the gateway already serves` +
          (accountId === accounts[0]!.accountId ? " with its default credentials" : " through another role"),
      );
    }
    accounts.push({ accountId, credentials: roleCredentials(roleArn, settings) });
  }
  const partitions = accounts.flatMap(({ accountId, credentials }) =>
    settings.regions.map((region) => {
      const key = partitionKey({ accountId, region });
      const client = { region, ...(emulator ? { endpoint: emulator.endpoint } : {}), ...(credentials ? { credentials } : {}) };
      return new Partition(accountId, region, new Upstream(client, settings.policy, key), settings.bundleCacheOf(key));
    }),
  );
  return new Fleet(partitions);
}
