// STS at the emulator's endpoint, through @aws-sdk/client-sts and @aws-sdk/credential-providers, and on the wire:
// AssumeRole's keys belong to the role's account and reach that account's partitions.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { STSClientConfig } from "@aws-sdk/client-sts";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import {
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  DescribeWorkspacesCommand,
} from "@aws-sdk/client-workspaces";
import { fromIni, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { Harness } from "./fixture.ts";
import { assumeRole, BUNDLES, CLIENT_CONFIG, expectAwsError, OTHER_ACCOUNT, READER_ROLE, startHarness, T0 } from "./fixture.ts";

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Awaits an STS call the emulator must refuse, and returns the SDK's error. */
async function stsError(call: Promise<unknown>, code: string, status: number, message?: string | RegExp): Promise<STSServiceException> {
  const error = await call.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof STSServiceException, String(error));
  assert.equal(error.name, code, error.message);
  assert.equal(error.$metadata.httpStatusCode, status);
  if (typeof message === "string") assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
  return error;
}

describe("STS through the SDK", () => {
  let h: Harness;
  const clients: STSClient[] = [];
  const stsClient = (config: Partial<STSClientConfig> = {}) => {
    const client = new STSClient({ ...CLIENT_CONFIG, endpoint: h.emulator.url, maxAttempts: 1, ...config });
    clients.push(client);
    return client;
  };
  before(async () => {
    h = await startHarness({ workspaces: 10, regions: ["us-east-1", "eu-west-1"] });
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await h.close();
  });

  it("GetCallerIdentity: a key the emulator did not issue is the default account's root", async () => {
    const identity = await stsClient().send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, "123456789012");
    assert.equal(identity.Arn, "arn:aws:iam::123456789012:root");
    assert.equal(identity.UserId, "123456789012");
  });

  it("AssumeRole answers temporary credentials and the assumed-role user, as AWS does", async () => {
    const sts = stsClient();
    const result = await sts.send(new AssumeRoleCommand({ RoleArn: READER_ROLE, RoleSessionName: "gateway@fleet" }));
    const { Credentials, AssumedRoleUser } = result;
    assert.match(Credentials!.AccessKeyId!, /^ASIA[A-Z2-7]{16}$/);
    assert.equal(Credentials!.SecretAccessKey!.length, 40);
    assert.ok(Credentials!.SessionToken!.length > 100);
    assert.deepEqual(Credentials!.Expiration, new Date(T0 + 3_600_000), "an hour by default, on the emulator's clock");
    assert.equal(AssumedRoleUser!.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/WorkSpacesReader/gateway@fleet`);
    assert.match(AssumedRoleUser!.AssumedRoleId!, /^AROA[A-Z2-7]{17}:gateway@fleet$/);
    const again = await sts.send(new AssumeRoleCommand({ RoleArn: READER_ROLE, RoleSessionName: "other", DurationSeconds: 900 }));
    assert.equal(
      again.AssumedRoleUser!.AssumedRoleId!.split(":")[0],
      AssumedRoleUser!.AssumedRoleId!.split(":")[0],
      "a role's ID is stable",
    );
    assert.notEqual(again.Credentials!.AccessKeyId, Credentials!.AccessKeyId);
    assert.deepEqual(again.Credentials!.Expiration, new Date(T0 + 900_000));
    const withPath = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/fleet/readers/Auditor`, RoleSessionName: "audit" }),
    );
    assert.equal(withPath.AssumedRoleUser!.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Auditor/audit`);
  });

  it("its keys belong to the role's account: GetCallerIdentity and WorkSpaces say so", async () => {
    const credentials = await assumeRole(h, READER_ROLE, "who");
    const identity = await stsClient({ credentials }).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, OTHER_ACCOUNT);
    assert.equal(identity.Arn, `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/WorkSpacesReader/who`);
    assert.match(identity.UserId!, /^AROA[A-Z2-7]{17}:who$/);
    const theirs = h.newClient({ credentials });
    const own = (await theirs.send(new DescribeWorkspaceBundlesCommand({}))).Bundles!;
    assert.deepEqual([...new Set(own.map((b) => b.Owner))], [OTHER_ACCOUNT]);
    assert.ok(!own.some((b) => b.BundleId === BUNDLES.ACCOUNT_STANDARD));
    const publicBundles = (await theirs.send(new DescribeWorkspaceBundlesCommand({ Owner: "AMAZON" }))).Bundles!;
    assert.ok(
      publicBundles.some((b) => b.BundleId === BUNDLES.VALUE),
      "the region's public bundles are everyone's",
    );
    const directories = (await theirs.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories!;
    assert.deepEqual(
      directories.map((d) => d.DirectoryId),
      h.emulator
        .worldOf(OTHER_ACCOUNT, "us-east-1")
        .directories.describe({})
        .Directories!.map((d) => d.DirectoryId),
    );
  });

  it("refuses a malformed role ARN, session name or duration with AWS's ValidationError", async () => {
    const sts = stsClient();
    const assume = (RoleArn: string, RoleSessionName: string, DurationSeconds?: number) =>
      sts.send(new AssumeRoleCommand({ RoleArn, RoleSessionName, DurationSeconds }));
    for (const arn of [
      "arn:aws:iam::2109876543:role/WorkSpacesReader",
      "arn:aws:iam::210987654321:user/WorkSpacesReader",
      "arn:aws:sts::210987654321:role/WorkSpacesReader",
      "arn:aws:iam:us-east-1:210987654321:role/WorkSpacesReader",
      "arn:aws:iam::210987654321:role/",
    ]) {
      await stsError(assume(arn, "tests"), "ValidationError", 400, "Request ARN is invalid");
    }
    await stsError(
      assume(READER_ROLE, "tests!"),
      "ValidationError",
      400,
      "1 validation error detected: Value 'tests!' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    await stsError(assume(READER_ROLE, "x".repeat(65)), "ValidationError", 400, /Member must have length less than or equal to 64/);
    await stsError(
      assume(READER_ROLE, "tests", 899),
      "ValidationError",
      400,
      "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    );
    await stsError(assume(READER_ROLE, "tests", 43_201), "ValidationError", 400, /Member must have value less than or equal to 43200/);
    await stsError(
      assume("arn:aws:iam::1:role", "tests", 100),
      "ValidationError",
      400,
      /^2 validation errors detected: Value 'arn:aws:iam::1:role' at 'roleArn' .*length greater than or equal to 20; Value '100' at 'durationSeconds'/,
    );
    await assume(READER_ROLE, "tests", 43_200);
  });

  it("refuses a role whose name starts with Deny: AccessDenied, as a role that does not trust the caller", async () => {
    const denied = `arn:aws:iam::${OTHER_ACCOUNT}:role/DenyWorkSpaces`;
    await stsError(
      stsClient().send(new AssumeRoleCommand({ RoleArn: denied, RoleSessionName: "tests" })),
      "AccessDenied",
      403,
      `User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: ${denied}`,
    );
  });

  it("limits role chaining to an hour, as AWS does", async () => {
    const credentials = await assumeRole(h);
    const chained = stsClient({ credentials });
    const next = `arn:aws:iam::333333333333:role/Next`;
    await stsError(
      chained.send(new AssumeRoleCommand({ RoleArn: next, RoleSessionName: "chain", DurationSeconds: 3_601 })),
      "ValidationError",
      400,
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
    const result = await chained.send(new AssumeRoleCommand({ RoleArn: next, RoleSessionName: "chain" }));
    assert.equal(result.AssumedRoleUser!.Arn, "arn:aws:sts::333333333333:assumed-role/Next/chain");
  });

  it("refuses temporary keys once expired, on the emulator's clock", async () => {
    const credentials = await assumeRole(h, READER_ROLE, "short", 900);
    const theirs = h.newClient({ credentials, maxAttempts: 1 });
    h.advance(899_999);
    await theirs.send(new DescribeWorkspacesCommand({}));
    h.advance(1);
    await expectAwsError(
      theirs.send(new DescribeWorkspacesCommand({})),
      "ExpiredTokenException",
      /^The security token included in the request is expired$/,
    );
    await stsError(stsClient({ credentials }).send(new GetCallerIdentityCommand({})), "ExpiredToken", 400);
  });

  it("refuses a session token the emulator did not issue, or one that is not the key's", async () => {
    const issued = await assumeRole(h);
    for (const credentials of [
      { accessKeyId: "test", secretAccessKey: "test", sessionToken: "forged" },
      { ...issued, sessionToken: "forged" },
      { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey },
    ]) {
      await expectAwsError(
        h.newClient({ credentials, maxAttempts: 1 }).send(new DescribeWorkspacesCommand({})),
        "UnrecognizedClientException",
        /^The security token included in the request is invalid\.$/,
      );
      await stsError(stsClient({ credentials }).send(new GetCallerIdentityCommand({})), "InvalidClientTokenId", 403);
    }
  });
});

describe("fromTemporaryCredentials and fromIni through the emulator's STS", () => {
  let h: Harness;
  before(async () => {
    // The credential provider refreshes keys by the wall clock, so this emulator keeps the wall clock too.
    h = await startHarness({ workspaces: 10, regions: ["us-east-1", "eu-west-1"], clock: Date.now });
  });
  after(() => h.close());

  it("assumes the role once, and a WorkSpaces client in eu-west-1 sees that account's partition there", async () => {
    h.emulator.resetStats();
    const credentials = fromTemporaryCredentials({
      params: { RoleArn: READER_ROLE, RoleSessionName: "fleet" },
      masterCredentials: CLIENT_CONFIG.credentials,
      clientConfig: { region: "us-east-1", endpoint: h.emulator.url },
    });
    const client = h.newClient({ region: "eu-west-1", credentials });
    const world = h.emulator.worldOf(OTHER_ACCOUNT, "eu-west-1");
    const directories = (await client.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories!;
    assert.deepEqual(
      directories.map((d) => d.DirectoryId),
      world.directories.describe({}).Directories!.map((d) => d.DirectoryId),
    );
    const workspaces = (await client.send(new DescribeWorkspacesCommand({}))).Workspaces!;
    assert.deepEqual(
      workspaces.map((w) => w.WorkspaceId),
      world.workspaces.describe({}).Workspaces!.map((w) => w.WorkspaceId),
    );
    const bundles = (await client.send(new DescribeWorkspaceBundlesCommand({}))).Bundles!;
    assert.deepEqual([...new Set(bundles.map((b) => b.Owner))], [OTHER_ACCOUNT]);
    // The busiest second depends on how fast the three calls came; the counts do not.
    const { busiestSecond, ...counts } = h.emulator.stats();
    assert.deepEqual(Object.keys(busiestSecond), [`${OTHER_ACCOUNT}/eu-west-1`]);
    assert.deepEqual(counts, {
      requests: { AssumeRole: 1, DescribeWorkspaceDirectories: 1, DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 },
      partitions: {
        "123456789012/us-east-1": { AssumeRole: 1 },
        [`${OTHER_ACCOUNT}/eu-west-1`]: { DescribeWorkspaceDirectories: 1, DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 },
      },
    });
  });

  it("fromIni assumes a profile's role at AWS_ENDPOINT_URL_STS", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emulator-sts-"));
    writeFileSync(join(dir, "config"), `[profile fleet]\nrole_arn = ${READER_ROLE}\nsource_profile = base\nregion = us-east-1\n`);
    writeFileSync(join(dir, "credentials"), "[base]\naws_access_key_id = test\naws_secret_access_key = test\n");
    process.env.AWS_ENDPOINT_URL_STS = h.emulator.url;
    try {
      const credentials = fromIni({ profile: "fleet", filepath: join(dir, "credentials"), configFilepath: join(dir, "config") });
      const bundles = (await h.newClient({ region: "eu-west-1", credentials }).send(new DescribeWorkspaceBundlesCommand({}))).Bundles!;
      assert.deepEqual([...new Set(bundles.map((b) => b.Owner))], [OTHER_ACCOUNT]);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_STS;
      rmSync(dir, { recursive: true });
    }
  });

  it("a role that cannot be assumed fails the WorkSpaces call with AccessDenied", async () => {
    const credentials = fromTemporaryCredentials({
      params: { RoleArn: `arn:aws:iam::${OTHER_ACCOUNT}:role/DenyEverything`, RoleSessionName: "fleet" },
      masterCredentials: CLIENT_CONFIG.credentials,
      clientConfig: { region: "us-east-1", endpoint: h.emulator.url, maxAttempts: 1 },
    });
    const client = h.newClient({ region: "eu-west-1", credentials, maxAttempts: 1 });
    await assert.rejects(client.send(new DescribeWorkspacesCommand({})), { name: "AccessDenied" });
  });
});

describe("STS on the wire (AWS Query protocol)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 0 });
  });
  after(() => h.close());

  const post = async (form: string) => {
    const response = await fetch(`${h.emulator.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body: form,
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      id: response.headers.get("x-amzn-requestid"),
      body: await response.text(),
    };
  };

  it("answers AssumeRole in AWS's XML, its request ID in the body and the header", async () => {
    const form = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(READER_ROLE)}&RoleSessionName=wire`;
    const { status, type, id, body } = await post(form);
    assert.equal(status, 200);
    assert.equal(type, "text/xml");
    assert.match(id!, /^[0-9a-f-]{36}$/);
    assert.match(
      body,
      new RegExp(
        `^<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult>` +
          "<Credentials><AccessKeyId>ASIA[A-Z2-7]{16}</AccessKeyId><SecretAccessKey>[A-Za-z0-9+/]{40}</SecretAccessKey>" +
          "<SessionToken>[A-Za-z0-9+/=]+</SessionToken><Expiration>2025-01-01T01:00:00Z</Expiration></Credentials>" +
          "<AssumedRoleUser><AssumedRoleId>AROA[A-Z2-7]{17}:wire</AssumedRoleId>" +
          `<Arn>arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/WorkSpacesReader/wire</Arn></AssumedRoleUser>` +
          `</AssumeRoleResult><ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></AssumeRoleResponse>$`,
      ),
    );
  });

  it("answers GetCallerIdentity", async () => {
    const { status, id, body } = await post("Action=GetCallerIdentity&Version=2011-06-15");
    assert.equal(status, 200);
    assert.equal(
      body,
      `<GetCallerIdentityResponse xmlns="${NAMESPACE}"><GetCallerIdentityResult><UserId>123456789012</UserId>` +
        "<Account>123456789012</Account><Arn>arn:aws:iam::123456789012:root</Arn></GetCallerIdentityResult>" +
        `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  });

  it("answers errors in AWS's XML error format", async () => {
    const role = `arn:aws:iam::${OTHER_ACCOUNT}:role/DenyAll`;
    const { status, type, id, body } = await post(`Action=AssumeRole&Version=2011-06-15&RoleArn=${role}&RoleSessionName=wire`);
    assert.equal(status, 403);
    assert.equal(type, "text/xml");
    assert.equal(
      body,
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>AccessDenied</Code>` +
        `<Message>User: arn:aws:iam::123456789012:root is not authorized to perform: sts:AssumeRole on resource: ${role}</Message>` +
        `</Error><RequestId>${id}</RequestId></ErrorResponse>`,
    );
  });

  it("answers an unknown action or version with InvalidAction, its text escaped", async () => {
    const unknown = await post("Action=GetSessionToken&Version=2011-06-15");
    assert.equal(unknown.status, 400);
    assert.match(
      unknown.body,
      /<Code>InvalidAction<\/Code><Message>Could not find operation GetSessionToken for version 2011-06-15<\/Message>/,
    );
    const version = await post(`Action=GetCallerIdentity&Version=${encodeURIComponent("<1>&'\"")}`);
    assert.match(version.body, /<Message>Could not find operation GetCallerIdentity for version &lt;1&gt;&amp;&apos;&quot;<\/Message>/);
    assert.match((await post("")).body, /<Code>InvalidAction<\/Code>/);
  });

  it("counts STS actions in the stats, in all and under the caller's partition", async () => {
    h.emulator.resetStats();
    await post("Action=GetCallerIdentity&Version=2011-06-15");
    await post("Action=Nothing&Version=2011-06-15");
    assert.deepEqual(h.emulator.stats(), {
      requests: { GetCallerIdentity: 1, Nothing: 1 },
      partitions: { "123456789012/us-east-1": { GetCallerIdentity: 1, Nothing: 1 } },
      busiestSecond: {},
    });
  });
});
