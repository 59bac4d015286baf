// Section 5: 100 concurrent clients running the dashboard query against a freshly started gateway, the emulator adding
// 50 ms per call so reads overlap as they do against AWS: AWS calls per second against GraphQL requests per second.
// Identical reads in flight at once are what coalescing folds into one call, so calls per request show whether it works.
// 5b: 200 subscribers (ten callers) on the same 30 WorkSpaces, each event with its directory and connection status:
// the AWS calls of subscribing and of the ticks that bring five changes, and what the callers were charged.

import {
  DescribeWorkspacesCommand,
  ModifyWorkspacePropertiesCommand,
  paginateDescribeWorkspaces,
  WorkSpacesClient,
} from "@aws-sdk/client-workspaces";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import type { ChildServer } from "../test/support/processes.ts";
import { scrapeMetrics, startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import { SseSubscription } from "../test/support/sse.ts";
import type { SectionResult } from "./harness.ts";
import { awsCalls, resetAwsCalls, round, total, verdict } from "./harness.ts";
import { load } from "./load.ts";
import { DASHBOARD } from "./operations.ts";

const CLIENTS = 100;
const SECONDS = 10;
const LATENCY_MS = 50;
const TARGET = 0.1; // AWS calls per GraphQL request: at least 10 requests served per call

export async function measureFanOut(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(250, LATENCY_MS);
  const gateway = await startGatewayProcess(emulator.url);
  try {
    const result = await load(gateway.url, JSON.stringify({ query: DASHBOARD, variables: { first: 25 } }), CLIENTS, SECONDS);
    const calls = await awsCalls(emulator.url);
    const perRequest = total(calls) / result.requests;
    const perSecond = (n: number) => round(n / result.seconds);
    return {
      title: `5. Fan-out: ${CLIENTS} concurrent clients on the dashboard (emulator +${LATENCY_MS} ms per call, cold start)`,
      rows: [
        { measure: "GraphQL requests", count: result.requests, "per second": perSecond(result.requests) },
        ...Object.entries(calls).map(([op, n]) => ({ measure: `AWS calls: ${op}`, count: n, "per second": perSecond(n) })),
        {
          measure: "AWS calls per GraphQL request",
          count: round(perRequest, 3),
          target: `<= ${TARGET}`,
          result: verdict(perRequest <= TARGET),
        },
      ],
      notes: [
        `${SECONDS} s of autocannon at ${CLIENTS} connections; calls from the emulator's /_emulator/stats; GraphQL p99 ${result.p99Ms} ms`,
      ],
    };
  } finally {
    await gateway.close();
    await emulator.close();
  }
}

const SUBSCRIBERS = 200;
const CALLERS = 10;
const WATCHED = 30;
const CHANGED = 5;
const POLL_MS = 1_000;
const LOOKUP_OPERATIONS = ["DescribeWorkspaceDirectories", "DescribeWorkspacesConnectionStatus"] as const;

const subscriberKey = (caller: number) => `bench-subscriber-${caller}-0123456789abcdef`;

type StateChanged = { workspaceStateChanged: { __typename: string; workspaceId?: string } };
const WITH_LOOKUPS = parse(`subscription ($ids: [String!]!) { workspaceStateChanged(workspaceIds: $ids) {
  __typename ... on Workspace { workspaceId state directory { directoryId } connectionStatus { connectionState } } } }`) as TypedDocumentNode<
  StateChanged,
  { ids: string[] }
>;

/** What the gateway has charged its callers so far, and the busiest turn of its event loop since the last scrape. */
async function scrape(gateway: ChildServer) {
  const text = await scrapeMetrics(gateway);
  const value = (line: string) =>
    Number(
      text
        .split("\n")
        .find((l) => l.startsWith(`${line} `))
        ?.split(" ")[1] ?? 0,
    );
  return {
    charged:
      value('workspaces_caller_charged_calls_total{charge="operation"}') + value('workspaces_caller_charged_calls_total{charge="event"}'),
    busiestTurnMs: value("bench_eventloop_busiest_turn_cpu_seconds") * 1000,
  };
}

/** Every subscriber's next `count` events, without errors. */
async function receive(subscriptions: SseSubscription<StateChanged>[], count: number) {
  await Promise.all(
    subscriptions.map(async (s) => {
      for (let i = 0; i < count; i++) await s.nextData();
    }),
  );
}

export async function measureSubscriptionFanOut(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(250, LATENCY_MS);
  const gateway = await startGatewayProcess(
    emulator.url,
    {
      // As deployed: the budget and the callers' quotas at their defaults.
      AWS_RATE_LIMIT: "50",
      CALLER_RATE_LIMIT: "",
      WATCH_POLL_MS: String(POLL_MS),
      GATEWAY_API_KEYS: Array.from({ length: CALLERS }, (_, i) => `${subscriberKey(i)}:read`).join(","),
    },
    // The probe is TypeScript: tsx's loader first (the child's own --import tsx comes after these).
    ["--import", "tsx", "--import", "./bench/loop-probe.ts"],
  );
  const client = new WorkSpacesClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "b", secretAccessKey: "b" },
  });
  let subscriptions: SseSubscription<StateChanged>[] = [];
  try {
    // AVAILABLE with no change running: the ones AWS lets the changes be made to.
    const fleet = [];
    for await (const page of paginateDescribeWorkspaces({ client }, {})) fleet.push(...(page.Workspaces ?? []));
    const ids = fleet
      .filter((w) => w.State === "AVAILABLE" && (w.ModificationStates ?? []).length === 0)
      .slice(0, WATCHED)
      .map((w) => w.WorkspaceId!);
    const started = await scrape(gateway);
    await resetAwsCalls(emulator.url);
    subscriptions = await Promise.all(
      Array.from({ length: SUBSCRIBERS }, (_, i) =>
        SseSubscription.open(gateway.url, WITH_LOOKUPS, { ids }, "POST", { authorization: `Bearer ${subscriberKey(i % CALLERS)}` }),
      ),
    );
    await receive(subscriptions, WATCHED);
    const subscribed = await scrape(gateway);
    const subscribing = {
      calls: await awsCalls(emulator.url),
      charged: subscribed.charged - started.charged,
      busiestTurnMs: subscribed.busiestTurnMs,
    };

    // Five WorkSpaces' running mode flipped through AWS directly, found by the next ticks.
    const { Workspaces = [] } = await client.send(new DescribeWorkspacesCommand({ WorkspaceIds: ids.slice(0, CHANGED) }));
    await resetAwsCalls(emulator.url);
    for (const workspace of Workspaces) {
      const mode = workspace.WorkspaceProperties?.RunningMode === "ALWAYS_ON" ? "AUTO_STOP" : "ALWAYS_ON";
      await client.send(
        new ModifyWorkspacePropertiesCommand({ WorkspaceId: workspace.WorkspaceId!, WorkspaceProperties: { RunningMode: mode } }),
      );
    }
    await receive(subscriptions, CHANGED);
    const ticked = await scrape(gateway);
    const calls = await awsCalls(emulator.url);
    const { ModifyWorkspaceProperties: _changes, ...polled } = calls;
    const ticks = { calls: polled, charged: ticked.charged - subscribed.charged, busiestTurnMs: ticked.busiestTurnMs };

    const row = (phase: string, events: number, measured: typeof ticks, lookupsAllowed: number) => {
      const lookups = LOOKUP_OPERATIONS.map((operation) => measured.calls[operation] ?? 0);
      return {
        phase,
        "events delivered": events,
        DescribeWorkspaces: measured.calls.DescribeWorkspaces ?? 0,
        DescribeWorkspaceDirectories: lookups[0]!,
        DescribeWorkspacesConnectionStatus: lookups[1]!,
        "calls charged": round(measured.charged, 1),
        "busiest turn CPU ms": round(measured.busiestTurnMs),
        target: `each lookup <= ${lookupsAllowed}, calls <= charged`,
        result: verdict(lookups.every((n) => n <= lookupsAllowed) && total(measured.calls) <= measured.charged),
      };
    };
    // The ticks that brought the changes, each a fetch of the 30 WorkSpaces in two calls.
    const ticksWithNews = Math.max(1, Math.ceil((polled.DescribeWorkspaces ?? 0) / 2));
    return {
      title: `5b. Fan-out of subscriptions: ${SUBSCRIBERS} subscribers (${CALLERS} callers) on the same ${WATCHED} WorkSpaces, each event with its directory and connection status`,
      rows: [
        // A subscriber's first events batch their lookups, 25 IDs a call: two calls per lookup for 30 WorkSpaces, at most.
        row(`subscribing: ${WATCHED} first events each`, SUBSCRIBERS * WATCHED, subscribing, 2 * SUBSCRIBERS),
        // The ticks' lookups, batched across all subscribers: one call per lookup per tick for the WorkSpaces it changed.
        row(`ticks bringing ${CHANGED} changes`, SUBSCRIBERS * CHANGED, ticks, ticksWithNews),
      ],
      notes: [
        `WATCH_POLL_MS=${POLL_MS}, AWS_RATE_LIMIT=50, quotas at their defaults (${CALLERS} API keys, 20 subscriptions each); emulator +${LATENCY_MS} ms per call`,
        "calls charged: workspaces_caller_charged_calls_total over the phase (subscribing: each subscription's worst case, its first events' lookups included; ticks: each event's lookups, 2/25 of a call); the ticks' calls leave out the five ModifyWorkspaceProperties",
        "busiest turn CPU: the most CPU time the gateway's event-loop thread spent in one turn of the loop during the phase (bench/loop-probe.ts)",
      ],
    };
  } finally {
    for (const subscription of subscriptions) subscription.close();
    client.destroy();
    await gateway.close();
    await emulator.close();
  }
}
