// Every rule of src/constraints.ts that refuses a whole call, as the SDK surfaces it: InvalidParameterValuesException.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type {
  DescribeWorkspaceBundlesRequest,
  DescribeWorkspaceDirectoriesRequest,
  DescribeWorkspacesRequest,
  ModifyWorkspacePropertiesRequest,
  Tag,
  WorkspaceRequest,
} from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  DescribeWorkspacesCommand,
  InvalidParameterValuesException,
  ModifyWorkspacePropertiesCommand,
  WorkSpacesServiceException,
} from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, startHarness, UNKNOWN_WORKSPACE } from "./fixture.ts";

let h: Harness;
before(async () => {
  h = await startHarness({ workspaces: 10 });
});
after(() => h.close());

const refused = async (call: Promise<unknown>, message: RegExp) => {
  const error = await expectAwsError(call, InvalidParameterValuesException, message);
  assert.ok(error instanceof WorkSpacesServiceException);
};

const wsIds = (n: number) => Array.from({ length: n }, (_, i) => `ws-${String(i).padStart(9, "0")}`);
const hex = (n: number) => "a".repeat(n);

describe("DescribeWorkspaces: refused inputs", () => {
  const cases: [string, DescribeWorkspacesRequest, RegExp][] = [
    ["WorkspaceIds empty", { WorkspaceIds: [] }, /^WorkspaceIds: must hold 1 to 25 items/],
    ["26 WorkspaceIds", { WorkspaceIds: wsIds(26) }, /^WorkspaceIds: must hold 1 to 25 items/],
    ["a WorkspaceId in upper case", { WorkspaceIds: ["ws-ABCDEFGH1"] }, /^WorkspaceIds\[0\]: must match/],
    ["a WorkspaceId too short", { WorkspaceIds: ["ws-1234567"] }, /^WorkspaceIds\[0\]: must match/],
    ["a WorkspaceId without its prefix", { WorkspaceIds: [wsIds(1)[0]!, "abcdefghij"] }, /^WorkspaceIds\[1\]: must match/],
    ["a WorkspaceId too long", { WorkspaceIds: [`ws-${"a".repeat(64)}`] }, /^WorkspaceIds\[0\]: must match/],
    ["a DirectoryId too short", { DirectoryId: "d-1234567" }, /^DirectoryId: must be 10 to 65 characters long/],
    ["a DirectoryId too long", { DirectoryId: `d-${hex(64)}` }, /^DirectoryId: must be 10 to 65 characters long/],
    ["a DirectoryId not in hex", { DirectoryId: "d-zzzzzzzzzz" }, /^DirectoryId: must match/],
    ["a DirectoryId without its prefix", { DirectoryId: "906734e2f1ab" }, /^DirectoryId: must match/],
    ["an empty UserName", { DirectoryId: DIRECTORIES.corp, UserName: "" }, /^UserName: must be 1 to 63 characters long/],
    ["a UserName of 64 characters", { DirectoryId: DIRECTORIES.corp, UserName: "u".repeat(64) }, /^UserName: must be 1 to 63/],
    ["UserName without DirectoryId", { UserName: "user000001" }, /^UserName: can only be given with DirectoryId/],
    ["a BundleId in upper case", { BundleId: "wsb-CLJ85QZJ1" }, /^BundleId: must match/],
    ["a BundleId too short", { BundleId: "wsb-1234567" }, /^BundleId: must match/],
    [
      "WorkspaceIds and DirectoryId",
      { WorkspaceIds: wsIds(1), DirectoryId: DIRECTORIES.corp },
      /only one of WorkspaceIds, DirectoryId, BundleId and WorkspaceName/,
    ],
    ["DirectoryId and BundleId", { DirectoryId: DIRECTORIES.corp, BundleId: BUNDLES.VALUE }, /only one of/],
    ["WorkspaceIds and BundleId", { WorkspaceIds: wsIds(1), BundleId: BUNDLES.VALUE }, /only one of/],
    ["Limit 0", { Limit: 0 }, /^Limit: must be an integer from 1 to 25/],
    ["Limit 26", { Limit: 26 }, /^Limit: must be an integer from 1 to 25/],
    ["Limit -1", { Limit: -1 }, /^Limit: must be an integer from 1 to 25/],
    ["an empty NextToken", { NextToken: "" }, /^NextToken: must be 1 to 2048 characters long/],
    ["a NextToken of 2049 characters", { NextToken: "t".repeat(2049) }, /^NextToken: must be 1 to 2048 characters long/],
  ];
  for (const [name, input, message] of cases) {
    it(`refuses ${name}`, () => refused(h.client.send(new DescribeWorkspacesCommand(input)), message));
  }

  it("accepts the boundaries", async () => {
    const accepted: [DescribeWorkspacesRequest, number][] = [
      [{ Limit: 1 }, 1],
      [{ Limit: 25 }, 10],
      [{ WorkspaceIds: wsIds(25) }, 0],
      [{ WorkspaceIds: [`ws-${"a".repeat(63)}`] }, 0],
      [{ DirectoryId: `d-${hex(8)}` }, 0],
      [{ DirectoryId: `d-${hex(63)}` }, 0],
      [{ DirectoryId: DIRECTORIES.corp, UserName: "u" }, 0],
      [{ DirectoryId: DIRECTORIES.corp, UserName: "u".repeat(63) }, 0],
      [{ BundleId: `wsb-${"0".repeat(63)}` }, 0],
    ];
    for (const [input, count] of accepted) {
      const result = await h.client.send(new DescribeWorkspacesCommand(input));
      assert.equal(result.Workspaces!.length, count, JSON.stringify(input));
    }
  });

  it("a NextToken of 2048 characters passes the length rule, then fails as not a token", async () => {
    await refused(h.client.send(new DescribeWorkspacesCommand({ NextToken: "t".repeat(2048) })), /NextToken is not valid/);
  });
});

describe("DescribeWorkspaceBundles: refused inputs", () => {
  const cases: [string, DescribeWorkspaceBundlesRequest, RegExp][] = [
    ["BundleIds with Owner", { BundleIds: [BUNDLES.VALUE], Owner: "AMAZON" }, /^BundleIds: BundleIds and Owner cannot both be given/],
    ["BundleIds empty", { BundleIds: [] }, /^BundleIds: must hold 1 to 25 items/],
    ["26 BundleIds", { BundleIds: Array.from({ length: 26 }, (_, i) => `wsb-${String(i).padStart(8, "0")}`) }, /must hold 1 to 25/],
    ["a malformed BundleId", { BundleIds: [BUNDLES.VALUE, "bundle-1"] }, /^BundleIds\[1\]: must match/],
    ["an empty NextToken", { NextToken: "" }, /^NextToken: must be 1 to 2048/],
    ["a NextToken of 2049 characters", { NextToken: "t".repeat(2049) }, /^NextToken: must be 1 to 2048/],
  ];
  for (const [name, input, message] of cases) {
    it(`refuses ${name}`, () => refused(h.client.send(new DescribeWorkspaceBundlesCommand(input)), message));
  }

  it("accepts 25 BundleIds", async () => {
    const ids = [...Object.values(BUNDLES), ...Array.from({ length: 15 }, (_, i) => `wsb-${String(i).padStart(8, "0")}`)];
    assert.equal(ids.length, 25);
    const result = await h.client.send(new DescribeWorkspaceBundlesCommand({ BundleIds: ids }));
    assert.equal(result.Bundles!.length, 10);
  });
});

describe("DescribeWorkspaceDirectories: refused inputs", () => {
  const cases: [string, DescribeWorkspaceDirectoriesRequest, RegExp][] = [
    ["DirectoryIds empty", { DirectoryIds: [] }, /^DirectoryIds: must hold 1 to 25 items/],
    ["26 DirectoryIds", { DirectoryIds: Array.from({ length: 26 }, () => DIRECTORIES.corp) }, /^DirectoryIds: must hold 1 to 25/],
    ["a DirectoryId too short", { DirectoryIds: [DIRECTORIES.corp, "d-1"] }, /^DirectoryIds\[1\]: must be 10 to 65 characters/],
    ["a DirectoryId not in hex", { DirectoryIds: ["d-ghijklmnop"] }, /^DirectoryIds\[0\]: must match/],
    ["Limit 0", { Limit: 0 }, /^Limit: must be an integer from 1 to 25/],
    ["Limit 26", { Limit: 26 }, /^Limit: must be an integer from 1 to 25/],
    ["an empty NextToken", { NextToken: "" }, /^NextToken: must be 1 to 2048/],
  ];
  for (const [name, input, message] of cases) {
    it(`refuses ${name}`, () => refused(h.client.send(new DescribeWorkspaceDirectoriesCommand(input)), message));
  }
});

describe("CreateWorkspaces: refused calls", () => {
  const item = (overrides: Partial<WorkspaceRequest> = {}): WorkspaceRequest => ({
    DirectoryId: DIRECTORIES.corp,
    UserName: "validation-user",
    BundleId: BUNDLES.VALUE,
    ...overrides,
  });
  const tags = (n: number): Tag[] => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
  const cases: [string, WorkspaceRequest[], RegExp][] = [
    ["no workspaces", [], /^Workspaces: must hold 1 to 25 items/],
    ["26 workspaces", Array.from({ length: 26 }, (_, i) => item({ UserName: `batch${i}` })), /^Workspaces: must hold 1 to 25 items/],
    ["a malformed DirectoryId", [item(), item({ DirectoryId: "d-XYZ0000000" })], /^Workspaces\[1\]\.DirectoryId: must match/],
    ["a short DirectoryId", [item({ DirectoryId: "d-12" })], /^Workspaces\[0\]\.DirectoryId: must be 10 to 65/],
    ["a missing DirectoryId", [item({ DirectoryId: undefined })], /^Workspaces\[0\]\.DirectoryId: must be 10 to 65/],
    ["an empty UserName", [item({ UserName: "" })], /^Workspaces\[0\]\.UserName: must be 1 to 63/],
    ["a UserName of 64 characters", [item({ UserName: "u".repeat(64) })], /^Workspaces\[0\]\.UserName: must be 1 to 63/],
    ["a missing UserName", [item({ UserName: undefined })], /^Workspaces\[0\]\.UserName: must be 1 to 63/],
    ["a malformed BundleId", [item({ BundleId: "wsb-short" })], /^Workspaces\[0\]\.BundleId: must match/],
    ["an empty tag key", [item({ Tags: [{ Key: "", Value: "v" }] })], /^Workspaces\[0\]\.Tags\[0\]\.Key: must be 1 to 127/],
    [
      "a tag key of 128 characters",
      [
        item({
          Tags: [
            { Key: "team", Value: "a" },
            { Key: "k".repeat(128), Value: "v" },
          ],
        }),
      ],
      /^Workspaces\[0\]\.Tags\[1\]\.Key: must be 1 to 127/,
    ],
    [
      "a tag value of 256 characters",
      [item({ Tags: [{ Key: "k", Value: "v".repeat(256) }] })],
      /^Workspaces\[0\]\.Tags\[0\]\.Value: must be 0 to 255/,
    ],
    ["51 tags", [item({ Tags: tags(51) })], /^Workspaces\[0\]\.Tags: must hold 0 to 50 items/],
  ];
  for (const [name, workspaces, message] of cases) {
    it(`refuses the whole call for ${name}`, async () => {
      const size = h.emulator.world.workspaces.size;
      await refused(h.client.send(new CreateWorkspacesCommand({ Workspaces: workspaces })), message);
      assert.equal(h.emulator.world.workspaces.size, size, "a refused call must create nothing");
    });
  }

  it("accepts the boundaries: 25 workspaces, 50 tags, 127-character keys, 255-character and empty values, 63-character names", async () => {
    const workspaces = Array.from({ length: 25 }, (_, i) => item({ UserName: `boundary${i}` }));
    workspaces[0] = item({ UserName: "b".repeat(63), Tags: tags(50) });
    workspaces[1] = item({
      UserName: "boundary-tags",
      Tags: [{ Key: "k".repeat(127), Value: "v".repeat(255) }, { Key: "empty", Value: "" }, { Key: "novalue" }],
    });
    const result = await h.client.send(new CreateWorkspacesCommand({ Workspaces: workspaces }));
    assert.deepEqual(result.FailedRequests, []);
    assert.equal(result.PendingRequests!.length, 25);
  });
});

describe("ModifyWorkspaceProperties: refused calls", () => {
  const cases: [string, ModifyWorkspacePropertiesRequest, RegExp][] = [
    [
      "a malformed WorkspaceId",
      { WorkspaceId: "ws-UPPER1234", WorkspaceProperties: { RunningMode: "ALWAYS_ON" } },
      /^WorkspaceId: must match/,
    ],
    ["a missing WorkspaceId", { WorkspaceId: undefined, WorkspaceProperties: { RunningMode: "ALWAYS_ON" } }, /^WorkspaceId: must match/],
    ["no WorkspaceProperties", { WorkspaceId: UNKNOWN_WORKSPACE }, /^WorkspaceProperties: is required/],
    [
      "compute and volume together",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { ComputeTypeName: "STANDARD", RootVolumeSizeGib: 175 } },
      /ComputeTypeName and volume sizes cannot be changed in the same call/,
    ],
    [
      "compute and user volume together",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { ComputeTypeName: "POWER", UserVolumeSizeGib: 100 } },
      /ComputeTypeName and volume sizes/,
    ],
    [
      "a zero root volume",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RootVolumeSizeGib: 0 } },
      /^WorkspaceProperties\.RootVolumeSizeGib: must be a positive integer/,
    ],
    [
      "a negative user volume",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { UserVolumeSizeGib: -10 } },
      /^WorkspaceProperties\.UserVolumeSizeGib: must be a positive integer/,
    ],
    [
      "root 80 with user 20",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RootVolumeSizeGib: 80, UserVolumeSizeGib: 20 } },
      /root and user volume sizes must be 80 with 10, 50 or 100/,
    ],
    [
      "root 90 with user 100 (no compute type has it)",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RootVolumeSizeGib: 90, UserVolumeSizeGib: 100 } },
      /root and user volume sizes/,
    ],
    [
      "root 175 with user 50",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RootVolumeSizeGib: 175, UserVolumeSizeGib: 50 } },
      /root and user volume sizes/,
    ],
    [
      "root 2001 with user 100",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RootVolumeSizeGib: 2001, UserVolumeSizeGib: 100 } },
      /root and user volume sizes/,
    ],
    [
      "an auto-stop timeout with ALWAYS_ON",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RunningMode: "ALWAYS_ON", RunningModeAutoStopTimeoutInMinutes: 60 } },
      /^WorkspaceProperties\.RunningModeAutoStopTimeoutInMinutes: only applies with RunningMode AUTO_STOP/,
    ],
    [
      "an auto-stop timeout with MANUAL",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RunningMode: "MANUAL", RunningModeAutoStopTimeoutInMinutes: 60 } },
      /only applies with RunningMode AUTO_STOP/,
    ],
    [
      "an auto-stop timeout of 90 minutes",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 90 } },
      /must be a positive multiple of 60 minutes/,
    ],
    [
      "an auto-stop timeout of 0 minutes",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 0 } },
      /must be a positive multiple of 60 minutes/,
    ],
    [
      "a negative auto-stop timeout",
      { WorkspaceId: UNKNOWN_WORKSPACE, WorkspaceProperties: { RunningModeAutoStopTimeoutInMinutes: -60 } },
      /must be a positive multiple of 60 minutes/,
    ],
  ];
  for (const [name, input, message] of cases) {
    // An unknown workspace would be ResourceNotFoundException: these are refused before the workspace is looked up.
    it(`refuses ${name}`, () => refused(h.client.send(new ModifyWorkspacePropertiesCommand(input)), message));
  }
});

describe("enum members: refused values", () => {
  it("refuses a RunningMode or ComputeTypeName the model does not declare", async () => {
    const request = { DirectoryId: DIRECTORIES.corp, UserName: "enum-check", BundleId: BUNDLES.STANDARD };
    await refused(
      h.client.send(
        new CreateWorkspacesCommand({
          Workspaces: [{ ...request, WorkspaceProperties: { RunningMode: "SOMETIMES" as never } }],
        }),
      ),
      /^Workspaces\[0\]\.WorkspaceProperties\.RunningMode: must be one of /,
    );
    await refused(
      h.client.send(
        new ModifyWorkspacePropertiesCommand({
          WorkspaceId: UNKNOWN_WORKSPACE,
          WorkspaceProperties: { ComputeTypeName: "QUANTUM" as never },
        }),
      ),
      /^WorkspaceProperties\.ComputeTypeName: must be one of /,
    );
  });
});
