// DescribeWorkspaces through the real SDK: the members of a workspace, the filters, and NextToken paging.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DescribeWorkspacesRequest, Workspace, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import {
  CreateWorkspacesCommand,
  DescribeWorkspaceBundlesCommand,
  DescribeWorkspaceDirectoriesCommand,
  DescribeWorkspacesCommand,
  InvalidParameterValuesException,
  paginateDescribeWorkspaces,
} from "@aws-sdk/client-workspaces";
import type { Harness } from "./fixture.ts";
import { BUNDLES, DIRECTORIES, expectAwsError, startHarness, UNKNOWN_BUNDLE, UNKNOWN_DIRECTORY } from "./fixture.ts";

const SEEDED = 60;
const DAY_MS = 24 * 60 * 60 * 1000;

let h: Harness;
/** Every seeded workspace, in listing order, read once at the start. */
let seeded: Workspace[];
let bundles: Map<string, WorkspaceBundle>;

async function listAll(input: DescribeWorkspacesRequest = {}, pageSize?: number) {
  const pages: Workspace[][] = [];
  for await (const page of paginateDescribeWorkspaces({ client: h.client, ...(pageSize ? { pageSize } : {}) }, input)) {
    pages.push(page.Workspaces ?? []);
  }
  return { pages, workspaces: pages.flat() };
}

const ids = (workspaces: Workspace[]) => workspaces.map((w) => w.WorkspaceId!);

before(async () => {
  h = await startHarness({ workspaces: SEEDED, seed: 11 });
  seeded = (await listAll()).workspaces;
  const owned = await h.client.send(new DescribeWorkspaceBundlesCommand({}));
  const amazon = await h.client.send(new DescribeWorkspaceBundlesCommand({ Owner: "AMAZON" }));
  bundles = new Map([...owned.Bundles!, ...amazon.Bundles!].map((b) => [b.BundleId!, b]));
});
after(() => h.close());

describe("DescribeWorkspaces: the workspaces", () => {
  it("lists every seeded workspace once, with distinct IDs", () => {
    assert.equal(seeded.length, SEEDED);
    assert.equal(new Set(ids(seeded)).size, SEEDED);
    assert.equal(new Set(seeded.map((w) => w.IpAddress)).size, SEEDED, "two workspaces share an IP address");
    assert.equal(new Set(seeded.map((w) => w.ComputerName)).size, SEEDED, "two workspaces share a computer name");
  });

  it("answers every member of a workspace, consistent with its bundle and directory", async () => {
    const directories = (await h.client.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories!;
    const subnets = new Map(directories.map((d) => [d.DirectoryId!, d.SubnetIds!]));
    const states = new Set<string>();
    for (const w of seeded) {
      for (const member of [
        "WorkspaceId",
        "DirectoryId",
        "UserName",
        "IpAddress",
        "State",
        "BundleId",
        "SubnetId",
        "ComputerName",
        "UserVolumeEncryptionEnabled",
        "RootVolumeEncryptionEnabled",
        "WorkspaceProperties",
        "ModificationStates",
      ] as const) {
        assert.notEqual(w[member], undefined, `${w.WorkspaceId} lacks ${member}`);
      }
      assert.match(w.WorkspaceId!, /^ws-[0-9a-z]{9}$/);
      assert.match(w.UserName!, /^user\d{6}$/);
      assert.match(w.IpAddress!, /^10\.\d+\.\d+\.\d+$/);
      assert.match(w.ComputerName!, /^WSAMZN-[0-9A-Z]{8}$/);
      assert.ok(subnets.get(w.DirectoryId!)?.includes(w.SubnetId!), `${w.SubnetId} is not a subnet of ${w.DirectoryId}`);
      const bundle = bundles.get(w.BundleId!);
      assert.ok(bundle, `unknown bundle ${w.BundleId}`);
      const p = w.WorkspaceProperties!;
      assert.equal(p.ComputeTypeName, bundle.ComputeType!.Name);
      assert.equal(p.RootVolumeSizeGib, Number(bundle.RootStorage!.Capacity));
      assert.equal(p.UserVolumeSizeGib, Number(bundle.UserStorage!.Capacity));
      if (p.RunningMode === "AUTO_STOP") {
        assert.ok([60, 120, 180].includes(p.RunningModeAutoStopTimeoutInMinutes!), `timeout ${p.RunningModeAutoStopTimeoutInMinutes}`);
      } else {
        assert.equal(p.RunningMode, "ALWAYS_ON");
        assert.equal(p.RunningModeAutoStopTimeoutInMinutes, undefined);
      }
      assert.equal(w.UserVolumeEncryptionEnabled, w.RootVolumeEncryptionEnabled);
      assert.equal(w.VolumeEncryptionKey, w.UserVolumeEncryptionEnabled ? "alias/aws/workspaces" : undefined);
      assert.deepEqual(w.ModificationStates, []);
      if (w.State === "ERROR") {
        assert.equal(w.ErrorCode, "InternalServerError");
        assert.equal(typeof w.ErrorMessage, "string");
      } else {
        assert.equal(w.ErrorCode, undefined);
      }
      states.add(w.State!);
    }
    // The seed spreads workspaces over the settled states a real fleet shows.
    assert.ok(states.has("AVAILABLE") && states.has("STOPPED"), [...states].join());
    for (const state of states) assert.ok(["AVAILABLE", "STOPPED", "ERROR", "SUSPENDED", "IMPAIRED", "UNHEALTHY"].includes(state), state);
  });
});

describe("DescribeWorkspaces: pages", () => {
  it("answers 25 workspaces and a NextToken by default", async () => {
    const page = await h.client.send(new DescribeWorkspacesCommand({}));
    assert.equal(page.Workspaces!.length, 25);
    assert.deepEqual(ids(page.Workspaces!), ids(seeded.slice(0, 25)));
    assert.equal(typeof page.NextToken, "string");
  });

  it("respects Limit, and the NextToken resumes right after the page", async () => {
    const first = await h.client.send(new DescribeWorkspacesCommand({ Limit: 7 }));
    assert.deepEqual(ids(first.Workspaces!), ids(seeded.slice(0, 7)));
    const second = await h.client.send(new DescribeWorkspacesCommand({ Limit: 4, NextToken: first.NextToken }));
    assert.deepEqual(ids(second.Workspaces!), ids(seeded.slice(7, 11)));
  });

  it("the paginator visits all workspaces exactly once, in 25-item pages", async () => {
    const { pages, workspaces } = await listAll();
    assert.deepEqual(
      pages.map((p) => p.length),
      [25, 25, 10],
    );
    assert.deepEqual(ids(workspaces), ids(seeded));
  });

  it("the paginator's pageSize sets Limit", async () => {
    const { pages, workspaces } = await listAll({}, 7);
    assert.deepEqual(
      pages.map((p) => p.length),
      [7, 7, 7, 7, 7, 7, 7, 7, 4],
    );
    assert.deepEqual(ids(workspaces), ids(seeded));
  });

  it("a full last page still carries a NextToken, which then yields an empty page without one", async () => {
    const { pages } = await listAll({}, 20);
    assert.deepEqual(
      pages.map((p) => p.length),
      [20, 20, 20, 0],
    );
    const third = await h.client.send(new DescribeWorkspacesCommand({ Limit: 20, NextToken: await tokenAfter(40) }));
    assert.equal(third.Workspaces!.length, 20);
    assert.equal(typeof third.NextToken, "string");
    const last = await h.client.send(new DescribeWorkspacesCommand({ Limit: 20, NextToken: third.NextToken }));
    assert.deepEqual(last.Workspaces, []);
    assert.equal(last.NextToken, undefined);
  });

  it("the last page of a listing carries no NextToken", async () => {
    const page = await h.client.send(new DescribeWorkspacesCommand({ Limit: 25, NextToken: await tokenAfter(50) }));
    assert.deepEqual(ids(page.Workspaces!), ids(seeded.slice(50)));
    assert.equal(page.NextToken, undefined);
  });
});

/** A NextToken of the unfiltered listing positioned after `count` workspaces. */
async function tokenAfter(count: number, input: DescribeWorkspacesRequest = {}): Promise<string> {
  let token: string | undefined;
  let served = 0;
  while (served < count) {
    const limit = Math.min(25, count - served);
    const page = await h.client.send(new DescribeWorkspacesCommand({ ...input, Limit: limit, NextToken: token }));
    served += page.Workspaces!.length;
    token = page.NextToken;
    assert.ok(token, "ran out of pages");
  }
  return token!;
}

describe("DescribeWorkspaces: filters", () => {
  it("DirectoryId lists exactly that directory's workspaces, in listing order", async () => {
    let total = 0;
    for (const directory of Object.values(DIRECTORIES)) {
      const expected = seeded.filter((w) => w.DirectoryId === directory);
      assert.ok(expected.length > 0);
      const { workspaces } = await listAll({ DirectoryId: directory }, 9);
      assert.deepEqual(ids(workspaces), ids(expected));
      total += workspaces.length;
    }
    assert.equal(total, SEEDED);
  });

  it("DirectoryId and UserName find the user's workspace, whatever the case of the name", async () => {
    const target = seeded[17]!;
    const exact = await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: target.DirectoryId, UserName: target.UserName }));
    assert.deepEqual(ids(exact.Workspaces!), [target.WorkspaceId]);
    const upper = await h.client.send(
      new DescribeWorkspacesCommand({ DirectoryId: target.DirectoryId, UserName: target.UserName!.toUpperCase() }),
    );
    assert.deepEqual(ids(upper.Workspaces!), [target.WorkspaceId]);
  });

  it("DirectoryId and UserName find nothing in the user's other directory", async () => {
    const target = seeded[17]!;
    const other = Object.values(DIRECTORIES).find((d) => d !== target.DirectoryId)!;
    const page = await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: other, UserName: target.UserName }));
    assert.deepEqual(page.Workspaces, []);
    assert.equal(page.NextToken, undefined);
  });

  it("BundleId lists exactly that bundle's workspaces", async () => {
    const counts = new Map<string, number>();
    for (const w of seeded) counts.set(w.BundleId!, (counts.get(w.BundleId!) ?? 0) + 1);
    const [bundleId] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const { workspaces } = await listAll({ BundleId: bundleId }, 2);
    assert.deepEqual(ids(workspaces), ids(seeded.filter((w) => w.BundleId === bundleId)));
  });

  it("a BundleId that matches the pattern but is not in the catalog lists nothing", async () => {
    const page = await h.client.send(new DescribeWorkspacesCommand({ BundleId: UNKNOWN_BUNDLE }));
    assert.deepEqual(page.Workspaces, []);
    assert.equal(page.NextToken, undefined);
  });

  it("WorkspaceIds answers those workspaces, once each, skipping unknown IDs, with no NextToken", async () => {
    const wanted = [seeded[3]!, seeded[42]!, seeded[59]!];
    const page = await h.client.send(
      new DescribeWorkspacesCommand({
        WorkspaceIds: [wanted[0]!.WorkspaceId!, "ws-zzzzzzzzz", wanted[1]!.WorkspaceId!, wanted[0]!.WorkspaceId!, wanted[2]!.WorkspaceId!],
      }),
    );
    assert.deepEqual(page.Workspaces, wanted);
    assert.equal(page.NextToken, undefined);
  });

  it("a DirectoryId that matches the pattern but is not registered lists nothing", async () => {
    const page = await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: UNKNOWN_DIRECTORY }));
    assert.deepEqual(page.Workspaces, []);
    assert.equal(page.NextToken, undefined);
  });
});

describe("DescribeWorkspaces: NextToken", () => {
  it("a token from one filter is refused with another", async () => {
    const byDirectory = await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: DIRECTORIES.corp, Limit: 1 }));
    assert.ok(byDirectory.NextToken);
    const unfiltered = await h.client.send(new DescribeWorkspacesCommand({ Limit: 1 }));
    const refusals: DescribeWorkspacesRequest[] = [
      { NextToken: byDirectory.NextToken },
      { DirectoryId: DIRECTORIES.eng, NextToken: byDirectory.NextToken },
      { BundleId: BUNDLES.VALUE, NextToken: byDirectory.NextToken },
      { DirectoryId: DIRECTORIES.corp, NextToken: unfiltered.NextToken },
    ];
    for (const input of refusals) {
      await expectAwsError(h.client.send(new DescribeWorkspacesCommand(input)), InvalidParameterValuesException, /NextToken is not valid/);
    }
    // The same token still works with its own filter.
    const next = await h.client.send(new DescribeWorkspacesCommand({ DirectoryId: DIRECTORIES.corp, NextToken: byDirectory.NextToken }));
    assert.ok(next.Workspaces!.length > 0);
    assert.ok(next.Workspaces!.every((w) => w.DirectoryId === DIRECTORIES.corp));
  });

  it("a workspace token is refused by DescribeWorkspaceDirectories", async () => {
    const page = await h.client.send(new DescribeWorkspacesCommand({ Limit: 1 }));
    await expectAwsError(
      h.client.send(new DescribeWorkspaceDirectoriesCommand({ NextToken: page.NextToken })),
      InvalidParameterValuesException,
      /NextToken is not valid/,
    );
  });

  const garbled = [
    "not-a-token",
    "e30", // base64url of {}
    Buffer.from('{"l":"all","s":"3","t":0}').toString("base64url"),
    Buffer.from("null").toString("base64url"),
    Buffer.from("[1,2]").toString("base64url"),
  ];
  for (const token of garbled) {
    it(`a garbled token (${token}) is refused`, async () => {
      await expectAwsError(
        h.client.send(new DescribeWorkspacesCommand({ NextToken: token })),
        InvalidParameterValuesException,
        /NextToken is not valid/,
      );
    });
  }

  it("a token expires after 24 hours", async () => {
    const page = await h.client.send(new DescribeWorkspacesCommand({ Limit: 5 }));
    const issuedAt = h.clock.now;
    h.clock.now = issuedAt + DAY_MS;
    const stillValid = await h.client.send(new DescribeWorkspacesCommand({ Limit: 5, NextToken: page.NextToken }));
    assert.deepEqual(ids(stillValid.Workspaces!), ids(seeded.slice(5, 10)));
    h.clock.now = issuedAt + DAY_MS + 1;
    await expectAwsError(
      h.client.send(new DescribeWorkspacesCommand({ Limit: 5, NextToken: page.NextToken })),
      InvalidParameterValuesException,
      /expired/,
    );
    // A fresh token issued now is good again.
    const fresh = await h.client.send(new DescribeWorkspacesCommand({ Limit: 5 }));
    const resumed = await h.client.send(new DescribeWorkspacesCommand({ Limit: 5, NextToken: fresh.NextToken }));
    assert.deepEqual(ids(resumed.Workspaces!), ids(seeded.slice(5, 10)));
  });

  it("paging while workspaces are created never skips or repeats one that existed at the start", async () => {
    const start = ids((await listAll()).workspaces);
    const seen: string[] = [];
    let token: string | undefined;
    let page = 0;
    do {
      const result = await h.client.send(new DescribeWorkspacesCommand({ Limit: 8, NextToken: token }));
      seen.push(...ids(result.Workspaces!));
      token = result.NextToken;
      // Between pages: create workspaces in both directories and let them become visible.
      const created = await h.client.send(
        new CreateWorkspacesCommand({
          Workspaces: [DIRECTORIES.corp, DIRECTORIES.eng].map((DirectoryId, i) => ({
            DirectoryId,
            UserName: `concurrent-${page}-${i}`,
            BundleId: BUNDLES.STANDARD,
          })),
        }),
      );
      assert.equal(created.PendingRequests!.length, 2);
      h.advance(60_000);
      page++;
    } while (token);
    assert.equal(new Set(seen).size, seen.length, "a workspace was served twice");
    const missing = start.filter((id) => !seen.includes(id));
    assert.deepEqual(missing, []);
    // Served in listing order: the workspaces of the start first, in order, then some of those created meanwhile.
    assert.deepEqual(seen.slice(0, start.length), start);
    assert.ok(seen.length > start.length, "workspaces created while paging should show up at the end");
  });
});
