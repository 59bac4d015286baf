// Partitions: every account and region has a world of its own, reached by the region a request is signed for and
// the account its access key belongs to, through the real SDK.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { WorkSpacesClient, Workspace } from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  DescribeWorkspacesCommand,
  InvalidParameterValuesException,
  paginateDescribeWorkspaces,
} from "@aws-sdk/client-workspaces";
import { DEFAULT_ACCOUNT_ID } from "../../src/emulator/index.ts";
import type { Harness } from "./fixture.ts";
import { assumeRole, BUNDLES, DESIGN_DIRECTORY, DIRECTORIES, expectAwsError, OTHER_ACCOUNT, rawCall, startHarness } from "./fixture.ts";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const DEFAULT = `${DEFAULT_ACCOUNT_ID}/us-east-1`;

async function listWorkspaces(client: WorkSpacesClient): Promise<Workspace[]> {
  const all: Workspace[] = [];
  for await (const page of paginateDescribeWorkspaces({ client }, {})) all.push(...page.Workspaces!);
  return all;
}

/** The IDs a client sees: directories, public and account bundles, workspaces. */
async function idsSeenBy(client: WorkSpacesClient) {
  const directories = (await client.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories!;
  const publicBundles = (await client.send(new DescribeWorkspaceBundlesCommand({ Owner: "AMAZON" }))).Bundles!;
  const accountBundles = (await client.send(new DescribeWorkspaceBundlesCommand({}))).Bundles!;
  const workspaces = await listWorkspaces(client);
  return {
    directories: directories.map((d) => d.DirectoryId!),
    publicBundles: publicBundles.map((b) => b.BundleId!),
    accountBundles: accountBundles.map((b) => b.BundleId!),
    owners: [...new Set(accountBundles.map((b) => b.Owner))],
    workspaces: workspaces.map((w) => w.WorkspaceId!),
    named: workspaces.map((w) => [w.BundleId!, w.DirectoryId!] as const),
  };
}

const shared = (a: string[], b: string[]) => a.filter((id) => b.includes(id));

describe("regions", () => {
  let h: Harness;
  let eu: WorkSpacesClient;
  before(async () => {
    h = await startHarness({ workspaces: 30, regions: REGIONS });
    eu = h.newClient({ region: "eu-west-1" });
  });
  after(() => h.close());

  it("the first region, with a key the emulator did not issue, is the default partition: the seed's own IDs", async () => {
    const ids = await idsSeenBy(h.client);
    assert.deepEqual(ids.directories, [DIRECTORIES.corp, DIRECTORIES.eng, DESIGN_DIRECTORY]);
    assert.deepEqual(ids.accountBundles, [BUNDLES.ACCOUNT_STANDARD, BUNDLES.ACCOUNT_POWERPRO, BUNDLES.ACCOUNT_GRAPHICSPRO]);
    assert.deepEqual(ids.owners, ["123456789012"]);
    assert.ok(ids.publicBundles.includes(BUNDLES.VALUE));
    assert.equal(ids.workspaces.length, 30);
    assert.equal(h.emulator.world.workspaces.size, 30);
  });

  it("another region holds the same kinds of things under IDs of its own", async () => {
    const [east, west] = [await idsSeenBy(h.client), await idsSeenBy(eu)];
    assert.equal(west.directories.length, 3);
    assert.equal(west.publicBundles.length, 12);
    assert.equal(west.accountBundles.length, 3);
    assert.equal(west.workspaces.length, 30);
    assert.deepEqual(west.owners, ["123456789012"], "the same account owns its bundles in every region");
    for (const kind of ["directories", "publicBundles", "accountBundles", "workspaces"] as const) {
      assert.deepEqual(shared(east[kind], west[kind]), [], `${kind} shared between regions`);
    }
    for (const id of west.directories) assert.match(id, /^(d-[0-9a-f]{10}|wsd-[0-9a-z]{9})$/);
    for (const id of [...west.publicBundles, ...west.accountBundles]) assert.match(id, /^wsb-[0-9a-z]{9}$/);
    for (const id of west.workspaces) assert.match(id, /^ws-[0-9a-z]{9}$/);
    // Each workspace names its own region's bundle and directory.
    for (const [bundle, directory] of west.named) {
      assert.ok([...west.publicBundles, ...west.accountBundles].includes(bundle), bundle);
      assert.ok(west.directories.includes(directory), directory);
    }
    const [corp] = (await eu.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories!;
    assert.equal(corp!.DirectoryName, "corp.example.com");
    assert.notEqual(corp!.SubnetIds![0], "subnet-0a1b2c3d4e5f60001");
  });

  it("derives a partition's IDs from its account and region, so every run agrees; the seed changes only workspaces", async () => {
    const again = await startHarness({ workspaces: 30, regions: REGIONS });
    const reseeded = await startHarness({ workspaces: 30, regions: REGIONS, seed: 2 });
    try {
      const west = await idsSeenBy(eu);
      assert.deepEqual(await idsSeenBy(again.newClient({ region: "eu-west-1" })), west);
      const other = await idsSeenBy(reseeded.newClient({ region: "eu-west-1" }));
      assert.deepEqual(other.directories, west.directories);
      assert.deepEqual(other.accountBundles, west.accountBundles);
      assert.deepEqual(shared(other.workspaces, west.workspaces), []);
    } finally {
      await again.close();
      await reseeded.close();
    }
  });

  it("public bundles are the region's, the same for every account; its own bundles and directories are the account's", async () => {
    const credentials = await assumeRole(h);
    const [mine, theirs] = [await idsSeenBy(eu), await idsSeenBy(h.newClient({ region: "eu-west-1", credentials }))];
    assert.deepEqual(theirs.publicBundles, mine.publicBundles);
    assert.deepEqual(theirs.owners, [OTHER_ACCOUNT]);
    assert.deepEqual(shared(theirs.accountBundles, mine.accountBundles), []);
    assert.deepEqual(shared(theirs.directories, mine.directories), []);
    assert.deepEqual(shared(theirs.workspaces, mine.workspaces), []);
  });

  it("a workspace created in one partition shows in that partition only", async () => {
    const world = h.emulator.worldOf("123456789012", "eu-west-1");
    const [directory] = (await eu.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories!;
    const created = await eu.send(
      new CreateWorkspacesCommand({
        Workspaces: [
          { DirectoryId: directory!.DirectoryId, UserName: "only-in-eu", BundleId: world.bundles.describe({}).Bundles![0]!.BundleId },
        ],
      }),
    );
    const id = created.PendingRequests![0]!.WorkspaceId!;
    h.advance(h.emulator.settings.visibilityLagMs);
    assert.equal((await eu.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }))).Workspaces!.length, 1);
    assert.equal((await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }))).Workspaces!.length, 0);
    const sydney = h.newClient({ region: "ap-southeast-2" });
    assert.equal((await sydney.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }))).Workspaces!.length, 0);
    assert.equal(world.workspaces.size, 31);
    assert.equal(h.emulator.world.workspaces.size, 30);
    // The other region's directory is unknown here, as on AWS.
    const elsewhere = await h.client.send(
      new CreateWorkspacesCommand({
        Workspaces: [{ DirectoryId: directory!.DirectoryId, UserName: "only-in-eu", BundleId: BUNDLES.VALUE }],
      }),
    );
    assert.equal(elsewhere.FailedRequests![0]!.ErrorCode, "ResourceNotFound.Directory");
  });

  it("a NextToken pages only the partition that issued it", async () => {
    const first = await eu.send(new DescribeWorkspacesCommand({ Limit: 5 }));
    const token = first.NextToken!;
    for (const client of [h.client, h.newClient({ region: "ap-southeast-2" })]) {
      await expectAwsError(
        client.send(new DescribeWorkspacesCommand({ Limit: 5, NextToken: token })),
        InvalidParameterValuesException,
        /The specified NextToken is not valid/,
      );
    }
    const second = await eu.send(new DescribeWorkspacesCommand({ Limit: 5, NextToken: token }));
    assert.equal(second.Workspaces!.length, 5);
    assert.deepEqual(
      shared(
        first.Workspaces!.map((w) => w.WorkspaceId!),
        second.Workspaces!.map((w) => w.WorkspaceId!),
      ),
      [],
    );
  });

  it("a region not served is refused as AWS refuses a request signed for another region than the endpoint's", async () => {
    const frankfurt = h.newClient({ region: "eu-central-1", maxAttempts: 1 });
    await expectAwsError(
      frankfurt.send(new DescribeWorkspacesCommand({})),
      "InvalidSignatureException",
      /^Credential should be scoped to a valid region, not 'eu-central-1'\. $/,
    );
  });

  it("an unsigned request (curl) reaches the default partition", async () => {
    const response = await rawCall(h.emulator.url, "WorkspacesService.DescribeWorkspaceDirectories", "{}");
    assert.deepEqual(
      response.body.Directories.map((d: { DirectoryId: string }) => d.DirectoryId),
      [DIRECTORIES.corp, DIRECTORIES.eng, DESIGN_DIRECTORY],
    );
  });

  it("worldOf refuses a region not served", () => {
    assert.throws(() => h.emulator.worldOf("123456789012", "eu-central-1"), /does not serve region eu-central-1/);
  });
});

describe("throttle rates per region and per partition", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 5, regions: ["us-east-1", "eu-west-1"], throttleRates: { "eu-west-1": 1 } });
  });
  after(() => h.close());

  it("throttles the region named, and no other", async () => {
    h.emulator.resetStats();
    const eu = h.newClient({ region: "eu-west-1", maxAttempts: 1 });
    await expectAwsError(eu.send(new DescribeWorkspacesCommand({})), "ThrottlingException", /Rate exceeded/);
    assert.equal((await h.client.send(new DescribeWorkspacesCommand({}))).Workspaces!.length, 5);
    assert.deepEqual(h.emulator.stats().partitions, {
      "123456789012/eu-west-1": { DescribeWorkspaces: 1 },
      [DEFAULT]: { DescribeWorkspaces: 1 },
    });
  });

  it("throttles every account in the region; a partition's own rate wins over its region's and the global one, live", async () => {
    const credentials = await assumeRole(h);
    const theirs = h.newClient({ region: "eu-west-1", credentials, maxAttempts: 1 });
    await expectAwsError(theirs.send(new DescribeWorkspacesCommand({})), "ThrottlingException");
    h.emulator.settings.throttleRates[`${OTHER_ACCOUNT}/eu-west-1`] = 0;
    h.emulator.settings.throttleRate = 1;
    try {
      assert.equal((await theirs.send(new DescribeWorkspacesCommand({}))).Workspaces!.length, 5);
      const mine = h.newClient({ region: "eu-west-1", maxAttempts: 1 });
      await expectAwsError(mine.send(new DescribeWorkspacesCommand({})), "ThrottlingException");
      await expectAwsError(h.newClient({ maxAttempts: 1 }).send(new DescribeWorkspacesCommand({})), "ThrottlingException");
    } finally {
      h.emulator.settings.throttleRate = 0;
      delete h.emulator.settings.throttleRates[`${OTHER_ACCOUNT}/eu-west-1`];
    }
  });

  it("refuses at start a throttle rate for a region it does not serve", async () => {
    await assert.rejects(startHarness({ throttleRates: { "eu-west-1": 1 } }), /eu-west-1 is not among the regions served \(us-east-1\)/);
  });
});

describe("stats by partition", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ workspaces: 5, regions: ["us-east-1", "eu-west-1"] });
  });
  after(() => h.close());

  it("counts each request in all and under the caller's account and region; reset zeroes both", async () => {
    const credentials = await assumeRole(h);
    h.emulator.resetStats();
    await h.client.send(new DescribeWorkspacesCommand({}));
    await h.newClient({ region: "eu-west-1" }).send(new DescribeWorkspacesCommand({}));
    const theirs = h.newClient({ region: "eu-west-1", credentials });
    await theirs.send(new DescribeWorkspacesCommand({}));
    await theirs.send(new DescribeWorkspaceBundlesCommand({}));
    await expectAwsError(
      h.newClient({ region: "sa-east-1", maxAttempts: 1 }).send(new DescribeWorkspacesCommand({})),
      "InvalidSignatureException",
    );
    await assumeRole(h);
    const expected = {
      requests: { DescribeWorkspaces: 4, DescribeWorkspaceBundles: 1, AssumeRole: 1 },
      partitions: {
        [DEFAULT]: { DescribeWorkspaces: 1, AssumeRole: 1 },
        "123456789012/eu-west-1": { DescribeWorkspaces: 1 },
        [`${OTHER_ACCOUNT}/eu-west-1`]: { DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 },
        // A region the emulator does not serve is counted as asked, so a test sees where a client went.
        "123456789012/sa-east-1": { DescribeWorkspaces: 1 },
      },
    };
    const { busiestSecond, ...counts } = h.emulator.stats();
    assert.deepEqual(counts, expected);
    // Of WorkSpaces calls only; their timing is tested with the counter itself.
    assert.deepEqual(Object.keys(busiestSecond).sort(), Object.keys(expected.partitions).sort());
    assert.deepEqual(await (await fetch(`${h.emulator.url}/_emulator/stats`)).json(), h.emulator.stats());
    const reset = await fetch(`${h.emulator.url}/_emulator/reset-stats`, { method: "POST" });
    assert.deepEqual(await reset.json(), { requests: {}, partitions: {}, busiestSecond: {} });
    assert.deepEqual(h.emulator.stats(), { requests: {}, partitions: {}, busiestSecond: {} });
  });
});
