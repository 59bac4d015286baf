// Walks the SDK's service model for the five operations the gateway calls, requests and results, and fails for a
// member the emulator neither handles nor names below with a reason, so a new SDK release that adds a member
// fails here until the emulator carries it or says why not. Handled means: a request member changes the answer
// (a filter filters, a page size pages) or, for CreateWorkspaces and ModifyWorkspaceProperties, reads back from
// DescribeWorkspaces; a result member appears in some answer of the emulator's seeded world.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  DescribeWorkspacesCommand,
  ModifyWorkspacePropertiesCommand,
  paginateDescribeWorkspaces,
} from "@aws-sdk/client-workspaces";
import { NormalizedSchema } from "@smithy/core/schema";
import { OPERATIONS } from "../../src/emulator/operations.ts";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, startHarness } from "./fixture.ts";

const PENDING_ONLY =
  "AWS's PendingRequests carry WorkspaceId, DirectoryId, UserName, State, BundleId and WorkspaceName only (the API " +
  "reference's example); the rest shows in DescribeWorkspaces once the WorkSpace is visible";

/** Members the emulator leaves out, each with why. A path covers the members under it. */
const OMISSIONS: Record<string, string> = {
  ...Object.fromEntries(
    [
      "IpAddress",
      "Ipv6Address",
      "SubnetId",
      "ErrorMessage",
      "ErrorCode",
      "ComputerName",
      "VolumeEncryptionKey",
      "UserVolumeEncryptionEnabled",
      "RootVolumeEncryptionEnabled",
      "WorkspaceProperties",
      "ModificationStates",
      "RelatedWorkspaces",
      "DataReplicationSettings",
      "StandbyWorkspacesProperties",
    ].map((member) => [`CreateWorkspaces.result.PendingRequests[].${member}`, PENDING_ONLY]),
  ),
  "DescribeWorkspaceBundles.result.NextToken": "the seeded catalogs (12 public, 3 account bundles) each fit one page of 25",
  "CreateWorkspaces.request.Workspaces[].Tags":
    "AWS keeps tags for DescribeTags/CreateTags, which the emulator does not serve; they are validated, not stored",
  "DescribeWorkspaceDirectories.result.Directories[].MicrosoftEntraConfig": "the seed has no Microsoft Entra ID directory",
  "DescribeWorkspaceDirectories.result.Directories[].ActiveDirectoryConfig":
    "only WorkSpaces Pools directories (CUSTOMER_MANAGED) have one; the emulator serves WorkSpaces Personal",
  "DescribeWorkspaceDirectories.result.Directories[].StreamingProperties": "WorkSpaces Pools only",
  "DescribeWorkspaceDirectories.result.Directories[].ErrorMessage": "no seeded directory is in ERROR",
  "DescribeWorkspaceDirectories.result.Directories[].SamlProperties.UserAccessUrl": "SAML is DISABLED on every seeded directory",
  "DescribeWorkspaceDirectories.result.Directories[].CertificateBasedAuthProperties.CertificateAuthorityArn":
    "certificate-based authentication is DISABLED on every seeded directory",
  "DescribeWorkspaceDirectories.result.Directories[].WorkspaceAccessProperties.AccessEndpointConfig":
    "no seeded directory streams through a VPC endpoint",
  "DescribeWorkspaceDirectories.result.Directories[].WorkspaceCreationProperties.CustomSecurityGroupId":
    "the seeded directories use their own WorkspaceSecurityGroupId",
};

const omitted = (path: string) => Object.keys(OMISSIONS).some((o) => path === o || path.startsWith(`${o}.`) || path.startsWith(`${o}[]`));

/** Every member path under `schema`, lists of structures as `[]`. */
function modelPaths(schema: NormalizedSchema, prefix: string): string[] {
  if (schema.isListSchema()) return modelPaths(schema.getValueSchema(), `${prefix}[]`);
  if (!schema.isStructSchema()) return [];
  return [...schema.structIterator()].flatMap(([name, member]) => [`${prefix}.${name}`, ...modelPaths(member, `${prefix}.${name}`)]);
}

/** Every member path present in `value`. */
function valuePaths(value: unknown, prefix: string, into: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) valuePaths(item, `${prefix}[]`, into);
  } else if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    for (const [name, member] of Object.entries(value)) {
      if (name === "$metadata" || member === undefined) continue;
      into.add(`${prefix}.${name}`);
      valuePaths(member, `${prefix}.${name}`, into);
    }
  }
  return into;
}

const SERVED = [
  "DescribeWorkspaces",
  "DescribeWorkspaceBundles",
  "DescribeWorkspaceDirectories",
  "CreateWorkspaces",
  "ModifyWorkspaceProperties",
];

function modelOf(operation: string, side: "request" | "result"): string[] {
  const schema = OPERATIONS[operation]!.schema;
  return modelPaths(NormalizedSchema.of(side === "request" ? schema[4] : schema[5]), `${operation}.${side}`);
}

const PENDING_MS = 10_000;
let h: Harness;
let seeded: Workspace[];
before(async () => {
  h = await startHarness({ workspaces: 60, pendingMs: PENDING_MS, visibilityLagMs: 0, coolDownScale: 0 });
  seeded = [];
  for await (const page of paginateDescribeWorkspaces({ client: h.client }, {})) seeded.push(...page.Workspaces!);
});
after(() => h.close());

/** A request with every member of WorkspaceRequest the model declares. */
const FULL_REQUEST: WorkspaceRequest = {
  DirectoryId: DIRECTORIES.corp,
  UserName: "coverage-full",
  BundleId: BUNDLES.POWER,
  VolumeEncryptionKey: "alias/aws/workspaces",
  UserVolumeEncryptionEnabled: true,
  RootVolumeEncryptionEnabled: true,
  WorkspaceName: "coverage-full",
  Ipv6Address: "2600:1f18:4a3:6c00::abcd",
  Tags: [{ Key: "team", Value: "blue" }],
  WorkspaceProperties: {
    RunningMode: "AUTO_STOP",
    RunningModeAutoStopTimeoutInMinutes: 120,
    RootVolumeSizeGib: 200,
    UserVolumeSizeGib: 150,
    ComputeTypeName: "POWERPRO",
    Protocols: ["WSP"],
    OperatingSystemName: "WINDOWS_SERVER_2022",
    GlobalAccelerator: { Mode: "ENABLED_AUTO", PreferredProtocol: "TCP" },
  },
};

/** The value at a member path (`a.b[].c`, the first item of each list) of `value`. */
function at(value: unknown, path: string[]): unknown {
  let current = value;
  for (const part of path) {
    if (part.endsWith("[]")) current = (current as Record<string, unknown[]>)[part.slice(0, -2)]?.[0];
    else current = (current as Record<string, unknown>)?.[part];
  }
  return current;
}

describe("the service model's members, requests", () => {
  it("every member of a DescribeWorkspaces*, DescribeWorkspaceBundles or DescribeWorkspaceDirectories request changes the answer", async () => {
    const target = seeded.find((w) => w.WorkspaceName !== undefined)!;
    const first = await h.client.send(new DescribeWorkspacesCommand({}));
    const firstDirectory = await h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1 }));
    // [operation, member, a request with it, the same request without it]
    const probes: [string, string, object, object][] = [
      ["DescribeWorkspaces", "WorkspaceIds", { WorkspaceIds: [target.WorkspaceId!] }, {}],
      ["DescribeWorkspaces", "DirectoryId", { DirectoryId: DIRECTORIES.eng }, {}],
      [
        "DescribeWorkspaces",
        "UserName",
        { DirectoryId: target.DirectoryId, UserName: target.UserName },
        { DirectoryId: target.DirectoryId },
      ],
      ["DescribeWorkspaces", "BundleId", { BundleId: target.BundleId }, {}],
      ["DescribeWorkspaces", "WorkspaceName", { WorkspaceName: target.WorkspaceName }, {}],
      ["DescribeWorkspaces", "Limit", { Limit: 3 }, {}],
      ["DescribeWorkspaces", "NextToken", { NextToken: first.NextToken }, {}],
      ["DescribeWorkspaceBundles", "BundleIds", { BundleIds: [BUNDLES.VALUE] }, {}],
      ["DescribeWorkspaceBundles", "Owner", { Owner: "AMAZON" }, {}],
      // Twelve public bundles fit one page of 25: a token the emulator did not issue is refused.
      ["DescribeWorkspaceBundles", "NextToken", { Owner: "AMAZON", NextToken: first.NextToken }, { Owner: "AMAZON" }],
      ["DescribeWorkspaceDirectories", "DirectoryIds", { DirectoryIds: [DIRECTORIES.eng] }, {}],
      ["DescribeWorkspaceDirectories", "WorkspaceDirectoryNames", { WorkspaceDirectoryNames: ["eng.example.com"] }, {}],
      ["DescribeWorkspaceDirectories", "Limit", { Limit: 1 }, {}],
      ["DescribeWorkspaceDirectories", "NextToken", { Limit: 1, NextToken: firstDirectory.NextToken }, { Limit: 1 }],
      ["DescribeWorkspaceDirectories", "Filters", { Filters: [{ Name: "USER_IDENTITY_TYPE", Values: ["AWS_IAM_IDENTITY_CENTER"] }] }, {}],
    ];
    const commands: Record<string, new (input: any) => any> = {
      DescribeWorkspaces: DescribeWorkspacesCommand,
      DescribeWorkspaceBundles: DescribeWorkspaceBundlesCommand,
      DescribeWorkspaceDirectories: DescribeWorkspaceDirectoriesCommand,
    };
    const answer = async (operation: string, input: object) => {
      try {
        const { $metadata, ...result } = await h.client.send(new commands[operation]!(input));
        return result;
      } catch (error) {
        return { error: (error as Error).name };
      }
    };
    for (const [operation, member, withIt, without] of probes) {
      assert.notDeepEqual(await answer(operation, withIt), await answer(operation, without), `${operation}.${member} changes nothing`);
    }
    const probed = new Set(probes.map(([operation, member]) => `${operation}.request.${member}`));
    for (const operation of ["DescribeWorkspaces", "DescribeWorkspaceBundles", "DescribeWorkspaceDirectories"]) {
      const unhandled = modelOf(operation, "request").filter((p) => p.split(".").length === 3 && !probed.has(p) && !omitted(p));
      assert.deepEqual(unhandled, [], `request members with no probe and no stated omission: ${unhandled.join(", ")}`);
    }
  });

  it("every member of a CreateWorkspaces request reads back from DescribeWorkspaces", async () => {
    const result = await h.client.send(new CreateWorkspacesCommand({ Workspaces: [FULL_REQUEST] }));
    assert.deepEqual(result.FailedRequests, []);
    h.advance(PENDING_MS);
    const [created] = (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [result.PendingRequests![0]!.WorkspaceId!] })))
      .Workspaces!;
    const prefix = "CreateWorkspaces.request.Workspaces[]";
    const members = modelOf("CreateWorkspaces", "request").filter((p) => p.startsWith(`${prefix}.`));
    const sent = valuePaths(FULL_REQUEST, prefix, new Set());
    const unsent = members.filter((p) => !sent.has(p) && !omitted(p));
    assert.deepEqual(unsent, [], "FULL_REQUEST lacks members the model declares");
    const lost = members.filter((p) => {
      if (omitted(p)) return false;
      const path = p.slice(prefix.length + 1).split(".");
      const value = at(FULL_REQUEST, path);
      // Structures read back through their members.
      const leaf = typeof value !== "object" || (Array.isArray(value) && value.every((v) => typeof v !== "object"));
      return leaf && JSON.stringify(at(created, path)) !== JSON.stringify(value);
    });
    assert.deepEqual(lost, [], "members the emulator drops");
  });

  it("every member of a ModifyWorkspaceProperties request is applied", async () => {
    const properties = modelOf("ModifyWorkspaceProperties", "request").filter(
      (p) => p.split(".").length === 4 && p.startsWith("ModifyWorkspaceProperties.request.WorkspaceProperties."),
    );
    const changes: Record<string, unknown> = {
      RunningMode: "AUTO_STOP",
      RunningModeAutoStopTimeoutInMinutes: 180,
      RootVolumeSizeGib: 175,
      UserVolumeSizeGib: 100,
      ComputeTypeName: "PERFORMANCE",
      Protocols: ["WSP"],
      OperatingSystemName: "WINDOWS_SERVER_2022",
      GlobalAccelerator: { Mode: "DISABLED" },
    };
    // One change a call from 80/10 VALUE: user 100 first, so that root 175 is allowed next.
    const order = [
      "UserVolumeSizeGib",
      "RootVolumeSizeGib",
      "RunningMode",
      "RunningModeAutoStopTimeoutInMinutes",
      "ComputeTypeName",
      "Protocols",
    ];
    const create = await h.client.send(
      new CreateWorkspacesCommand({ Workspaces: [{ DirectoryId: DIRECTORIES.eng, UserName: "coverage-modify", BundleId: BUNDLES.VALUE }] }),
    );
    const id = create.PendingRequests![0]!.WorkspaceId!;
    h.advance(PENDING_MS);
    const names = properties.map((p) => p.split(".")[3]!);
    const sorted = [...order.filter((n) => names.includes(n)), ...names.filter((n) => !order.includes(n))];
    const unapplied: string[] = [];
    for (const name of sorted) {
      assert.ok(name in changes, `no change to try for WorkspaceProperties.${name}`);
      await h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: id, WorkspaceProperties: { [name]: changes[name] } }));
      h.advance(PENDING_MS);
      const [w] = (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }))).Workspaces!;
      if (JSON.stringify((w!.WorkspaceProperties as Record<string, unknown>)[name]) !== JSON.stringify(changes[name])) unapplied.push(name);
    }
    assert.deepEqual(unapplied, []);
    // DataReplication applies to a primary, and reads back in DataReplicationSettings.
    const primary = seeded.find((w) => w.StandbyWorkspacesProperties !== undefined && w.State === "AVAILABLE")!;
    await h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: primary.WorkspaceId!, DataReplication: "NO_REPLICATION" }));
    const [w] = (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [primary.WorkspaceId!] }))).Workspaces!;
    assert.equal(w!.DataReplicationSettings!.DataReplication, "NO_REPLICATION");
    const top = modelOf("ModifyWorkspaceProperties", "request").filter((p) => p.split(".").length === 3);
    assert.deepEqual(top, [
      "ModifyWorkspaceProperties.request.WorkspaceId",
      "ModifyWorkspaceProperties.request.WorkspaceProperties",
      "ModifyWorkspaceProperties.request.DataReplication",
    ]);
  });
});

describe("the service model's members, results", () => {
  it("every result member appears in some answer, or is named as omitted with a reason", async () => {
    const observed = new Set<string>();
    const see = (operation: string, result: object) => valuePaths(result, `${operation}.result`, observed);
    // A create answering both lists, one WorkSpace with every member, and one with a modification under way.
    const failing = { ...FULL_REQUEST, DirectoryId: "d-0000000000", UserName: "coverage-failing" };
    const create = await h.client.send(
      new CreateWorkspacesCommand({ Workspaces: [{ ...FULL_REQUEST, UserName: "coverage-results" }, failing] }),
    );
    see("CreateWorkspaces", create);
    h.advance(PENDING_MS);
    const updating = seeded.find((w) => w.State === "AVAILABLE" && w.WorkspaceProperties!.ComputeTypeName === "VALUE")!;
    see(
      "ModifyWorkspaceProperties",
      await h.client.send(
        new ModifyWorkspacePropertiesCommand({ WorkspaceId: updating.WorkspaceId!, WorkspaceProperties: { ComputeTypeName: "STANDARD" } }),
      ),
    );
    for await (const page of paginateDescribeWorkspaces({ client: h.client }, {})) see("DescribeWorkspaces", page);
    for (const input of [{ Owner: "AMAZON" }, {}])
      see("DescribeWorkspaceBundles", await h.client.send(new DescribeWorkspaceBundlesCommand(input)));
    see("DescribeWorkspaceDirectories", await h.client.send(new DescribeWorkspaceDirectoriesCommand({ Limit: 1 })));
    see("DescribeWorkspaceDirectories", await h.client.send(new DescribeWorkspaceDirectoriesCommand({})));
    const missing = SERVED.flatMap((operation) => modelOf(operation, "result")).filter((p) => !observed.has(p) && !omitted(p));
    assert.deepEqual(missing, [], `result members the emulator never returns, and no omission names: ${missing.join(", ")}`);
  });

  it("every omission names a member the model still declares", () => {
    const all = new Set(SERVED.flatMap((operation) => [...modelOf(operation, "request"), ...modelOf(operation, "result")]));
    for (const path of Object.keys(OMISSIONS)) assert.ok(all.has(path), `${path} is not in the model`);
  });
});
