// DescribeWorkspaceBundles and DescribeWorkspaceDirectories through the real SDK.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DescribeWorkspaceDirectoriesRequest, WorkspaceBundle, WorkspaceDirectory } from "@aws-sdk/client-workspaces";
import {
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  InvalidParameterValuesException,
  paginateDescribeWorkspaceBundles,
  paginateDescribeWorkspaceDirectories,
} from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DESIGN_DIRECTORY, DIRECTORIES, expectAwsError, startHarness, UNKNOWN_BUNDLE, UNKNOWN_DIRECTORY } from "./fixture.ts";

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
  assert.match(bundle.ImageId!, /^wsi-[0-9a-z]{9,63}$/);
  assert.equal(bundle.State, "AVAILABLE");
  assert.equal(bundle.BundleType, "REGULAR");
  // Timestamps reach the SDK as Dates (AWS JSON sends epoch seconds).
  assert.ok(bundle.CreationTime instanceof Date && bundle.LastUpdatedTime instanceof Date);
  assert.ok(bundle.CreationTime <= bundle.LastUpdatedTime);
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

/** What a console shows of every directory. */
function assertDirectoryMembers(directory: WorkspaceDirectory) {
  assert.match(directory.DirectoryId!, /^(d-[0-9a-f]{10}|wsd-[0-9a-z]{9})$/);
  for (const member of [
    "Alias",
    "RegistrationCode",
    "DirectoryType",
    "WorkspaceSecurityGroupId",
    "IamRoleId",
    "Tenancy",
    "WorkspaceDirectoryName",
    "UserIdentityType",
    "WorkspaceType",
    "EndpointEncryptionMode",
  ] as const) {
    assert.equal(typeof directory[member], "string", `${directory.DirectoryId} lacks ${member}`);
  }
  assert.equal(directory.State, "REGISTERED");
  assert.equal(directory.SubnetIds!.length, 2);
  assert.ok(directory.SubnetIds!.every((s) => /^subnet-[0-9a-f]{17}$/.test(s)));
  assert.match(directory.WorkspaceSecurityGroupId!, /^sg-[0-9a-f]{17}$/);
  assert.equal(typeof directory.WorkspaceCreationProperties!.EnableInternetAccess, "boolean");
  assert.equal(typeof directory.WorkspaceCreationProperties!.EnableMaintenanceMode, "boolean");
  assert.equal(typeof directory.WorkspaceCreationProperties!.UserEnabledAsLocalAdministrator, "boolean");
  assert.equal(Object.keys(directory.WorkspaceAccessProperties!).length, 9);
  assert.equal(Object.keys(directory.SelfservicePermissions!).length, 5);
  assert.equal(directory.SamlProperties!.Status, "DISABLED");
  assert.equal(directory.CertificateBasedAuthProperties!.Status, "DISABLED");
  assert.ok(Array.isArray(directory.ipGroupIds));
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
        [DESIGN_DIRECTORY, undefined, "AWS_IAM_IDENTITY_CENTER"],
      ],
    );
    result.Directories!.forEach(assertDirectoryMembers);
    const [corp, eng, design] = result.Directories!;
    // Active Directory ones: the AD's name, its admin, its DNS servers; corp's subnets are dual-stack.
    assert.deepEqual(
      [corp!.CustomerUserName, corp!.WorkspaceDirectoryName, corp!.UserIdentityType, corp!.DnsIpv6Addresses!.length],
      ["Administrator", "corp.example.com", "AWS_DIRECTORY_SERVICE", 2],
    );
    assert.equal(corp!.WorkspaceCreationProperties!.DefaultOu, "OU=WorkSpaces,DC=corp,DC=example,DC=com");
    assert.equal(eng!.SelfservicePermissions!.ChangeComputeType, "ENABLED");
    assert.equal(corp!.SelfservicePermissions!.ChangeComputeType, "DISABLED");
    // The WorkSpaces directory: its users from IAM Identity Center.
    assert.equal(design!.WorkspaceDirectoryName, "Design studio");
    assert.equal(design!.UserIdentityType, "AWS_IAM_IDENTITY_CENTER");
    assert.match(design!.IDCConfig!.InstanceArn!, /^arn:aws:sso:::instance\//);
    assert.match(design!.WorkspaceCreationProperties!.InstanceIamRoleArn!, /^arn:aws:iam::123456789012:role\//);
  });

  it("accepts a wsd- DirectoryId, as the model's pattern does", async () => {
    const result = await h.client.send(new DescribeWorkspaceDirectoriesCommand({ DirectoryIds: [DESIGN_DIRECTORY] }));
    assert.deepEqual(
      result.Directories!.map((d) => d.DirectoryId),
      [DESIGN_DIRECTORY],
    );
    await expectAwsError(
      h.client.send(new DescribeWorkspaceDirectoriesCommand({ DirectoryIds: ["wsd-UPPER1234"] })),
      InvalidParameterValuesException,
      /DirectoryIds\[0\]: must match/,
    );
  });

  it("WorkspaceDirectoryNames and Filters narrow the answer, together and with DirectoryIds", async () => {
    const ids = async (input: DescribeWorkspaceDirectoriesRequest) =>
      (await h.client.send(new DescribeWorkspaceDirectoriesCommand(input))).Directories!.map((d) => d.DirectoryId);
    assert.deepEqual(await ids({ WorkspaceDirectoryNames: ["eng.example.com", "Design studio"] }), [DIRECTORIES.eng, DESIGN_DIRECTORY]);
    assert.deepEqual(await ids({ Filters: [{ Name: "USER_IDENTITY_TYPE", Values: ["AWS_DIRECTORY_SERVICE"] }] }), [
      DIRECTORIES.corp,
      DIRECTORIES.eng,
    ]);
    assert.deepEqual(await ids({ Filters: [{ Name: "WORKSPACE_TYPE", Values: ["POOLS"] }] }), []);
    assert.deepEqual(
      await ids({
        WorkspaceDirectoryNames: ["corp.example.com", "Design studio"],
        Filters: [{ Name: "USER_IDENTITY_TYPE", Values: ["AWS_IAM_IDENTITY_CENTER"] }],
      }),
      [DESIGN_DIRECTORY],
    );
    assert.deepEqual(await ids({ DirectoryIds: [DIRECTORIES.corp, DIRECTORIES.eng], WorkspaceDirectoryNames: ["eng.example.com"] }), [
      DIRECTORIES.eng,
    ]);
    // A filtered listing pages too, its token tied to its filters.
    const first = await h.client.send(
      new DescribeWorkspaceDirectoriesCommand({ Limit: 1, Filters: [{ Name: "WORKSPACE_TYPE", Values: ["PERSONAL"] }] }),
    );
    assert.deepEqual(
      first.Directories!.map((d) => d.DirectoryId),
      [DIRECTORIES.corp],
    );
    await expectAwsError(
      h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1, NextToken: first.NextToken })),
      InvalidParameterValuesException,
      /NextToken is not valid/,
    );
  });

  const refusals: [string, DescribeWorkspaceDirectoriesRequest, RegExp][] = [
    [
      "an unknown filter name",
      { Filters: [{ Name: "STATE" as never, Values: ["x"] }] },
      /^Filters\[0\]\.Name: must be one of USER_IDENTITY_TYPE/,
    ],
    ["a filter without values", { Filters: [{ Name: "WORKSPACE_TYPE", Values: [] }] }, /^Filters\[0\]\.Values: must hold 1 to 25 items/],
    [
      "a filter value with a space",
      { Filters: [{ Name: "WORKSPACE_TYPE", Values: ["PER SONAL"] }] },
      /^Filters\[0\]\.Values\[0\]: must match/,
    ],
    [
      "26 filters",
      { Filters: Array.from({ length: 26 }, () => ({ Name: "WORKSPACE_TYPE" as const, Values: ["POOLS"] })) },
      /^Filters: must hold 1 to 25/,
    ],
    ["an empty WorkspaceDirectoryNames", { WorkspaceDirectoryNames: [] }, /^WorkspaceDirectoryNames: must hold 1 to 25/],
    ["a WorkspaceDirectoryName starting with a dot", { WorkspaceDirectoryNames: [".corp"] }, /^WorkspaceDirectoryNames\[0\]: must match/],
  ];
  for (const [name, input, message] of refusals) {
    it(`refuses ${name}`, async () => {
      await expectAwsError(h.client.send(new DescribeWorkspaceDirectoriesCommand(input)), InvalidParameterValuesException, message);
    });
  }

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
    assert.deepEqual(
      third.Directories!.map((d) => d.DirectoryId),
      [DESIGN_DIRECTORY],
    );
    const fourth = await h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1, NextToken: third.NextToken }));
    assert.deepEqual(fourth.Directories, []);
    assert.equal(fourth.NextToken, undefined);
  });

  it("the paginator visits each directory exactly once", async () => {
    const seen: string[] = [];
    for await (const page of paginateDescribeWorkspaceDirectories({ client: h.client, pageSize: 1 }, {})) {
      seen.push(...page.Directories!.map((d) => d.DirectoryId!));
    }
    assert.deepEqual(seen, [DIRECTORIES.corp, DIRECTORIES.eng, DESIGN_DIRECTORY]);
  });
});
