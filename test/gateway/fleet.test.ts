// Fleet scope over HTTP: the gateway on an emulator serving two regions, for its default account and for a second
// account reached through a role assumed over the emulator's STS; four partitions in one graph, each checked against
// what a plain SDK client (or the AWS CLI) sees in it.
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Workspace } from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesCommand, paginateDescribeWorkspaces, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import type { PartitionRef } from "../../src/aws/fleet.ts";
import { partitionKey } from "../../src/aws/fleet.ts";
import { DEFAULT_ACCOUNT_ID } from "../../src/emulator/index.ts";
import type { AwsCli } from "../emulator/aws-cli.ts";
import { AWS, startAwsCli } from "../emulator/aws-cli.ts";
import type { FleetWorkspacesQuery } from "../generated/graphql.ts";
import {
  FleetBundlesDocument,
  FleetCreateWorkspacesDocument,
  FleetDirectoriesDocument,
  FleetModifyWorkspacePropertiesDocument,
  FleetNodesDocument,
  FleetStateChangedDocument,
  FleetStopWorkspacesDocument,
  FleetWorkspaceDocument,
  FleetWorkspacesDocument,
} from "../generated/graphql.ts";
import { dataOf, uniqueUser } from "../mutations/helpers.ts";
import { eventually, TIMEOUT_MS } from "../subscriptions/helpers.ts";
import { SseSubscription } from "../support/sse.ts";
import type { TestGateway } from "./fixture.ts";
import { globalId, metricValue, startTestGateway } from "./fixture.ts";

const EAST = "us-east-1";
const WEST = "eu-west-1";
const OTHER = "210987654321";
const READER_ROLE = `arn:aws:iam::${OTHER}:role/WorkSpacesReader`;
const DENIED_ROLE = `arn:aws:iam::${OTHER}:role/DenyWorkSpaces`;
/** The keys the test's own clients sign with: the emulator's default account, like the gateway's. */
const KEYS = { accessKeyId: "test", secretAccessKey: "test" };

/** The four partitions, in the order the gateway walks them: the default account's regions, then the role's. */
const PARTITIONS: PartitionRef[] = [
  { accountId: DEFAULT_ACCOUNT_ID, region: EAST },
  { accountId: DEFAULT_ACCOUNT_ID, region: WEST },
  { accountId: OTHER, region: EAST },
  { accountId: OTHER, region: WEST },
];

type Page = NonNullable<FleetWorkspacesQuery["workspaces"]>;
type Node = Page["edges"][number]["node"];

const where = (located: { region: string; accountId: string }) => `${located.accountId}/${located.region}`;

/** Every page of a walk from `after` until hasNextPage is false. */
async function walk(gateway: TestGateway, first: number, after: string | null = null) {
  const pages: Page[] = [];
  for (let cursor = after; pages.length < 100; ) {
    const page = dataOf(await gateway.execute(FleetWorkspacesDocument, { first, after: cursor })).workspaces!;
    pages.push(page);
    if (!page.pageInfo.hasNextPage) break;
    cursor = page.pageInfo.endCursor!;
  }
  const nodes: Node[] = pages.flatMap((page) => page.edges.map((edge) => edge.node));
  const cursors = pages.map((page) => page.pageInfo.endCursor).filter((cursor) => cursor != null);
  return { pages, nodes, lastCursor: cursors.at(-1) ?? after };
}

describe("fleet scope: two regions of two accounts", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  const clients = new Map<string, WorkSpacesClient>();

  /** A plain SDK client in the partition: the default keys, or the role's (assumed through the emulator's STS). */
  function clientOf(partition: PartitionRef): WorkSpacesClient {
    let client = clients.get(partitionKey(partition));
    if (!client) {
      const endpoint = gateway.emulator!.url;
      const credentials =
        partition.accountId === OTHER
          ? fromTemporaryCredentials({
              params: { RoleArn: READER_ROLE, RoleSessionName: "fleet-test" },
              masterCredentials: KEYS,
              clientConfig: { region: EAST, endpoint },
            })
          : KEYS;
      client = new WorkSpacesClient({ endpoint, region: partition.region, credentials });
      clients.set(partitionKey(partition), client);
    }
    return client;
  }

  /** What the SDK lists in a partition, in AWS's order. */
  async function sdkListing(partition: PartitionRef): Promise<Workspace[]> {
    const all: Workspace[] = [];
    for await (const page of paginateDescribeWorkspaces({ client: clientOf(partition) }, {})) all.push(...page.Workspaces!);
    return all;
  }

  /** What the SDK lists, partition by partition, as `<account>/<region> <id>`. */
  async function sdkFleet(): Promise<string[]> {
    const listings = await Promise.all(PARTITIONS.map(sdkListing));
    return PARTITIONS.flatMap((partition, i) => listings[i]!.map((w) => `${where(partition)} ${w.WorkspaceId}`));
  }

  before(async () => {
    gateway = await startTestGateway(
      { regions: [EAST, WEST], workspaces: 30, visibilityLagMs: 0, pendingMs: 4_000, coolDownScale: 0 },
      // One attempt: a throttled region is missing at once rather than after the retries.
      { roleArns: [READER_ROLE], awsMaxAttempts: 1, watchPollMs: 1_000 },
    );
  });
  after(async () => {
    for (const client of clients.values()) client.destroy();
    await gateway.close();
  });

  it("serves each account in each region, assuming the role once for both its regions, each partition with its budget", async () => {
    assert.deepEqual(
      gateway.fleet.partitions.map((p) => p.key),
      PARTITIONS.map(partitionKey),
    );
    const page = dataOf(await gateway.execute(FleetWorkspacesDocument, { first: 1 })).workspaces!;
    assert.deepEqual(page.missingPartitions, []);
    const stats = gateway.emulator!.stats();
    assert.equal(stats.requests.AssumeRole, 1, "one AssumeRole for the role's two regions");
    for (const partition of PARTITIONS)
      assert.equal(stats.partitions[partitionKey(partition)]?.DescribeWorkspaces, 1, partitionKey(partition));
    const metrics = await gateway.metrics();
    for (const partition of PARTITIONS) {
      const calls = metricValue(metrics, "workspaces_aws_budget_calls_total", { partition: partitionKey(partition), class: "read" });
      assert.ok(calls >= 1, `no budget of its own for ${partitionKey(partition)}`);
    }
  });

  it("asks every partition at once: a first page over four partitions waits for one round of calls", async () => {
    await gateway.resetAwsCalls();
    const release = gateway.emulator!.hold();
    const pending = gateway.execute(FleetWorkspacesDocument, { first: 25 });
    try {
      await eventually(async () => (await gateway.awsCalls()).DescribeWorkspaces === 4, "4 DescribeWorkspaces in flight at once");
    } finally {
      release();
    }
    const page = dataOf(await pending).workspaces!;
    assert.equal(page.edges.length, 25);
    assert.ok(
      page.edges.every(({ node }) => where(node) === partitionKey(PARTITIONS[0]!)),
      "the first partition's 30 fill the page",
    );
  });

  it("walking workspaces visits every WorkSpace of the four partitions once, partition by partition, as the SDK lists them", async () => {
    const expected = await sdkFleet();
    assert.equal(expected.length, 4 * 30);
    for (const first of [25, 100, 7]) {
      const { pages, nodes } = await walk(gateway, first);
      assert.deepEqual(
        nodes.map((node) => `${where(node)} ${node.workspaceId}`),
        expected,
        `pages of ${first}`,
      );
      assert.ok(pages.every((page) => page.missingPartitions.length === 0));
      for (const node of nodes) {
        assert.equal(where(node.bundle!), where(node), `${node.workspaceId}'s bundle is looked up in its own partition`);
        assert.equal(node.id, globalId("Workspace", node.workspaceId, node));
      }
    }
  });

  it("node and nodes round-trip IDs from every partition, 25 a call per partition, the partitions at once", async () => {
    const { nodes } = await walk(gateway, 100);
    const workspaces = PARTITIONS.map((partition) => nodes.find((node) => where(node) === partitionKey(partition))!);
    const directories = dataOf(await gateway.execute(FleetDirectoriesDocument, {})).directories!.edges.map((e) => e.node);
    const bundles = dataOf(await gateway.execute(FleetBundlesDocument, {})).bundles!.edges.map((e) => e.node);
    assert.deepEqual([...new Set(directories.map(where))], PARTITIONS.map(partitionKey));
    assert.deepEqual([...new Set(bundles.map(where))], PARTITIONS.map(partitionKey));
    const expected = [
      ...workspaces.map((w) => ({
        __typename: "Workspace",
        id: w.id,
        workspaceId: w.workspaceId,
        region: w.region,
        accountId: w.accountId,
      })),
      ...PARTITIONS.map((p) => directories.find((d) => where(d) === partitionKey(p))!).map((d) => ({ __typename: "Directory", ...d })),
      ...PARTITIONS.map((p) => bundles.find((b) => where(b) === partitionKey(p))!).map(({ owner: _, ...b }) => ({
        __typename: "Bundle",
        ...b,
      })),
    ];
    await gateway.resetAwsCalls();
    const found = dataOf(await gateway.execute(FleetNodesDocument, { ids: expected.map((node) => node.id) })).nodes;
    assert.deepEqual(found, expected);
    const { partitions } = gateway.emulator!.stats();
    for (const partition of PARTITIONS) {
      assert.deepEqual(
        partitions[partitionKey(partition)],
        { DescribeWorkspaces: 1, DescribeWorkspaceDirectories: 1 },
        `${partitionKey(partition)}: one call per loader (its bundle was cached by the list)`,
      );
    }

    const unserved = globalId("Workspace", workspaces[0]!.workspaceId, { accountId: "999999999999", region: EAST });
    const refused = await gateway.execute(FleetNodesDocument, { ids: [unserved, workspaces[1]!.id] });
    assert.deepEqual(
      refused.data?.nodes.map((n) => n?.id ?? null),
      [null, workspaces[1]!.id],
    );
    assert.deepEqual(
      refused.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.extensions?.rule]),
      [["VALIDATION", "id", "served"]],
    );
  });

  it("narrows lists to the regions and accounts named, refuses names it does not serve, and binds cursors to the choice", async () => {
    const west = dataOf(await gateway.execute(FleetWorkspacesDocument, { first: 100, regions: [WEST], accountIds: [OTHER] })).workspaces!;
    assert.deepEqual(
      west.edges.map(({ node }) => node.workspaceId),
      (await sdkListing({ accountId: OTHER, region: WEST })).map((w) => w.WorkspaceId),
    );
    const directories = dataOf(await gateway.execute(FleetDirectoriesDocument, { regions: [WEST] })).directories!.edges;
    assert.deepEqual([...new Set(directories.map((e) => where(e.node)))], [`${DEFAULT_ACCOUNT_ID}/${WEST}`, `${OTHER}/${WEST}`]);
    const refusals: [{ regions?: string[]; accountIds?: string[] }, string, string][] = [
      [{ regions: [WEST, "eu-central-1"] }, "regions[1]", "served"],
      [{ accountIds: ["999999999999"] }, "accountIds[0]", "served"],
      [{ regions: [] }, "regions", "listSize"],
      [{ accountIds: [OTHER, OTHER, OTHER] }, "accountIds", "listSize"],
    ];
    for (const [variables, field, rule] of refusals) {
      await gateway.resetAwsCalls();
      const refused = await gateway.execute(FleetWorkspacesDocument, { first: 5, ...variables });
      assert.deepEqual(
        refused.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.extensions?.rule]),
        [["VALIDATION", field, rule]],
      );
      assert.deepEqual(await gateway.awsCalls(), {});
    }
    const cursor = west.edges[0]!.cursor;
    const foreign = await gateway.execute(FleetWorkspacesDocument, { first: 5, after: cursor });
    assert.deepEqual(
      foreign.errors?.map((e) => e.extensions?.code),
      ["INVALID_CURSOR"],
    );
  });

  it("looks a WorkSpace up by AWS's ID in the partition named, and says what is missing when several could be meant", async () => {
    const [east] = await sdkListing({ accountId: OTHER, region: EAST });
    const workspaceId = east!.WorkspaceId!;
    const lookup = (region?: string, accountId?: string) => gateway.execute(FleetWorkspaceDocument, { workspaceId, region, accountId });
    assert.deepEqual(dataOf(await lookup(EAST, OTHER)).workspace, {
      id: globalId("Workspace", workspaceId, { accountId: OTHER, region: EAST }),
      workspaceId,
      region: EAST,
      accountId: OTHER,
    });
    assert.equal(dataOf(await lookup(WEST, OTHER)).workspace, null, "not in another region of the account");
    for (const [region, accountId, field, rule] of [
      [undefined, undefined, "region", "required"],
      [EAST, undefined, "accountId", "required"],
      ["ap-south-1", OTHER, "region", "served"],
    ] as const) {
      const refused = await lookup(region, accountId);
      assert.equal(refused.data?.workspace, null);
      assert.deepEqual(
        refused.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.extensions?.rule]),
        [["VALIDATION", field, rule]],
      );
    }
  });

  it("creates each WorkSpace in the partition its item names (a call per partition), in input order; it shows there only", async () => {
    const world = (partition: PartitionRef) => gateway.emulator!.worldOf(partition.accountId, partition.region);
    const request = (partition: PartitionRef, user: string) => ({
      region: partition.region,
      accountId: partition.accountId,
      directoryId: world(partition).directories.describe({}).Directories![0]!.DirectoryId!,
      bundleId: world(partition).bundles.describe({ Owner: "AMAZON" }).Bundles![0]!.BundleId!,
      userName: user,
    });
    const [homeEast, , otherEast, otherWest] = PARTITIONS as [PartitionRef, PartitionRef, PartitionRef, PartitionRef];
    const { region: _, accountId: __, ...unplaced } = request(otherEast, uniqueUser("fleet"));
    await gateway.resetAwsCalls();
    const payload = dataOf(
      await gateway.execute(FleetCreateWorkspacesDocument, {
        input: {
          workspaces: [
            request(otherWest, uniqueUser("fleet")),
            request(homeEast, uniqueUser("fleet")),
            request(otherWest, uniqueUser("fleet")),
            unplaced,
          ],
        },
      }),
    ).createWorkspaces!;
    assert.equal(payload.__typename, "CreateWorkspacesPayload");
    const results = (payload as Extract<typeof payload, { __typename: "CreateWorkspacesPayload" }>).results;
    assert.deepEqual(
      results.map((r) =>
        r.__typename === "Workspace" ? where(r) : r.__typename === "ValidationError" ? `${r.field} ${r.rule}` : r.__typename,
      ),
      [partitionKey(otherWest), partitionKey(homeEast), partitionKey(otherWest), "input.workspaces[3].region required"],
    );
    const { partitions } = gateway.emulator!.stats();
    assert.equal(partitions[partitionKey(otherWest)]?.CreateWorkspaces, 1, "the two of one partition in one call");
    assert.equal(partitions[partitionKey(homeEast)]?.CreateWorkspaces, 1);
    for (const created of results.filter((r) => r.__typename === "Workspace")) {
      const seenIn = [];
      for (const partition of PARTITIONS) {
        const { Workspaces } = await clientOf(partition).send(new DescribeWorkspacesCommand({ WorkspaceIds: [created.workspaceId] }));
        if (Workspaces!.length > 0) seenIn.push(partitionKey(partition));
      }
      assert.deepEqual(seenIn, [where(created)], `${created.workspaceId} shows in its partition only`);
    }
  });

  it("a subscription follows WorkSpaces in two regions at once, through a stop whose items name their partitions", async () => {
    const pick = async (partition: PartitionRef) =>
      (await sdkListing(partition)).find((w) => w.State === "AVAILABLE" && w.WorkspaceProperties?.RunningMode === "AUTO_STOP")!;
    const targets = await Promise.all(
      [PARTITIONS[0]!, PARTITIONS[3]!].map(async (partition) => ({ workspaceId: (await pick(partition)).WorkspaceId!, ...partition })),
    );
    const subscription = await SseSubscription.open(gateway.url, FleetStateChangedDocument, { workspaces: targets });
    try {
      const seen = new Map(targets.map((t) => [`${where(t)} ${t.workspaceId}`, [] as string[]]));
      const next = async () => {
        const event = (await subscription.nextData()).workspaceStateChanged;
        assert.equal(event.__typename, "Workspace");
        if (event.__typename === "Workspace") seen.get(`${where(event)} ${event.workspaceId}`)!.push(event.state);
      };
      await next();
      await next();
      assert.deepEqual([...seen.values()], [["AVAILABLE"], ["AVAILABLE"]]);

      const refused = dataOf(
        await gateway.execute(FleetStopWorkspacesDocument, { input: { workspaceIds: targets.map((t) => t.workspaceId) } }),
      );
      assert.equal(refused.stopWorkspaces?.__typename, "ValidationError", "AWS IDs alone name no partition");
      if (refused.stopWorkspaces?.__typename === "ValidationError") {
        assert.deepEqual([refused.stopWorkspaces.field, refused.stopWorkspaces.rule], ["input.workspaceIds", "partition"]);
      }
      await gateway.resetAwsCalls();
      const stopped = dataOf(await gateway.execute(FleetStopWorkspacesDocument, { input: { workspaces: targets } })).stopWorkspaces!;
      assert.equal(stopped.__typename, "WorkspaceActionPayload");
      if (stopped.__typename === "WorkspaceActionPayload") {
        assert.deepEqual(
          stopped.results.map((r) => (r.__typename === "WorkspaceActionSuccess" ? where(r.workspace!) : r.__typename)),
          targets.map(where),
        );
      }
      const { partitions } = gateway.emulator!.stats();
      for (const target of targets) assert.equal(partitions[where(target)]?.StopWorkspaces, 1, where(target));

      await eventually(
        async () => {
          if ([...seen.values()].every((states) => states.at(-1) === "STOPPED")) return true;
          await next();
          return false;
        },
        "both WorkSpaces stopped",
        TIMEOUT_MS / 2,
      );
      // STOPPING may pass between two polls on a busy machine; the order never changes.
      for (const states of seen.values()) {
        assert.deepEqual(
          states.filter((state) => state !== "STOPPING"),
          ["AVAILABLE", "STOPPED"],
        );
      }
    } finally {
      subscription.close();
    }
  });

  it("modifies WorkSpaces of several partitions in one mutation, each in its own", async () => {
    const pick = async (partition: PartitionRef) =>
      (await sdkListing(partition)).find((w) => w.State === "AVAILABLE" && w.WorkspaceProperties?.RunningMode === "ALWAYS_ON")!;
    const targets = await Promise.all(
      [PARTITIONS[1]!, PARTITIONS[2]!].map(async (p) => ({ workspaceId: (await pick(p)).WorkspaceId!, ...p })),
    );
    const modifications = targets.map((t) => ({ ...t, workspaceProperties: { runningMode: "AUTO_STOP" as const } }));
    const payload = dataOf(await gateway.execute(FleetModifyWorkspacePropertiesDocument, { input: { modifications } }))
      .modifyWorkspaceProperties!;
    assert.equal(payload.__typename, "ModifyWorkspacePropertiesPayload");
    if (payload.__typename === "ModifyWorkspacePropertiesPayload") {
      assert.deepEqual(
        payload.results.map((r) =>
          r.__typename === "ModifyWorkspacePropertiesSuccess"
            ? [where(r.workspace!), r.workspace!.workspaceId, r.workspace!.workspaceProperties?.runningMode]
            : // A failure with its code and message, so that one seen on a busy machine says what it was.
              [r.__typename, "code" in r ? r.code : null, "message" in r ? r.message : null],
        ),
        targets.map((t) => [where(t), t.workspaceId, "AUTO_STOP"]),
      );
    }
  });

  it("a throttled region is missing from each page while the others' WorkSpaces arrive; once it answers, the walk brings its own, each once", async () => {
    const expected = await sdkFleet();
    gateway.emulator!.settings.throttleRates[WEST] = 1;
    let throttled: Awaited<ReturnType<typeof walk>>;
    try {
      throttled = await walk(gateway, 25);
    } finally {
      delete gateway.emulator!.settings.throttleRates[WEST];
    }
    for (const page of throttled.pages) {
      assert.deepEqual(
        page.missingPartitions.map((m) => [where(m), m.code, m.retryable, m.awsErrorCode]),
        PARTITIONS.filter((p) => p.region === WEST).map((p) => [partitionKey(p), "THROTTLED", true, "ThrottlingException"]),
      );
    }
    assert.ok(throttled.nodes.every((node) => node.region === EAST));
    const rest = await walk(gateway, 25, throttled.lastCursor);
    assert.ok(rest.pages.every((page) => page.missingPartitions.length === 0));
    const visited = [...throttled.nodes, ...rest.nodes].map((node) => `${where(node)} ${node.workspaceId}`);
    assert.deepEqual([...visited].sort(), [...expected].sort(), "every WorkSpace once");
    assert.deepEqual(
      rest.nodes.map((node) => `${where(node)} ${node.workspaceId}`),
      expected.filter((entry) => entry.includes(WEST)),
      "the region's partitions in order, AWS's order within each",
    );
  });
});

describe("fleet scope: a role that cannot be assumed", { timeout: TIMEOUT_MS }, () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway({ regions: [EAST, WEST], workspaces: 20 }, { roleArns: [DENIED_ROLE] });
  });
  after(() => gateway.close());

  it("leaves its account's partitions missing, with why, while the default account's WorkSpaces arrive; STS is asked again after a backoff", async () => {
    const { pages, nodes } = await walk(gateway, 15);
    assert.ok(pages.length >= 3);
    assert.deepEqual([...new Set(nodes.map(where))], [`${DEFAULT_ACCOUNT_ID}/${EAST}`, `${DEFAULT_ACCOUNT_ID}/${WEST}`]);
    assert.equal(nodes.length, 40);
    for (const page of pages) {
      assert.deepEqual(
        page.missingPartitions.map((m) => [where(m), m.code, m.retryable, m.awsErrorCode]),
        [
          [`${OTHER}/${EAST}`, "ACCESS_DENIED", false, "AccessDenied"],
          [`${OTHER}/${WEST}`, "ACCESS_DENIED", false, "AccessDenied"],
        ],
      );
      assert.doesNotMatch(page.missingPartitions[0]!.message, /arn:aws|\d{12}/, "nothing of the ARN or the account leaks");
    }
    // Both regions' calls wait for the same attempt; after a refusal, pages within the backoff (1 s, doubling) get it again.
    const assumed = gateway.emulator!.stats().requests.AssumeRole ?? 0;
    assert.ok(assumed >= 1 && assumed <= pages.length, `${assumed} AssumeRole for ${pages.length} pages`);
  });
});

describe("fleet scope: start-up", () => {
  it("refuses a role in the default credentials' own account, naming it", async () => {
    await assert.rejects(startTestGateway({}, { roleArns: [`arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/WorkSpacesReader`] }), {
      message: new RegExp(
        `^WORKSPACES_ROLE_ARNS: arn:aws:iam::${DEFAULT_ACCOUNT_ID}:role/WorkSpacesReader is in account ${DEFAULT_ACCOUNT_ID}, which the gateway already serves with its default credentials$`,
      ),
    });
  });
});

describe("fleet scope: as the AWS CLI sees each partition", {
  skip: AWS ? false : "no aws on PATH (npm test installs Debian's awscli when run as root)",
}, () => {
  let gateway: TestGateway;
  let aws: AwsCli;
  before(async () => {
    gateway = await startTestGateway({ regions: [EAST, WEST], workspaces: 12 }, { roleArns: [READER_ROLE] });
    aws = await startAwsCli(AWS!);
  });
  after(async () => {
    await aws?.close();
    await gateway.close();
  });

  /** `aws <args>` against the emulator, with only these keys and no configuration of the machine's; its JSON. */
  async function cli(args: string[], keys: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
    const { code, stdout, stderr } = await aws.run([...args, "--endpoint-url", gateway.emulator!.url, "--output", "json"], {
      ...env,
      AWS_ACCESS_KEY_ID: keys.accessKeyId,
      AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
      AWS_DEFAULT_REGION: EAST,
      AWS_CONFIG_FILE: join(tmpdir(), "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), "no-aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PAGER: "",
    });
    assert.equal(code, 0, `aws ${args.join(" ")} failed: ${stderr}`);
    return JSON.parse(stdout);
  }

  it("walking workspaces visits what describe-workspaces shows in each region of each account, once", async () => {
    const assumed = await cli(["sts", "assume-role", "--role-arn", READER_ROLE, "--role-session-name", "fleet-cli"], KEYS);
    const roleKeys = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };
    const listings = await Promise.all(
      PARTITIONS.map(async (partition) => {
        const keys = partition.accountId === OTHER ? roleKeys : KEYS;
        const { Workspaces } = await cli(["workspaces", "describe-workspaces", "--region", partition.region], keys);
        return (Workspaces as { WorkspaceId: string }[]).map((w) => `${partitionKey(partition)} ${w.WorkspaceId}`);
      }),
    );
    const { nodes } = await walk(gateway, 10);
    assert.deepEqual(
      nodes.map((node) => `${where(node)} ${node.workspaceId}`),
      listings.flat(),
    );
    assert.equal(new Set(listings.flat()).size, 4 * 12);
  });
});
