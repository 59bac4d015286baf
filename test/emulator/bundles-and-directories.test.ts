// DescribeWorkspaceBundles and DescribeWorkspaceDirectories through the real SDK.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { WorkspaceBundle, WorkspaceDirectory } from "@aws-sdk/client-workspaces";
import {
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  InvalidParameterValuesException,
  paginateDescribeWorkspaceBundles,
  paginateDescribeWorkspaceDirectories,
} from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, startHarness, UNKNOWN_BUNDLE, UNKNOWN_DIRECTORY } from "./fixture.ts";

let h: Harness;
before(async () => {
  h = await startHarness({ workspaces: 5 });
});
after(() => h.close());

const COMPUTE_TYPES = ["VALUE", "STANDARD", "PERFORMANCE", "POWER", "POWERPRO", "GRAPHICS", "GRAPHICSPRO"];

function assertBundleMembers(bundle: WorkspaceBundle) {
  assert.match(bundle.BundleId!, /^wsb-[0-9a-z]{8,63}$/);
  for (const member of ["Name", "Owner", "Description"] as const) {
    assert.equal(typeof bundle[member], "string", `${bundle.BundleId} lacks ${member}`);
    assert.ok(bundle[member]!.length > 0);
  }
  assert.match(bundle.RootStorage!.Capacity!, /^\d+$/);
  assert.match(bundle.UserStorage!.Capacity!, /^\d+$/);
  assert.ok(COMPUTE_TYPES.includes(bundle.ComputeType!.Name!), bundle.ComputeType!.Name);
}

describe("DescribeWorkspaceBundles", () => {
  it("Owner AMAZON lists the public bundles, covering every compute type", async () => {
    const result = await h.client.send(new DescribeWorkspaceBundlesCommand({ Owner: "AMAZON" }));
    const bundles = result.Bundles!;
    assert.equal(result.NextToken, undefined);
    assert.equal(bundles.length, 12);
    for (const bundle of bundles) {
      assertBundleMembers(bundle);
      assert.equal(bundle.Owner, "AMAZON");
    }
    assert.deepEqual([...new Set(bundles.map((b) => b.ComputeType!.Name))].sort(), [...COMPUTE_TYPES].sort());
    // Each compute type's bundle carries the storage AWS publishes for it.
    const byId = new Map(bundles.map((b) => [b.BundleId, b]));
    const storage = (id: string) => [
      byId.get(id)!.ComputeType!.Name,
      byId.get(id)!.RootStorage!.Capacity,
      byId.get(id)!.UserStorage!.Capacity,
    ];
    assert.deepEqual(storage(BUNDLES.VALUE), ["VALUE", "80", "10"]);
    assert.deepEqual(storage(BUNDLES.STANDARD), ["STANDARD", "80", "50"]);
    assert.deepEqual(storage(BUNDLES.PERFORMANCE), ["PERFORMANCE", "80", "100"]);
    assert.deepEqual(storage(BUNDLES.POWER), ["POWER", "175", "100"]);
    assert.deepEqual(storage(BUNDLES.POWERPRO), ["POWERPRO", "175", "100"]);
    assert.deepEqual(storage(BUNDLES.GRAPHICS), ["GRAPHICS", "100", "100"]);
    assert.deepEqual(storage(BUNDLES.GRAPHICSPRO), ["GRAPHICSPRO", "100", "100"]);
  });

  it("no Owner lists the account's own bundles", async () => {
    const result = await h.client.send(new DescribeWorkspaceBundlesCommand({}));
    assert.equal(result.NextToken, undefined);
    assert.deepEqual(
      result.Bundles!.map((b) => b.BundleId),
      [BUNDLES.ACCOUNT_STANDARD, BUNDLES.ACCOUNT_POWERPRO, BUNDLES.ACCOUNT_GRAPHICSPRO],
    );
    for (const bundle of result.Bundles!) {
      assertBundleMembers(bundle);
      assert.equal(bundle.Owner, "123456789012");
    }
  });

  it("BundleIds answers those bundles, public or the account's, once each, skipping unknown ones", async () => {
    const result = await h.client.send(
      new DescribeWorkspaceBundlesCommand({
        BundleIds: [BUNDLES.POWERPRO, UNKNOWN_BUNDLE, BUNDLES.ACCOUNT_GRAPHICSPRO, BUNDLES.POWERPRO],
      }),
    );
    assert.deepEqual(
      result.Bundles!.map((b) => [b.BundleId, b.Owner, b.ComputeType!.Name]),
      [
        [BUNDLES.POWERPRO, "AMAZON", "POWERPRO"],
        [BUNDLES.ACCOUNT_GRAPHICSPRO, "123456789012", "GRAPHICSPRO"],
      ],
    );
    assert.equal(result.NextToken, undefined);
  });

  it("an Owner other than AMAZON is refused", async () => {
    await expectAwsError(
      h.client.send(new DescribeWorkspaceBundlesCommand({ Owner: "123456789012" })),
      InvalidParameterValuesException,
      /Owner/,
    );
  });

  it("the paginator lists the public bundles once", async () => {
    const seen: string[] = [];
    for await (const page of paginateDescribeWorkspaceBundles({ client: h.client }, { Owner: "AMAZON" })) {
      seen.push(...page.Bundles!.map((b) => b.BundleId!));
    }
    assert.equal(seen.length, 12);
    assert.equal(new Set(seen).size, 12);
  });

  it("a token of another listing is refused", async () => {
    const directories = await h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1 }));
    await expectAwsError(
      h.client.send(new DescribeWorkspaceBundlesCommand({ Owner: "AMAZON", NextToken: directories.NextToken })),
      InvalidParameterValuesException,
      /NextToken is not valid/,
    );
  });
});

function assertDirectoryMembers(directory: WorkspaceDirectory) {
  assert.match(directory.DirectoryId!, /^d-[0-9a-f]{10}$/);
  for (const member of [
    "Alias",
    "DirectoryName",
    "RegistrationCode",
    "CustomerUserName",
    "DirectoryType",
    "WorkspaceSecurityGroupId",
  ] as const) {
    assert.equal(typeof directory[member], "string", `${directory.DirectoryId} lacks ${member}`);
  }
  assert.equal(directory.State, "REGISTERED");
  assert.equal(directory.SubnetIds!.length, 2);
  assert.ok(directory.SubnetIds!.every((s) => /^subnet-[0-9a-f]{17}$/.test(s)));
  assert.equal(directory.DnsIpAddresses!.length, 2);
  assert.match(directory.WorkspaceSecurityGroupId!, /^sg-[0-9a-f]{17}$/);
}

describe("DescribeWorkspaceDirectories", () => {
  it("lists the registered directories with all their members", async () => {
    const result = await h.client.send(new DescribeWorkspaceDirectoriesCommand({}));
    assert.equal(result.NextToken, undefined);
    assert.deepEqual(
      result.Directories!.map((d) => [d.DirectoryId, d.DirectoryName, d.DirectoryType]),
      [
        [DIRECTORIES.corp, "corp.example.com", "AD_CONNECTOR"],
        [DIRECTORIES.eng, "eng.example.com", "SIMPLE_AD"],
      ],
    );
    result.Directories!.forEach(assertDirectoryMembers);
  });

  it("DirectoryIds answers those directories, skipping unknown ones", async () => {
    const result = await h.client.send(
      new DescribeWorkspaceDirectoriesCommand({ DirectoryIds: [DIRECTORIES.eng, UNKNOWN_DIRECTORY, DIRECTORIES.eng] }),
    );
    assert.deepEqual(
      result.Directories!.map((d) => d.DirectoryId),
      [DIRECTORIES.eng],
    );
  });

  it("Limit 1 pages through them with NextToken", async () => {
    const first = await h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1 }));
    assert.deepEqual(
      first.Directories!.map((d) => d.DirectoryId),
      [DIRECTORIES.corp],
    );
    const second = await h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1, NextToken: first.NextToken }));
    assert.deepEqual(
      second.Directories!.map((d) => d.DirectoryId),
      [DIRECTORIES.eng],
    );
    const third = await h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1, NextToken: second.NextToken }));
    assert.deepEqual(third.Directories, []);
    assert.equal(third.NextToken, undefined);
  });

  it("the paginator visits each directory exactly once", async () => {
    const seen: string[] = [];
    for await (const page of paginateDescribeWorkspaceDirectories({ client: h.client, pageSize: 1 }, {})) {
      seen.push(...page.Directories!.map((d) => d.DirectoryId!));
    }
    assert.deepEqual(seen, [DIRECTORIES.corp, DIRECTORIES.eng]);
  });
});
