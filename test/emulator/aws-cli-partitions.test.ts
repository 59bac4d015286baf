// The real AWS CLI against the emulator (--endpoint-url): each region and account is seen as AWS would show it,
// STS's keys included. `npm test` installs Debian's awscli when `aws` is missing and it runs as root.
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { CreateWorkspacesCommand, paginateDescribeWorkspaces } from "@aws-sdk/client-workspaces";
import type { AwsCli } from "./aws-cli.ts";
import { AWS, startAwsCli } from "./aws-cli.ts";
import type { Harness } from "./fixture.ts";
import { assumeRole, OTHER_ACCOUNT, READER_ROLE, startHarness } from "./fixture.ts";

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const DEFAULT_KEYS: Keys = { accessKeyId: "test", secretAccessKey: "test" };

describe("the AWS CLI", { skip: AWS ? false : "no aws on PATH (npm test installs Debian's awscli when run as root)" }, () => {
  let h: Harness;
  let aws: AwsCli;
  before(async () => {
    h = await startHarness({ workspaces: 12, regions: ["us-east-1", "eu-west-1"] });
    aws = await startAwsCli(AWS!);
  });
  after(async () => {
    await aws?.close();
    await h.close();
  });

  /** Runs `aws <args> --endpoint-url <emulator>` asynchronously (the emulator serves from this process). */
  function invoke(args: string[], keys: Keys) {
    // Only these AWS settings: no profile, config file or instance metadata of the machine's.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
    return aws.run([...args, "--endpoint-url", h.emulator.url, "--output", "json"], {
      ...env,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_CONFIG_FILE: join(tmpdir(), "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), "no-aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PAGER: "",
    });
  }

  /** Runs `aws <args>` on the emulator and parses its JSON. */
  async function cli(args: string[], keys: Keys = DEFAULT_KEYS): Promise<any> {
    const { code, stdout, stderr } = await invoke(args, keys);
    assert.equal(code, 0, `aws ${args.join(" ")} failed: ${stderr}`);
    return JSON.parse(stdout);
  }

  /** The error of a CLI call that must fail. */
  async function cliError(args: string[], keys: Keys = DEFAULT_KEYS): Promise<string> {
    const { code, stderr } = await invoke(args, keys);
    assert.notEqual(code, 0, `aws ${args.join(" ")} succeeded`);
    return stderr;
  }

  const workspaceIds = async (region: string, keys?: Keys) =>
    (await cli(["workspaces", "describe-workspaces", "--region", region], keys)).Workspaces.map(
      (w: { WorkspaceId: string }) => w.WorkspaceId,
    );

  async function sdkWorkspaceIds(client: WorkSpacesClient): Promise<string[]> {
    const ids: string[] = [];
    for await (const page of paginateDescribeWorkspaces({ client }, {})) ids.push(...page.Workspaces!.map((w) => w.WorkspaceId!));
    return ids;
  }

  it("describe-workspaces --region shows that region's workspaces, as the SDK sees them", async () => {
    const [east, west] = await Promise.all([workspaceIds("us-east-1"), workspaceIds("eu-west-1")]);
    assert.equal(east.length, 12);
    assert.deepEqual(east, await sdkWorkspaceIds(h.client));
    assert.deepEqual(west, await sdkWorkspaceIds(h.newClient({ region: "eu-west-1" })));
    assert.deepEqual(
      east.filter((id: string) => west.includes(id)),
      [],
    );
  });

  it("a region the emulator does not serve is refused as a request signed for another region", async () => {
    const stderr = await cliError(["workspaces", "describe-workspaces", "--region", "eu-central-1"]);
    assert.match(stderr, /InvalidSignatureException.*Credential should be scoped to a valid region, not 'eu-central-1'/);
  });

  it("sts assume-role, then the returned keys in the environment reach the role's account", async () => {
    const assumed = await cli(["sts", "assume-role", "--role-arn", READER_ROLE, "--role-session-name", "cli-test"]);
    assert.equal(assumed.AssumedRoleUser.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/WorkSpacesReader/cli-test`);
    const keys: Keys = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };
    const [identity, theirs] = await Promise.all([cli(["sts", "get-caller-identity"], keys), workspaceIds("eu-west-1", keys)]);
    assert.equal(identity.Account, OTHER_ACCOUNT);
    assert.equal(identity.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/WorkSpacesReader/cli-test`);
    assert.deepEqual(theirs, await sdkWorkspaceIds(h.newClient({ region: "eu-west-1", credentials: keys })));
    assert.deepEqual(
      theirs.filter((id: string) => h.emulator.world.workspaces.describe({}).Workspaces!.some((w) => w.WorkspaceId === id)),
      [],
    );
  });

  it("a workspace created through the SDK in one partition shows in the CLI in that partition only", async () => {
    const credentials = await assumeRole(h, READER_ROLE, "creator");
    const sdk = h.newClient({ region: "eu-west-1", credentials });
    const world = h.emulator.worldOf(OTHER_ACCOUNT, "eu-west-1");
    const made = await sdk.send(
      new CreateWorkspacesCommand({
        Workspaces: [
          {
            DirectoryId: world.directories.describe({}).Directories![0]!.DirectoryId,
            UserName: "cli-seen",
            BundleId: world.bundles.describe({ Owner: "AMAZON" }).Bundles![0]!.BundleId,
          },
        ],
      }),
    );
    const id = made.PendingRequests![0]!.WorkspaceId!;
    h.advance(h.emulator.settings.visibilityLagMs);
    const [inPartition, inOtherAccount] = await Promise.all([workspaceIds("eu-west-1", credentials), workspaceIds("eu-west-1")]);
    assert.ok(inPartition.includes(id));
    assert.ok(!inOtherAccount.includes(id), "not in another account's partition of the region");
  });
});
