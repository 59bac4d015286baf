// The members the current service model declares, through the real SDK: stored, returned, filtered on and applied,
// and the rules AWS applies to them at creation and modification.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Workspace, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspacesCommand,
  InvalidParameterValuesException,
  ModifyWorkspacePropertiesCommand,
  paginateDescribeWorkspaces,
} from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, startHarness } from "./fixture.ts";

const PENDING_MS = 10_000;

let h: Harness;
let seeded: Workspace[];
before(async () => {
  h = await startHarness({ workspaces: 60, pendingMs: PENDING_MS, visibilityLagMs: 0, coolDownScale: 0 });
  seeded = [];
  for await (const page of paginateDescribeWorkspaces({ client: h.client }, {})) seeded.push(...page.Workspaces!);
});
after(() => h.close());

const create = (...Workspaces: WorkspaceRequest[]) => h.client.send(new CreateWorkspacesCommand({ Workspaces }));
const describeOne = async (id: string) => (await h.client.send(new DescribeWorkspacesCommand({ WorkspaceIds: [id] }))).Workspaces![0]!;

describe("Workspace members", () => {
  it("a create with WorkspaceName, Protocols, OperatingSystemName, Ipv6Address and GlobalAccelerator reads back with all", async () => {
    const result = await create({
      DirectoryId: DIRECTORIES.eng,
      UserName: "members-full",
      BundleId: BUNDLES.STANDARD,
      WorkspaceName: "members_full-1",
      Ipv6Address: "2600:1f18:4a3:6c00::1234",
      WorkspaceProperties: {
        Protocols: ["WSP"],
        OperatingSystemName: "WINDOWS_SERVER_2022",
        GlobalAccelerator: { Mode: "ENABLED_AUTO", PreferredProtocol: "TCP" },
      },
    });
    assert.deepEqual(result.FailedRequests, []);
    h.advance(PENDING_MS);
    const w = await describeOne(result.PendingRequests![0]!.WorkspaceId!);
    assert.equal(w.WorkspaceName, "members_full-1");
    assert.equal(w.Ipv6Address, "2600:1f18:4a3:6c00::1234");
    assert.deepEqual(w.WorkspaceProperties!.Protocols, ["WSP"]);
    assert.equal(w.WorkspaceProperties!.OperatingSystemName, "WINDOWS_SERVER_2022");
    assert.deepEqual(w.WorkspaceProperties!.GlobalAccelerator, { Mode: "ENABLED_AUTO", PreferredProtocol: "TCP" });
  });

  it("defaults the protocol to PCoIP and the operating system to the bundle's; corp's dual-stack subnets give an IPv6 address", async () => {
    const result = await create(
      { DirectoryId: DIRECTORIES.corp, UserName: "members-defaults", BundleId: "wsb-2bs6k5lgn" },
      { DirectoryId: DIRECTORIES.eng, UserName: "members-defaults", BundleId: BUNDLES.VALUE },
    );
    const [linux, windows] = await Promise.all(result.PendingRequests!.map((p) => describeOne(p.WorkspaceId!)));
    assert.deepEqual(linux!.WorkspaceProperties!.Protocols, ["PCOIP"]);
    assert.equal(linux!.WorkspaceProperties!.OperatingSystemName, "AMAZON_LINUX_2");
    assert.match(linux!.Ipv6Address!, /^2600:1f18:/);
    assert.equal(windows!.WorkspaceProperties!.OperatingSystemName, "WINDOWS_SERVER_2019");
    assert.equal(windows!.Ipv6Address, undefined);
    assert.equal(windows!.WorkspaceName, undefined);
  });

  it("the WorkspaceName filter lists only the WorkSpaces of that name", async () => {
    const named = seeded.filter((w) => w.WorkspaceName !== undefined);
    assert.ok(named.length > 0, "the seed names no WorkSpace");
    const target = named[0]!;
    const result = await h.client.send(new DescribeWorkspacesCommand({ WorkspaceName: target.WorkspaceName! }));
    assert.deepEqual(
      result.Workspaces!.map((w) => w.WorkspaceId),
      [target.WorkspaceId],
    );
    assert.deepEqual((await h.client.send(new DescribeWorkspacesCommand({ WorkspaceName: "nobody-has-this" }))).Workspaces, []);
    await expectAwsError(
      h.client.send(new DescribeWorkspacesCommand({ WorkspaceName: target.WorkspaceName!, DirectoryId: DIRECTORIES.corp })),
      InvalidParameterValuesException,
      /only one of/,
    );
    await expectAwsError(
      h.client.send(new DescribeWorkspacesCommand({ WorkspaceName: "-starts-with-a-dash" })),
      InvalidParameterValuesException,
      /^WorkspaceName: must match/,
    );
  });

  it("seeded primaries carry their standby: RelatedWorkspaces, StandbyWorkspacesProperties, DataReplicationSettings", async () => {
    const primaries = seeded.filter((w) => w.StandbyWorkspacesProperties !== undefined);
    assert.equal(primaries.length, 6);
    for (const w of primaries) {
      const standbyId = w.StandbyWorkspacesProperties![0]!.StandbyWorkspaceId!;
      assert.match(standbyId, /^ws-[0-9a-z]{8,63}$/);
      assert.deepEqual(w.RelatedWorkspaces, [{ WorkspaceId: standbyId, Region: "us-west-2", State: "STOPPED", Type: "STANDBY" }]);
      assert.equal(w.DataReplicationSettings!.DataReplication, "PRIMARY_AS_SOURCE");
      assert.ok(w.DataReplicationSettings!.RecoverySnapshotTime instanceof Date);
    }
  });

  it("DataReplication turns replication off on a primary, and is refused for a WorkSpace without a standby", async () => {
    const primary = seeded.find((w) => w.StandbyWorkspacesProperties !== undefined && ["AVAILABLE", "STOPPED"].includes(w.State!))!;
    await h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: primary.WorkspaceId!, DataReplication: "NO_REPLICATION" }));
    const w = await describeOne(primary.WorkspaceId!);
    assert.equal(w.DataReplicationSettings!.DataReplication, "NO_REPLICATION");
    assert.equal(w.StandbyWorkspacesProperties![0]!.DataReplication, "NO_REPLICATION");
    const alone = seeded.find((x) => x.StandbyWorkspacesProperties === undefined && x.State === "AVAILABLE")!;
    await expectAwsError(
      h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: alone.WorkspaceId!, DataReplication: "PRIMARY_AS_SOURCE" })),
      InvalidParameterValuesException,
      /no standby/,
    );
  });
});

describe("ModifyWorkspaceProperties: Protocols", () => {
  it("a protocol change passes through a PROTOCOL modification, then settles", async () => {
    const result = await create({ DirectoryId: DIRECTORIES.corp, UserName: "members-protocol", BundleId: BUNDLES.PERFORMANCE });
    const id = result.PendingRequests![0]!.WorkspaceId!;
    h.advance(PENDING_MS);
    await h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: id, WorkspaceProperties: { Protocols: ["WSP"] } }));
    let w = await describeOne(id);
    assert.equal(w.State, "UPDATING");
    assert.deepEqual(w.ModificationStates, [{ Resource: "PROTOCOL", State: "UPDATE_INITIATED" }]);
    assert.deepEqual(w.WorkspaceProperties!.Protocols, ["PCOIP"]);
    h.advance(PENDING_MS);
    w = await describeOne(id);
    assert.equal(w.State, "AVAILABLE");
    assert.deepEqual(w.WorkspaceProperties!.Protocols, ["WSP"]);
  });

  it("refuses a protocol change on a graphics WorkSpace, two protocols, and one the model does not declare", async () => {
    const graphics = seeded.find((w) => w.WorkspaceProperties!.ComputeTypeName!.startsWith("GRAPHICS") && w.State === "AVAILABLE")!;
    const modify = (WorkspaceId: string, Protocols: string[]) =>
      h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId, WorkspaceProperties: { Protocols: Protocols as never } }));
    await expectAwsError(modify(graphics.WorkspaceId!, ["WSP"]), InvalidParameterValuesException, /protocol of a GRAPHICS/);
    await expectAwsError(modify(graphics.WorkspaceId!, ["PCOIP", "WSP"]), InvalidParameterValuesException, /Protocols: must hold 1 to 1/);
    await expectAwsError(
      modify(graphics.WorkspaceId!, ["RDP"]),
      InvalidParameterValuesException,
      /Protocols\[0\]: must be one of PCOIP, WSP/,
    );
  });

  it("refuses WorkspaceProperties {}, as AWS does", async () => {
    await expectAwsError(
      h.client.send(new ModifyWorkspacePropertiesCommand({ WorkspaceId: seeded[0]!.WorkspaceId!, WorkspaceProperties: {} })),
      InvalidParameterValuesException,
      /^WorkspaceProperties: must name at least one property/,
    );
  });
});

describe("CreateWorkspaces: what a bundle offers", () => {
  it("refuses volume sizes the compute type does not come in, and a compute type outside the bundle's family", async () => {
    const items: WorkspaceRequest[] = [
      {
        DirectoryId: DIRECTORIES.corp,
        UserName: "offer-graphics-small",
        BundleId: BUNDLES.GRAPHICS,
        WorkspaceProperties: { RootVolumeSizeGib: 80, UserVolumeSizeGib: 10 },
      },
      {
        DirectoryId: DIRECTORIES.corp,
        UserName: "offer-standard-gpro",
        BundleId: BUNDLES.STANDARD,
        WorkspaceProperties: { ComputeTypeName: "GRAPHICSPRO" },
      },
      {
        DirectoryId: DIRECTORIES.corp,
        UserName: "offer-value-80-20",
        BundleId: BUNDLES.VALUE,
        WorkspaceProperties: { UserVolumeSizeGib: 20 },
      },
      {
        DirectoryId: DIRECTORIES.corp,
        UserName: "offer-gpro-graphics",
        BundleId: BUNDLES.GRAPHICSPRO,
        WorkspaceProperties: { ComputeTypeName: "GRAPHICS" },
      },
      // Allowed: a larger non-graphics compute type from a Value bundle, and a bigger graphics desk.
      {
        DirectoryId: DIRECTORIES.corp,
        UserName: "offer-value-power",
        BundleId: BUNDLES.VALUE,
        WorkspaceProperties: { ComputeTypeName: "POWER" },
      },
      {
        DirectoryId: DIRECTORIES.corp,
        UserName: "offer-graphics-big",
        BundleId: BUNDLES.GRAPHICS,
        WorkspaceProperties: { RootVolumeSizeGib: 150, UserVolumeSizeGib: 300 },
      },
    ];
    const result = await create(...items);
    assert.deepEqual(
      result.FailedRequests!.map((f) => [f.WorkspaceRequest!.UserName, f.ErrorCode]),
      [
        ["offer-graphics-small", "InvalidParameterValuesException"],
        ["offer-standard-gpro", "InvalidParameterValuesException"],
        ["offer-value-80-20", "InvalidParameterValuesException"],
        ["offer-gpro-graphics", "InvalidParameterValuesException"],
      ],
    );
    assert.match(result.FailedRequests![0]!.ErrorMessage!, /GRAPHICS WorkSpace must be 100 to 2000, got 80 and 10/);
    assert.match(result.FailedRequests![1]!.ErrorMessage!, /GRAPHICSPRO is not offered with bundle wsb-8vbljg4r6/);
    assert.deepEqual(
      result.PendingRequests!.map((w) => w.UserName),
      ["offer-value-power", "offer-graphics-big"],
    );
  });

  it("refuses the whole call for a zero or negative volume size, a malformed WorkspaceName or Ipv6Address", async () => {
    const base = { DirectoryId: DIRECTORIES.corp, UserName: "offer-bad", BundleId: BUNDLES.VALUE };
    const cases: [WorkspaceRequest, RegExp][] = [
      [
        { ...base, WorkspaceProperties: { RootVolumeSizeGib: -5 } },
        /^Workspaces\[0\]\.WorkspaceProperties\.RootVolumeSizeGib: must be a positive integer/,
      ],
      [
        { ...base, WorkspaceProperties: { UserVolumeSizeGib: 0 } },
        /^Workspaces\[0\]\.WorkspaceProperties\.UserVolumeSizeGib: must be a positive integer/,
      ],
      [{ ...base, WorkspaceName: "x" }, /^Workspaces\[0\]\.WorkspaceName: must match/],
      [{ ...base, Ipv6Address: "10.0.0.1" }, /^Workspaces\[0\]\.Ipv6Address: must match/],
      [{ ...base, WorkspaceProperties: { OperatingSystemName: "BEOS" as never } }, /OperatingSystemName: must be one of/],
      [
        { ...base, WorkspaceProperties: { GlobalAccelerator: { PreferredProtocol: "TCP" } as never } },
        /GlobalAccelerator\.Mode: is required/,
      ],
    ];
    for (const [item, message] of cases) await expectAwsError(create(item), InvalidParameterValuesException, message);
  });
});
