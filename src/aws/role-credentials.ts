// A role's temporary keys, from STS AssumeRole, for every region of its account. Each AssumeRole has a timeout of its
// own: a hung STS once held the SDK's memoized provider pending for good, so the account stayed broken until restart.
// Once a refresh has failed, the account's calls fail at once with its error while STS is asked again in the
// background after a backoff (1 s, doubling, at most 10 s); keys still valid are used while newer ones are fetched.
import type { AssumeRoleCommandOutput, STSClient } from "@aws-sdk/client-sts";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { ServiceException } from "@smithy/core/client";
import type { AwsCredentialIdentity } from "@smithy/types";

/** Keys that expire within this are refreshed in the background; the SDK's own window. */
const REFRESH_WINDOW_MS = 5 * 60_000;
/** Keys that expire within this are not used: a call signed with them could arrive expired. */
const EXPIRY_MARGIN_MS = 30_000;
const FIRST_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 10_000;

/** STS could not be asked, or did not answer in time: nothing was sent to WorkSpaces with these keys. */
export class CredentialsUnavailableError extends Error {
  override readonly name = "CredentialsUnavailableError";
}

export class RoleCredentials {
  private keys: AwsCredentialIdentity | undefined;
  private refreshing: Promise<AwsCredentialIdentity> | undefined;
  private failures = 0;
  private failed: { error: unknown; retryAt: number } | undefined;

  constructor(
    private readonly sts: STSClient,
    private readonly params: { RoleArn: string; RoleSessionName: string },
    /** Time allowed to each AssumeRole, connecting included. */
    private readonly timeoutMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The SDK's credential provider: keys valid for a while yet, fetched first if there are none. */
  readonly provide = async (): Promise<AwsCredentialIdentity> => {
    const expiresIn = this.keys?.expiration ? this.keys.expiration.getTime() - this.clock() : Number.POSITIVE_INFINITY;
    if (this.keys && expiresIn > EXPIRY_MARGIN_MS) {
      if (expiresIn < REFRESH_WINDOW_MS) this.refresh().catch(() => {});
      return this.keys;
    }
    return this.refresh();
  };

  private refresh(): Promise<AwsCredentialIdentity> {
    if (this.failed) {
      // Nobody waits on STS while it fails: the next attempt, once due, runs for the calls that come after it.
      if (!this.refreshing && this.clock() >= this.failed.retryAt) this.attempt().catch(() => {});
      return Promise.reject(this.failed.error);
    }
    return this.refreshing ?? this.attempt();
  }

  private attempt(): Promise<AwsCredentialIdentity> {
    this.refreshing = this.assume().then(
      (keys) => {
        this.keys = keys;
        this.failures = 0;
        this.failed = undefined;
        return keys;
      },
      (error: unknown) => {
        this.failures += 1;
        const backoff = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (this.failures - 1));
        this.failed = { error, retryAt: this.clock() + backoff };
        throw error;
      },
    );
    // Cleared once settled, so a later refresh asks STS again rather than waiting on this one.
    void this.refreshing
      .finally(() => {
        this.refreshing = undefined;
      })
      .catch(() => {});
    return this.refreshing;
  }

  private async assume(): Promise<AwsCredentialIdentity> {
    let output: AssumeRoleCommandOutput;
    try {
      output = await this.sts.send(new AssumeRoleCommand(this.params), { abortSignal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      // STS's own refusal (AccessDenied: no trust relationship) is its answer; anything else is STS out of reach.
      if (error instanceof ServiceException) throw error;
      throw new CredentialsUnavailableError(`STS AssumeRole for ${this.params.RoleArn} failed: ${(error as Error).message}`);
    }
    const credentials = output.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) {
      throw new CredentialsUnavailableError(`STS AssumeRole for ${this.params.RoleArn} answered without keys`);
    }
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration,
    };
  }
}
