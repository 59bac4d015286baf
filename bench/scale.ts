// Section 4: a client paging through 100,000 workspaces with `first: 100` (WorkspacesPage, pageInfo included): the
// gateway's RSS stays flat, and a page costs about what it costs at 1,000 workspaces. Blocks of pages of the large
// fleet alternate with complete walks of the small one, so drift falls on both alike.

import type { ChildServer } from "../test/support/processes.ts";
import { startEmulatorProcess, startGatewayProcess } from "../test/support/processes.ts";
import type { SectionResult } from "./harness.ts";
import { graphql, median, percentile, round, timed, verdict } from "./harness.ts";
import { operation } from "./operations.ts";

const SMALL = 1_000;
const LARGE = 100_000;
const FIRST = 100;
const BLOCK = 10;
// V8 sizes its heap to the load over the first couple of hundred pages; growth is measured from there.
const WARMUP_PAGES = 300;
const TARGETS = { ratio: 2, growthMb: 50 };
const PAGE = operation("WorkspacesPage");

interface PageData {
  workspaces: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** A client paging through one gateway's listing from the start, timing each page. */
class Walk {
  readonly samples: number[] = [];
  served = 0;
  private after: string | null = null;

  constructor(readonly gateway: ChildServer) {}

  /** Fetches the next page; false once the listing is through (a further call starts again from the first page). */
  async next(record: boolean): Promise<boolean> {
    const { ms, value } = await timed(() => graphql<PageData>(this.gateway.url, PAGE, { first: FIRST, after: this.after }));
    if (record) this.samples.push(ms);
    this.served += value.workspaces.edges.length;
    this.after = value.workspaces.pageInfo.hasNextPage ? value.workspaces.pageInfo.endCursor : null;
    return this.after !== null;
  }

  restart(): void {
    this.after = null;
    this.served = 0;
  }
}

export async function measureScale(): Promise<SectionResult> {
  const started = performance.now();
  const emulators = await Promise.all([startEmulatorProcess(SMALL), startEmulatorProcess(LARGE)]);
  const startupS = (performance.now() - started) / 1000;
  const gateways = await Promise.all(emulators.map((e) => startGatewayProcess(e.url)));
  try {
    const [small, large] = gateways.map((g) => new Walk(g)) as [Walk, Walk];
    const idleMb = large.gateway.rssMb();
    // Under load RSS rises and falls with garbage collection: what paging on costs is how far the walk's peak rises
    // above the peak of a warm-up (a leak of 500 bytes per workspace would add 50 MB).
    for (let i = 0; i < WARMUP_PAGES; i++) if (!(await small.next(false))) small.restart();
    let warmPeakMb = 0;
    for (let i = 0; i < WARMUP_PAGES; i++) {
      await large.next(false);
      warmPeakMb = Math.max(warmPeakMb, large.gateway.rssMb());
    }
    small.restart();
    large.restart();
    let peakMb = 0;
    for (let more = true; more; ) {
      for (let i = 0; i < BLOCK && more; i++) {
        more = await large.next(true);
        peakMb = Math.max(peakMb, large.gateway.rssMb());
      }
      small.restart();
      while (await small.next(true));
      if (small.served !== SMALL) throw new Error(`scale: a walk served ${small.served} of ${SMALL} workspaces`);
    }
    if (large.served !== LARGE) throw new Error(`scale: the walk served ${large.served} of ${LARGE} workspaces`);
    const endMb = large.gateway.rssMb();
    const ratio = median(large.samples) / median(small.samples);
    const growthMb = peakMb - warmPeakMb;
    const pageRow = (walk: Walk, size: number) => ({
      measure: `ms per page of ${FIRST}, ${size.toLocaleString("en-US")} workspaces (${walk.samples.length} pages)`,
      "median ms": round(median(walk.samples)),
      "p95 ms": round(percentile(walk.samples, 95)),
    });
    return {
      title: `4. Scale: paging through ${LARGE.toLocaleString("en-US")} workspaces with first: ${FIRST}`,
      rows: [
        pageRow(small, SMALL),
        {
          ...pageRow(large, LARGE),
          value: `${ratio.toFixed(2)}x the ${SMALL.toLocaleString("en-US")} figure`,
          target: `<= ${TARGETS.ratio}x`,
          result: verdict(ratio <= TARGETS.ratio),
        },
        {
          measure: `gateway RSS while paging ${LARGE.toLocaleString("en-US")}`,
          value: `${growthMb >= 0 ? "+" : ""}${round(growthMb)} MB (idle ${round(idleMb)}, warm-up peak ${round(warmPeakMb)}, walk peak ${round(peakMb)}, end ${round(endMb)})`,
          target: `< ${TARGETS.growthMb} MB growth`,
          result: verdict(growthMb < TARGETS.growthMb),
        },
      ],
      notes: [
        `RSS in MB, sampled after every page; growth is the walk's peak over that of ${WARMUP_PAGES} warm-up pages; the emulators took ${round(startupS)} s to start`,
      ],
    };
  } finally {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(emulators.map((e) => e.close()));
  }
}
