import type { DescribeWorkspaceBundlesRequest, DescribeWorkspaceBundlesResult, WorkspaceBundle } from "@aws-sdk/client-workspaces";
import { PAGE_SIZE, validateDescribeWorkspaceBundles } from "../constraints.ts";
import { invalidParameter, rejectViolations } from "./aws-error.ts";
import { pageOf } from "./pagination.ts";

const AMAZON = "AMAZON";

export class BundleCatalog {
  readonly byId: ReadonlyMap<string, WorkspaceBundle>;
  private readonly listings: Record<"amazon" | "account", { seq: number; bundle: WorkspaceBundle }[]>;

  constructor(
    bundles: WorkspaceBundle[],
    private readonly clock: () => number,
  ) {
    this.byId = new Map(bundles.map((b) => [b.BundleId!, b]));
    const sequenced = bundles.map((bundle, seq) => ({ seq, bundle }));
    this.listings = {
      amazon: sequenced.filter((b) => b.bundle.Owner === AMAZON),
      account: sequenced.filter((b) => b.bundle.Owner !== AMAZON),
    };
  }

  describe(request: DescribeWorkspaceBundlesRequest): DescribeWorkspaceBundlesResult {
    rejectViolations(validateDescribeWorkspaceBundles(request));
    if (request.BundleIds) {
      const found = [...new Set(request.BundleIds)].map((id) => this.byId.get(id)).filter((b) => b !== undefined);
      return { Bundles: structuredClone(found) };
    }
    if (request.Owner !== undefined && request.Owner !== AMAZON) {
      throw invalidParameter("Owner: must be AMAZON, or omitted for the account's own bundles.");
    }
    const listing = request.Owner === AMAZON ? "amazon" : "account";
    const page = pageOf(
      this.listings[listing],
      {
        listing: `bundles:${listing}`,
        nextToken: request.NextToken,
        limit: PAGE_SIZE,
        now: this.clock(),
      },
      () => true,
    );
    return { Bundles: structuredClone(page.items.map((b) => b.bundle)), NextToken: page.nextToken };
  }
}
