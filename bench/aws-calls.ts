// Section 1: the AWS calls each operation of the fixed set costs, beside the fewest that could answer it. Cold is a
// gateway with its bundle cache off (BUNDLE_CACHE_TTL_MS=0, so every request is a first one); warm is the same
// operation asked twice of a gateway with the default cache, the second time counted.

import { DEFAULT_ACCOUNT_ID } from "../src/emulator/index.ts";
import type { ChildServer } from "../test/support/processes.ts";
import { startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { awsCalls, graphql, resetAwsCalls, total, verdict } from "./harness.ts";
import type { DashboardData } from "./operations.ts";
import { DASHBOARD, operation } from "./operations.ts";

const FLEET = 250;

interface Listed {
  workspaceId: string;
  directoryId: string;
  bundleId: string;
  state: string;
  workspaceProperties: { runningMode: string };
}

interface Case {
  operation: string;
  /** Asks it of a gateway; an answer short of complete fails the bench. */
  run(url: string): Promise<void>;
  /** Reads are counted cold and warm; a mutation changes AWS, so it is counted once. */
  minimum: { cold: number; warm: number } | number;
}

interface MainScreenData {
  workspaces: { edges: { node: { bundle: unknown; directory: unknown; connectionStatus: unknown } }[] };
}

/** A global ID in the emulator's default account and first region, where the bench's gateway reads. */
const globalId = (type: string, id: string) => Buffer.from(`${type}:${DEFAULT_ACCOUNT_ID}/us-east-1/${id}`).toString("base64");

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`aws-calls: ${what}`);
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

function cases(fleet: Listed[]): Case[] {
  const ids = fleet.slice(0, 100).map((w) => w.workspaceId);
  const bundleId = mostCommon(fleet.map((w) => w.bundleId));
  const directoryId = fleet[0]!.directoryId;
  const modifiable = fleet.filter((w) => w.state === "AVAILABLE" || w.state === "STOPPED").slice(0, 25);
  expect(ids.length === 100 && modifiable.length === 25, "the fleet is too small for the operation set");
  let creations = 0;
  return [
    {
      operation: "dashboard: workspaces(first: 25) with bundle name and compute type",
      minimum: { cold: 2, warm: 1 },
      run: async (url) => {
        const data = await graphql<DashboardData>(url, DASHBOARD, { first: 25 });
        expect(data.workspaces.edges.length === 25 && data.workspaces.edges.every((e) => e.node.bundle), "dashboard incomplete");
      },
    },
    {
      operation: "console main screen: workspaces(first: 25) with bundle, directory and connection status",
      minimum: { cold: 4, warm: 3 },
      run: async (url) => {
        const data = await graphql<MainScreenData>(url, operation("ConsoleMainScreen"), { first: 25 });
        const nodes = data.workspaces.edges.map((e) => e.node);
        expect(nodes.length === 25 && nodes.every((n) => n.bundle && n.directory && n.connectionStatus), "main screen incomplete");
      },
    },
    {
      operation: "nodes of 100 workspace IDs",
      minimum: { cold: 4, warm: 4 },
      run: async (url) => {
        const data = await graphql<{ nodes: ({ workspaceId: string } | null)[] }>(url, operation("NodesByIds"), {
          ids: ids.map((id) => globalId("Workspace", id)),
        });
        expect(
          data.nodes.every((n, i) => n?.workspaceId === ids[i]),
          "nodes incomplete",
        );
      },
    },
    {
      operation: "a bundle with its workspaces (first: 10)",
      minimum: { cold: 2, warm: 1 },
      run: async (url) => {
        const data = await graphql<{ bundle: { workspaces: { edges: unknown[] } } | null }>(url, operation("BundleById"), {
          bundleId,
          first: 10,
        });
        expect((data.bundle?.workspaces.edges.length ?? 0) > 0, "bundle without workspaces");
      },
    },
    {
      operation: "createWorkspaces of 30",
      minimum: 2,
      run: async (url) => {
        creations++;
        const workspaces = Array.from({ length: 30 }, (_, i) => ({ directoryId, userName: `bench-${creations}-${i}`, bundleId }));
        const data = await graphql<{ createWorkspaces: { results: { __typename: string }[] } }>(url, operation("CreateWorkspaces"), {
          input: { workspaces },
        });
        expect(
          data.createWorkspaces.results.every((r) => r.__typename === "Workspace"),
          "a creation failed",
        );
      },
    },
    {
      operation: "modifyWorkspaceProperties of 25 (then each re-read)",
      minimum: 26,
      run: async (url) => {
        const modifications = modifiable.map((w) => ({
          workspaceId: w.workspaceId,
          workspaceProperties: { runningMode: w.workspaceProperties.runningMode === "ALWAYS_ON" ? "AUTO_STOP" : "ALWAYS_ON" },
        }));
        const data = await graphql<{ modifyWorkspaceProperties: { results: { __typename: string }[] } }>(
          url,
          operation("ModifyWorkspaceProperties"),
          { input: { modifications } },
        );
        expect(
          data.modifyWorkspaceProperties.results.every((r) => r.__typename === "ModifyWorkspacePropertiesSuccess"),
          "a modification failed",
        );
      },
    },
  ];
}

async function count(emulatorUrl: string, gateway: ChildServer, run: (url: string) => Promise<void>) {
  await resetAwsCalls(emulatorUrl);
  await run(gateway.url);
  return awsCalls(emulatorUrl);
}

const describe = (calls: Record<string, number>) =>
  Object.entries(calls)
    .map(([op, n]) => `${op} ${n}`)
    .join(" + ");

export async function measureAwsCalls(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(FLEET);
  const cold = await startGatewayProcess(emulator.url, { BUNDLE_CACHE_TTL_MS: "0" });
  const warm = await startGatewayProcess(emulator.url);
  try {
    const listed = await graphql<{ workspaces: { edges: { node: Listed }[] } }>(cold.url, operation("WorkspacesDetailed"), { first: 100 });
    const rows: SectionResult["rows"] = [];
    const row = (name: string, cache: string, calls: Record<string, number>, least: number) =>
      rows.push({
        operation: name,
        cache,
        "AWS calls": describe(calls),
        total: total(calls),
        minimum: least,
        result: verdict(total(calls) <= least),
      });
    for (const { operation: name, run, minimum } of cases(listed.workspaces.edges.map((e) => e.node))) {
      if (typeof minimum === "number") {
        row(name, "", await count(emulator.url, warm, run), minimum);
        continue;
      }
      row(name, "cold", await count(emulator.url, cold, run), minimum.cold);
      await run(warm.url); // the first ask fills the bundle cache
      row(name, "warm", await count(emulator.url, warm, run), minimum.warm);
    }
    return { title: "1. AWS calls per operation", rows, notes: [`emulator with ${FLEET} workspaces; cold = bundle cache off`] };
  } finally {
    await Promise.all([cold.close(), warm.close()]);
    await emulator.close();
  }
}
