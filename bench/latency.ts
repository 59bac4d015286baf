// Section 2: the dashboard through the gateway against the same through @aws-sdk/client-workspaces directly, with the
// emulator adding 50 ms to each call. Cold: a gateway with its bundle cache off (2 calls, like the script); warm: the
// default cache (1 call). The three are timed in turn, in a rotating order, so drift falls on all alike.
import { DescribeWorkspaceBundlesCommand, DescribeWorkspacesCommand, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { graphql, median, percentile, round, timed, verdict } from "./harness.ts";
import type { DashboardData } from "./operations.ts";
import { DASHBOARD } from "./operations.ts";

const LATENCY_MS = 50;
const WARMUP_ROUNDS = 5;
const ROUNDS = 60;
const TARGETS = { cold: 1.05, warm: 0.55 };

/** What a user would write instead of the gateway: a page of workspaces, then their bundles in one call. */
async function directDashboard(client: WorkSpacesClient) {
  const { Workspaces = [] } = await client.send(new DescribeWorkspacesCommand({ Limit: 25 }));
  const bundleIds = [...new Set(Workspaces.map((w) => w.BundleId!))];
  const { Bundles = [] } = await client.send(new DescribeWorkspaceBundlesCommand({ BundleIds: bundleIds }));
  const bundles = new Map(Bundles.map((b) => [b.BundleId, b]));
  return Workspaces.map((w) => {
    const bundle = bundles.get(w.BundleId);
    return { workspaceId: w.WorkspaceId, state: w.State, bundle: bundle && { name: bundle.Name, computeType: bundle.ComputeType?.Name } };
  });
}

export async function measureLatency(): Promise<SectionResult> {
  const emulator = await startEmulatorProcess(250, LATENCY_MS);
  const cold = await startGatewayProcess(emulator.url, { BUNDLE_CACHE_TTL_MS: "0" });
  const warm = await startGatewayProcess(emulator.url);
  const client = new WorkSpacesClient({
    endpoint: emulator.url,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  try {
    const contenders: Record<"direct" | "cold" | "warm", () => Promise<unknown>> = {
      direct: () => directDashboard(client),
      cold: () => graphql<DashboardData>(cold.url, DASHBOARD, { first: 25 }),
      warm: () => graphql<DashboardData>(warm.url, DASHBOARD, { first: 25 }),
    };
    const names = Object.keys(contenders) as (keyof typeof contenders)[];
    const samples = { direct: [] as number[], cold: [] as number[], warm: [] as number[] };
    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        const { ms } = await timed(contenders[name]);
        if (round >= WARMUP_ROUNDS) samples[name].push(ms);
      }
    }
    const base = median(samples.direct);
    const row = (contender: string, name: keyof typeof samples, target?: number) => {
      const ratio = median(samples[name]) / base;
      return {
        contender,
        "median ms": round(median(samples[name])),
        "p95 ms": round(percentile(samples[name], 95)),
        "vs direct SDK": round(ratio, 3),
        target: target === undefined ? "" : `<= ${target}`,
        result: target === undefined ? "" : verdict(ratio <= target),
      };
    };
    return {
      title: `2. Dashboard latency against the direct SDK (emulator +${LATENCY_MS} ms per call)`,
      rows: [
        row("direct SDK: DescribeWorkspaces, then DescribeWorkspaceBundles", "direct"),
        row("gateway, cold (2 AWS calls)", "cold", TARGETS.cold),
        row("gateway, warm (1 AWS call, bundles cached)", "warm", TARGETS.warm),
      ],
      notes: [`${ROUNDS} rounds after ${WARMUP_ROUNDS} of warm-up; ratios of medians`],
    };
  } finally {
    client.destroy();
    await Promise.all([cold.close(), warm.close()]);
    await emulator.close();
  }
}
