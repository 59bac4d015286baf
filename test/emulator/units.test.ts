// The pure functions: src/constraints.ts, src/emulator/pagination.ts and settings parsing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { WorkspaceRequest } from "@aws-sdk/client-workspaces";
import type { Violation } from "../../src/constraints.ts";
import {
  BUNDLE_ID_PATTERN,
  checkBundleId,
  checkDirectoryId,
  checkModificationAgainst,
  checkNextToken,
  checkUserName,
  checkWorkspaceId,
  checkWorkspaceRequestRules,
  checkWorkspaceRequestShape,
  DIRECTORY_ID_PATTERN,
  FAILED_REQUEST_CODES,
  isAllowedVolumeCombination,
  isGraphicsCompute,
  isUnsupportedComputeChange,
  NEXT_TOKEN_TTL_MS,
  validateCreateWorkspaces,
  validateDescribeWorkspaceBundles,
  validateDescribeWorkspaceDirectories,
  validateDescribeWorkspaces,
  validateModifyWorkspaceProperties,
  WORKSPACE_ID_PATTERN,
} from "../../src/constraints.ts";
import { AwsError } from "../../src/emulator/aws-error.ts";
import { decodeNextToken, encodeNextToken, pageOf } from "../../src/emulator/pagination.ts";
import { DEFAULT_SETTINGS, parseSettings } from "../../src/emulator/settings.ts";

const rules = (violations: Violation[]) => violations.map((v) => [v.field, v.rule]);
const T = Date.UTC(2025, 5, 1);

describe("constraints: identifiers", () => {
  it("WorkspaceId is ws- and 8 to 63 lower-case letters or digits", () => {
    for (const ok of ["ws-abcdefgh", "ws-01234567z", `ws-${"a".repeat(63)}`]) assert.ok(WORKSPACE_ID_PATTERN.test(ok), ok);
    for (const bad of [
      "ws-abcdefg",
      `ws-${"a".repeat(64)}`,
      "ws-ABCDEFGH",
      "ws_abcdefgh",
      "wsb-abcdefgh",
      " ws-abcdefgh",
      "ws-abcd-efgh",
    ]) {
      assert.ok(!WORKSPACE_ID_PATTERN.test(bad), bad);
    }
    assert.deepEqual(checkWorkspaceId("ws-abcdefgh"), []);
    assert.deepEqual(rules(checkWorkspaceId(42)), [["WorkspaceId", "pattern"]]);
    assert.deepEqual(rules(checkWorkspaceId(undefined, "WorkspaceIds[3]")), [["WorkspaceIds[3]", "pattern"]]);
  });

  it("BundleId is wsb- and 8 to 63 lower-case letters or digits", () => {
    assert.ok(BUNDLE_ID_PATTERN.test("wsb-clj85qzj1"));
    assert.ok(!BUNDLE_ID_PATTERN.test("wsb-clj85qz"));
    assert.ok(!BUNDLE_ID_PATTERN.test("ws-clj85qzj1"));
    assert.deepEqual(checkBundleId("wsb-00000000"), []);
    assert.deepEqual(rules(checkBundleId("wsb-0000000")), [["BundleId", "pattern"]]);
  });

  it("DirectoryId is 10 to 65 characters, d- and hex; the length is checked first", () => {
    assert.ok(DIRECTORY_ID_PATTERN.test("d-906734e2f1"));
    assert.ok(!DIRECTORY_ID_PATTERN.test("d-906734E2F1"));
    assert.deepEqual(checkDirectoryId("d-12345678"), []);
    assert.deepEqual(checkDirectoryId(`d-${"f".repeat(63)}`), []);
    assert.deepEqual(rules(checkDirectoryId("d-1234567")), [["DirectoryId", "length"]]);
    assert.deepEqual(rules(checkDirectoryId(`d-${"f".repeat(64)}`)), [["DirectoryId", "length"]]);
    assert.deepEqual(rules(checkDirectoryId("d-gggggggg")), [["DirectoryId", "pattern"]]);
    assert.deepEqual(rules(checkDirectoryId(undefined)), [["DirectoryId", "length"]]);
  });

  it("UserName is 1 to 63 characters, counted as code points", () => {
    assert.deepEqual(checkUserName("a"), []);
    assert.deepEqual(checkUserName("a".repeat(63)), []);
    assert.deepEqual(checkUserName("😀".repeat(63)), []);
    assert.deepEqual(rules(checkUserName("")), [["UserName", "length"]]);
    assert.deepEqual(rules(checkUserName("a".repeat(64))), [["UserName", "length"]]);
  });

  it("NextToken is absent or 1 to 2048 characters", () => {
    assert.deepEqual(checkNextToken(undefined), []);
    assert.deepEqual(checkNextToken("x".repeat(2048)), []);
    assert.deepEqual(rules(checkNextToken("")), [["NextToken", "length"]]);
    assert.deepEqual(rules(checkNextToken("x".repeat(2049))), [["NextToken", "length"]]);
  });

  it("every violation carries a message naming its field, and AWS's code", () => {
    const [v] = checkWorkspaceId("nope", "Workspaces[2].WorkspaceId");
    assert.equal(v!.message, "Workspaces[2].WorkspaceId: must match ^ws-[0-9a-z]{8,63}$");
    assert.equal(v!.code, "InvalidParameterValuesException");
  });
});

describe("constraints: request validation", () => {
  it("DescribeWorkspaces: one filter, UserName with DirectoryId, Limit 1..25, ID lists 1..25", () => {
    assert.deepEqual(validateDescribeWorkspaces({}), []);
    assert.deepEqual(validateDescribeWorkspaces({ DirectoryId: "d-906734e2f1", UserName: "alice", Limit: 25 }), []);
    assert.deepEqual(rules(validateDescribeWorkspaces({ DirectoryId: "d-906734e2f1", BundleId: "wsb-clj85qzj1" })), [
      ["WorkspaceIds", "oneFilter"],
    ]);
    assert.deepEqual(rules(validateDescribeWorkspaces({ UserName: "alice" })), [["UserName", "requires"]]);
    assert.deepEqual(rules(validateDescribeWorkspaces({ Limit: 0 })), [["Limit", "range"]]);
    assert.deepEqual(rules(validateDescribeWorkspaces({ Limit: 26 })), [["Limit", "range"]]);
    assert.deepEqual(rules(validateDescribeWorkspaces({ Limit: 2.5 })), [["Limit", "range"]]);
    assert.deepEqual(rules(validateDescribeWorkspaces({ WorkspaceIds: [] })), [["WorkspaceIds", "listSize"]]);
    assert.deepEqual(rules(validateDescribeWorkspaces({ WorkspaceIds: ["ws-abcdefgh", "bad"] })), [["WorkspaceIds[1]", "pattern"]]);
    // Every violation is reported, in a stable order.
    assert.deepEqual(rules(validateDescribeWorkspaces({ WorkspaceIds: ["bad"], BundleId: "bad", UserName: "", Limit: 0, NextToken: "" })), [
      ["WorkspaceIds", "oneFilter"],
      ["UserName", "requires"],
      ["WorkspaceIds[0]", "pattern"],
      ["UserName", "length"],
      ["BundleId", "pattern"],
      ["Limit", "range"],
      ["NextToken", "length"],
    ]);
  });

  it("DescribeWorkspaceBundles: BundleIds or Owner, not both", () => {
    assert.deepEqual(validateDescribeWorkspaceBundles({ Owner: "AMAZON" }), []);
    assert.deepEqual(validateDescribeWorkspaceBundles({ BundleIds: ["wsb-clj85qzj1"] }), []);
    assert.deepEqual(rules(validateDescribeWorkspaceBundles({ BundleIds: ["wsb-clj85qzj1"], Owner: "AMAZON" })), [
      ["BundleIds", "oneFilter"],
    ]);
    assert.deepEqual(rules(validateDescribeWorkspaceBundles({ BundleIds: new Array(26).fill("wsb-clj85qzj1") })), [
      ["BundleIds", "listSize"],
    ]);
  });

  it("DescribeWorkspaceDirectories: DirectoryIds 1..25, Limit 1..25", () => {
    assert.deepEqual(validateDescribeWorkspaceDirectories({ DirectoryIds: ["d-906734e2f1"], Limit: 1 }), []);
    assert.deepEqual(rules(validateDescribeWorkspaceDirectories({ DirectoryIds: [], Limit: 26 })), [
      ["DirectoryIds", "listSize"],
      ["Limit", "range"],
    ]);
  });

  const item = { DirectoryId: "d-906734e2f1", UserName: "alice", BundleId: "wsb-clj85qzj1" };

  it("CreateWorkspaces: 1..25 items, each well formed, tags 0..50 with key 1..127 and value 0..255", () => {
    assert.deepEqual(validateCreateWorkspaces([item]), []);
    assert.deepEqual(rules(validateCreateWorkspaces([])), [["Workspaces", "listSize"]]);
    assert.deepEqual(rules(validateCreateWorkspaces(new Array(26).fill(item))), [["Workspaces", "listSize"]]);
    assert.deepEqual(rules(checkWorkspaceRequestShape({} as WorkspaceRequest, "Workspaces[0]")), [
      ["Workspaces[0].DirectoryId", "length"],
      ["Workspaces[0].UserName", "length"],
      ["Workspaces[0].BundleId", "pattern"],
    ]);
    assert.deepEqual(checkWorkspaceRequestShape({ ...item, Tags: [{ Key: "k".repeat(127), Value: "" }, { Key: "x" }] }, "W"), []);
    assert.deepEqual(rules(checkWorkspaceRequestShape({ ...item, Tags: [{ Key: "", Value: "v".repeat(256) }] }, "W")), [
      ["W.Tags[0].Key", "length"],
      ["W.Tags[0].Value", "length"],
    ]);
    assert.deepEqual(rules(checkWorkspaceRequestShape({ ...item, Tags: new Array(51).fill({ Key: "k" }) }, "W")), [["W.Tags", "listSize"]]);
  });

  it("CreateWorkspaces item rules carry the codes AWS answers in FailedRequests", () => {
    const codes = (request: object) => checkWorkspaceRequestRules({ ...item, ...request }, "W").map((v) => v.code);
    assert.deepEqual(codes({}), []);
    assert.deepEqual(codes({ WorkspaceProperties: { RunningModeAutoStopTimeoutInMinutes: 60 } }), [
      FAILED_REQUEST_CODES.autoStopWithAlwaysOn,
    ]);
    assert.deepEqual(codes({ WorkspaceProperties: { RunningMode: "ALWAYS_ON", RunningModeAutoStopTimeoutInMinutes: 60 } }), [
      "AutoStopTimeoutIsNotApplicableForAnAlwaysOnWorkspace",
    ]);
    assert.deepEqual(codes({ WorkspaceProperties: { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 60 } }), []);
    assert.deepEqual(codes({ WorkspaceProperties: { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 61 } }), [
      "InvalidParameterValuesException",
    ]);
    assert.deepEqual(codes({ WorkspaceProperties: { RunningMode: "MANUAL", RunningModeAutoStopTimeoutInMinutes: 60 } }), [
      "InvalidParameterValuesException",
    ]);
    assert.deepEqual(codes({ RootVolumeEncryptionEnabled: true }), ["InvalidParameterValues.VolumeEncryptionKey"]);
    assert.deepEqual(codes({ UserVolumeEncryptionEnabled: true, VolumeEncryptionKey: "alias/aws/workspaces" }), []);
    assert.deepEqual(codes({ RootVolumeEncryptionEnabled: false, UserVolumeEncryptionEnabled: false }), []);
  });

  it("ModifyWorkspaceProperties: properties required, compute or volume, positive sizes, allowed combinations, auto-stop", () => {
    const check = (WorkspaceProperties?: object) =>
      rules(validateModifyWorkspaceProperties({ WorkspaceId: "ws-abcdefgh", WorkspaceProperties }));
    assert.deepEqual(check(undefined), [["WorkspaceProperties", "required"]]);
    // AWS answers InvalidParameterValuesException for properties that change nothing.
    assert.deepEqual(check({}), [["WorkspaceProperties", "empty"]]);
    assert.deepEqual(check({ ComputeTypeName: "POWER", RootVolumeSizeGib: 175 }), [["WorkspaceProperties", "computeOrVolume"]]);
    assert.deepEqual(check({ RootVolumeSizeGib: 0 }), [["WorkspaceProperties.RootVolumeSizeGib", "range"]]);
    assert.deepEqual(check({ RootVolumeSizeGib: 80, UserVolumeSizeGib: 20 }), [["WorkspaceProperties", "volumeCombination"]]);
    assert.deepEqual(check({ RootVolumeSizeGib: 80, UserVolumeSizeGib: 50 }), []);
    assert.deepEqual(check({ RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 120 }), []);
    assert.deepEqual(check({ RunningModeAutoStopTimeoutInMinutes: 30 }), [
      ["WorkspaceProperties.RunningModeAutoStopTimeoutInMinutes", "increment"],
    ]);
    assert.deepEqual(check({ RunningMode: "ALWAYS_ON", RunningModeAutoStopTimeoutInMinutes: 60 }), [
      ["WorkspaceProperties.RunningModeAutoStopTimeoutInMinutes", "autoStopOnlyWithAutoStop"],
    ]);
    assert.deepEqual(rules(validateModifyWorkspaceProperties({ WorkspaceId: "x", WorkspaceProperties: { RunningMode: "AUTO_STOP" } })), [
      ["WorkspaceId", "pattern"],
    ]);
    // DataReplication alone is a change; the model makes WorkspaceProperties optional for it.
    assert.deepEqual(rules(validateModifyWorkspaceProperties({ WorkspaceId: "ws-abcdefgh", DataReplication: "NO_REPLICATION" })), []);
    assert.deepEqual(rules(validateModifyWorkspaceProperties({ WorkspaceId: "ws-abcdefgh", DataReplication: "SOMETIMES" as never })), [
      ["DataReplication", "enum"],
    ]);
  });
});

describe("constraints: against the workspace's current properties", () => {
  const value = { RunningMode: "ALWAYS_ON", RootVolumeSizeGib: 80, UserVolumeSizeGib: 10, ComputeTypeName: "VALUE" } as const;
  const power = {
    RunningMode: "AUTO_STOP",
    RunningModeAutoStopTimeoutInMinutes: 60,
    RootVolumeSizeGib: 175,
    UserVolumeSizeGib: 100,
  } as const;

  it("volumes only grow, into allowed combinations", () => {
    assert.deepEqual(checkModificationAgainst(value, { UserVolumeSizeGib: 50 }), []);
    // Not both at once (the admin guide): user to 100 first, then root.
    assert.deepEqual(rules(checkModificationAgainst(value, { RootVolumeSizeGib: 175, UserVolumeSizeGib: 100 })), [
      ["WorkspaceProperties", "oneVolume"],
    ]);
    assert.deepEqual(
      checkModificationAgainst({ ...value, UserVolumeSizeGib: 100 }, { RootVolumeSizeGib: 175, UserVolumeSizeGib: 100 }),
      [],
    );
    assert.deepEqual(rules(checkModificationAgainst(value, { RootVolumeSizeGib: 175 })), [["WorkspaceProperties", "volumeCombination"]]);
    assert.deepEqual(rules(checkModificationAgainst(power, { UserVolumeSizeGib: 50 })), [["WorkspaceProperties", "noShrink"]]);
    assert.deepEqual(rules(checkModificationAgainst(power, { RootVolumeSizeGib: 80 })), [["WorkspaceProperties", "noShrink"]]);
    assert.deepEqual(checkModificationAgainst(power, { RootVolumeSizeGib: 2000 }), []);
  });

  it("the auto-stop timeout follows the running mode the workspace will have", () => {
    assert.deepEqual(rules(checkModificationAgainst(value, { RunningModeAutoStopTimeoutInMinutes: 60 })), [
      ["WorkspaceProperties.RunningModeAutoStopTimeoutInMinutes", "autoStopOnlyWithAutoStop"],
    ]);
    assert.deepEqual(checkModificationAgainst(power, { RunningModeAutoStopTimeoutInMinutes: 120 }), []);
    assert.deepEqual(checkModificationAgainst(value, { RunningMode: "AUTO_STOP", RunningModeAutoStopTimeoutInMinutes: 120 }), []);
  });

  it("allowed root/user combinations: 80 with 10, 50 or 100; 175 to 2000 with 100 to 2000", () => {
    const allowed: [number, number][] = [
      [80, 10],
      [80, 50],
      [80, 100],
      [175, 100],
      [175, 2000],
      [2000, 100],
      [2000, 2000],
      [500, 750],
    ];
    const refused: [number, number][] = [
      [80, 20],
      [80, 175],
      [100, 100],
      [174, 100],
      [175, 99],
      [2001, 100],
      [175, 2001],
      [80, 0],
    ];
    for (const [root, user] of allowed) assert.ok(isAllowedVolumeCombination(root, user, "VALUE"), `${root}/${user}`);
    for (const [root, user] of refused) assert.ok(!isAllowedVolumeCombination(root, user, "POWERPRO"), `${root}/${user}`);
    // Graphics and GraphicsPro: 100 to 2000 each; without a compute type, either family.
    assert.ok(isAllowedVolumeCombination(100, 100, "GRAPHICS"));
    assert.ok(isAllowedVolumeCombination(150, 300, "GRAPHICSPRO"));
    assert.ok(!isAllowedVolumeCombination(80, 10, "GRAPHICS"));
    assert.ok(!isAllowedVolumeCombination(100, 99, "GRAPHICSPRO"));
    assert.ok(isAllowedVolumeCombination(100, 100));
    assert.ok(isAllowedVolumeCombination(80, 10));
    assert.ok(!isAllowedVolumeCombination(90, 100));
  });

  it("graphics compute types neither change nor are changed into", () => {
    assert.ok(isGraphicsCompute("GRAPHICS"));
    assert.ok(isGraphicsCompute("GRAPHICSPRO"));
    assert.ok(isGraphicsCompute("GRAPHICS_G4DN"));
    assert.ok(!isGraphicsCompute("POWERPRO"));
    assert.equal(isUnsupportedComputeChange("POWER", "POWERPRO"), false);
    assert.equal(isUnsupportedComputeChange("VALUE", "STANDARD"), false);
    assert.equal(isUnsupportedComputeChange("GRAPHICS", "GRAPHICS"), false);
    assert.equal(isUnsupportedComputeChange("GRAPHICS", undefined), false);
    assert.equal(isUnsupportedComputeChange("GRAPHICS", "VALUE"), true);
    assert.equal(isUnsupportedComputeChange("STANDARD", "GRAPHICSPRO"), true);
    assert.equal(isUnsupportedComputeChange("GRAPHICSPRO", "GRAPHICS"), true);
  });
});

describe("pagination", () => {
  const awsErrorOf = (fn: () => unknown): AwsError => {
    try {
      fn();
    } catch (error) {
      assert.ok(error instanceof AwsError);
      return error;
    }
    return assert.fail("expected an AwsError");
  };

  it("a token round-trips its position within its listing", () => {
    const token = encodeNextToken("directory:d-906734e2f1", 41, T);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.equal(decodeNextToken(token, "directory:d-906734e2f1", T), 41);
    assert.equal(decodeNextToken(token, "directory:d-906734e2f1", T + NEXT_TOKEN_TTL_MS), 41);
  });

  it("a token is refused for another listing, when garbled, and once expired", () => {
    const token = encodeNextToken("all", 3, T);
    const foreign = awsErrorOf(() => decodeNextToken(token, "bundle:wsb-clj85qzj1", T));
    assert.deepEqual(
      [foreign.type, foreign.status, foreign.message],
      ["InvalidParameterValuesException", 400, "The specified NextToken is not valid."],
    );
    for (const garbled of ["%%%", "e30", Buffer.from('{"l":"all","s":1}').toString("base64url"), token.slice(0, -3)]) {
      assert.equal(awsErrorOf(() => decodeNextToken(garbled, "all", T)).message, "The specified NextToken is not valid.", garbled);
    }
    const expired = awsErrorOf(() => decodeNextToken(token, "all", T + NEXT_TOKEN_TTL_MS + 1));
    assert.deepEqual([expired.type, expired.message], ["InvalidParameterValuesException", "The specified NextToken has expired."]);
    assert.equal(NEXT_TOKEN_TTL_MS, 86_400_000);
  });

  // A filtered listing: sequence numbers with gaps, as the items of one directory among all.
  const items = [2, 3, 7, 8, 12, 20, 21].map((seq) => ({ seq }));
  const page = (nextToken: string | undefined, limit: number, visible = (_: { seq: number }) => true) =>
    pageOf(items, { listing: "l", nextToken, limit, now: T }, visible);

  it("serves a page, and resumes right after its last item", () => {
    const first = page(undefined, 3);
    assert.deepEqual(
      first.items.map((i) => i.seq),
      [2, 3, 7],
    );
    assert.equal(decodeNextToken(first.nextToken!, "l", T), 7);
    const second = page(first.nextToken, 3);
    assert.deepEqual(
      second.items.map((i) => i.seq),
      [8, 12, 20],
    );
    const third = page(second.nextToken, 3);
    assert.deepEqual(
      third.items.map((i) => i.seq),
      [21],
    );
    assert.equal(third.nextToken, undefined);
  });

  it("resumes after a position between items (an item removed or in another listing)", () => {
    assert.deepEqual(
      page(encodeNextToken("l", 9, T), 2).items.map((i) => i.seq),
      [12, 20],
    );
    assert.deepEqual(
      page(encodeNextToken("l", -5, T), 1).items.map((i) => i.seq),
      [2],
    );
    assert.deepEqual(page(encodeNextToken("l", 99, T), 5), { items: [], nextToken: undefined });
  });

  it("a full page carries a token even when nothing follows", () => {
    const all = page(undefined, 7);
    assert.equal(all.items.length, 7);
    assert.ok(all.nextToken);
    assert.deepEqual(page(all.nextToken, 7), { items: [], nextToken: undefined });
  });

  it("stops at the first invisible item, without a token", () => {
    const result = page(undefined, 5, (i) => i.seq < 8);
    assert.deepEqual(
      result.items.map((i) => i.seq),
      [2, 3, 7],
    );
    assert.equal(result.nextToken, undefined);
  });

  it("an empty listing answers an empty page", () => {
    assert.deepEqual(
      pageOf([], { listing: "l", nextToken: undefined, limit: 25, now: T }, () => true),
      { items: [], nextToken: undefined },
    );
  });
});

describe("settings", () => {
  it("defaults", () => {
    assert.deepEqual(parseSettings([], {}), DEFAULT_SETTINGS);
    assert.deepEqual(DEFAULT_SETTINGS, {
      port: 4566,
      host: "127.0.0.1",
      workspaces: 60,
      pendingMs: 10_000,
      visibilityLagMs: 1_000,
      latencyMs: 0,
      throttleRate: 0,
      coolDownScale: 1,
      seed: 1,
      regions: ["us-east-1"],
      throttleRates: {},
    });
  });

  it("reads flags, as --flag value or --flag=value", () => {
    assert.deepEqual(
      parseSettings(
        [
          "--port",
          "0",
          "--workspaces=100000",
          "--pending-ms",
          "5",
          "--visibility-lag-ms=7",
          "--latency-ms",
          "25",
          "--throttle-rate=0.25",
          "--cool-down-scale",
          "0.001",
          "--seed",
          "4294967295",
          "--host",
          "0.0.0.0",
        ],
        {},
      ),
      {
        port: 0,
        host: "0.0.0.0",
        workspaces: 100_000,
        pendingMs: 5,
        visibilityLagMs: 7,
        latencyMs: 25,
        throttleRate: 0.25,
        coolDownScale: 0.001,
        seed: 4294967295,
        regions: ["us-east-1"],
        throttleRates: {},
      },
    );
    assert.equal(parseSettings(["--host=::1"], {}).host, "::1");
  });

  it("reads environment variables, flags winning over them", () => {
    const env = {
      EMULATOR_PORT: "4600",
      EMULATOR_HOST: "localhost",
      EMULATOR_WORKSPACES: "12",
      EMULATOR_PENDING_MS: "100",
      EMULATOR_VISIBILITY_LAG_MS: "0",
      EMULATOR_LATENCY_MS: "3",
      EMULATOR_THROTTLE_RATE: "1",
      EMULATOR_COOL_DOWN_SCALE: "0",
      EMULATOR_SEED: "9",
    };
    assert.deepEqual(parseSettings([], env), {
      port: 4600,
      host: "localhost",
      workspaces: 12,
      pendingMs: 100,
      visibilityLagMs: 0,
      latencyMs: 3,
      throttleRate: 1,
      coolDownScale: 0,
      seed: 9,
      regions: ["us-east-1"],
      throttleRates: {},
    });
    const mixed = parseSettings(["--workspaces", "5", "--host", "127.0.0.2"], env);
    assert.equal(mixed.workspaces, 5);
    assert.equal(mixed.host, "127.0.0.2");
    assert.equal(mixed.port, 4600);
  });

  it("reads the regions and the throttle rates per region or partition, flags winning over variables", () => {
    const env = { EMULATOR_REGIONS: "eu-west-1, us-gov-west-1", EMULATOR_THROTTLE_RATES: "eu-west-1=1,210987654321/us-gov-west-1=0.5" };
    const fromEnv = parseSettings([], env);
    assert.deepEqual(fromEnv.regions, ["eu-west-1", "us-gov-west-1"]);
    assert.deepEqual(fromEnv.throttleRates, { "eu-west-1": 1, "210987654321/us-gov-west-1": 0.5 });
    const fromFlags = parseSettings(["--regions", "us-east-1,ap-southeast-2", "--throttle-rates=ap-southeast-2=0.1"], env);
    assert.deepEqual(fromFlags.regions, ["us-east-1", "ap-southeast-2"]);
    assert.deepEqual(fromFlags.throttleRates, { "ap-southeast-2": 0.1 });
  });

  const bad: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ["a negative port", ["--port", "-1"], {}, /--port must be an integer from 0 to 65535, got "-1"/],
    ["a port above 65535", ["--port=65536"], {}, /--port must be an integer from 0 to 65535/],
    ["a fractional port", ["--port", "80.5"], {}, /--port must be an integer/],
    ["a port that is not a number", ["--port", "http"], {}, /--port must be an integer/],
    ["an empty value", ["--seed="], {}, /--seed must be an integer/],
    ["a blank value", ["--latency-ms", "  "], {}, /--latency-ms must be an integer/],
    ["a fractional workspace count", ["--workspaces", "2.5"], {}, /--workspaces must be an integer/],
    ["too many workspaces", ["--workspaces", "100001"], {}, /--workspaces must be an integer from 0 to 100000/],
    ["a throttle rate above 1", ["--throttle-rate", "1.5"], {}, /--throttle-rate must be a number from 0 to 1, got "1.5"/],
    ["a negative throttle rate", ["--throttle-rate=-0.1"], {}, /--throttle-rate must be a number from 0 to 1/],
    ["a cool-down scale above 1", ["--cool-down-scale", "2"], {}, /--cool-down-scale must be a number from 0 to 1/],
    ["Infinity", ["--pending-ms", "Infinity"], {}, /--pending-ms must be an integer/],
    ["a seed of 2^32", ["--seed", "4294967296"], {}, /--seed must be an integer from 0 to 4294967295/],
    [
      "a bad environment variable",
      [],
      { EMULATOR_LATENCY_MS: "slow" },
      /EMULATOR_LATENCY_MS must be an integer from 0 to 60000, got "slow"/,
    ],
    ["a bad environment variable under a good flag", ["--throttle-rate", "0"], { EMULATOR_THROTTLE_RATE: "2" }, /EMULATOR_THROTTLE_RATE/],
    ["an unknown flag", ["--workspace", "3"], {}, /unknown option --workspace/],
    ["a stray argument", ["4566"], {}, /unknown option 4566/],
    ["a flag without its value", ["--seed"], {}, /--seed needs a value/],
    ["--host without its value", ["--host"], {}, /--host needs a value/],
    ["an empty region list", ["--regions="], {}, /--regions needs a value/],
    [
      "a region that is not one",
      ["--regions", "us-east-1,Europe"],
      {},
      /--regions must list regions such as us-east-1,eu-west-1, got "us-east-1,Europe"/,
    ],
    ["a region named twice", [], { EMULATOR_REGIONS: "us-east-1,us-east-1" }, /EMULATOR_REGIONS names a region twice/],
    ["a throttle rate without its rate", ["--throttle-rates", "eu-west-1"], { EMULATOR_REGIONS: "eu-west-1" }, /<region>=<rate>/],
    [
      "a throttle rate above 1",
      ["--throttle-rates", "eu-west-1=2"],
      { EMULATOR_REGIONS: "eu-west-1" },
      /\(eu-west-1\) must be a number from 0 to 1/,
    ],
    ["a throttle rate for a short account", ["--throttle-rates", "1234/us-east-1=1"], {}, /<account>\/<region>=<rate>/],
    [
      "a throttle rate for a region not served",
      ["--throttle-rates", "eu-west-1=1"],
      {},
      /eu-west-1 is not among the regions served \(us-east-1\)/,
    ],
  ];
  for (const [name, argv, env, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseSettings(argv, env), message);
    });
  }

  it("lists the options in the unknown-option error", () => {
    assert.throws(() => parseSettings(["--nope"], {}), /--throttle-rate <n>\s+\(env EMULATOR_THROTTLE_RATE, default 0\)/);
  });
});
