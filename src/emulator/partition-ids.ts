// The IDs of a partition's seeded resources. The default partition keeps the seed's own IDs; every other one gets
// IDs derived from its account and region, the same at every run. Public (AMAZON) bundles differ by region only,
// as on AWS, where every account in a region sees the same public bundles.
import { createHash } from "node:crypto";
import type { WorkspaceBundle, WorkspaceDirectory } from "@aws-sdk/client-workspaces";
import type { Partition } from "./partitions.ts";
import type { SeedWorkspace } from "./seed.ts";

const ALPHABETS = [
  { test: /^[0-9a-f]+$/, letters: "0123456789abcdef" },
  { test: /^[0-9a-z]+$/, letters: "0123456789abcdefghijklmnopqrstuvwxyz" },
  { test: /^[A-Z]+$/, letters: "ABCDEFGHIJKLMNOPQRSTUVWXYZ" },
];

/** Another ID of the same form (prefix, length and alphabet kept), derived from `scope`. */
function derive(id: string, scope: string): string {
  const cut = Math.max(id.lastIndexOf("-"), id.lastIndexOf("+")) + 1;
  const suffix = id.slice(cut);
  const { letters } = ALPHABETS.find((a) => a.test.test(suffix)) ?? ALPHABETS[1]!;
  const digest = createHash("sha256").update(`${scope}\n${id}`).digest();
  return id.slice(0, cut) + [...suffix].map((_, i) => letters[digest[i % digest.length]! % letters.length]).join("");
}

/** Renames a partition's seeded resources: bundles and directories first, then the workspaces that name them. */
export class PartitionIds {
  private readonly renamed = new Map<string, string>();
  private readonly scope: string;
  private readonly isHome: boolean;

  constructor(
    private readonly partition: Partition,
    private readonly home: Partition,
  ) {
    this.scope = `${partition.account}/${partition.region}`;
    this.isHome = partition.account === home.account && partition.region === home.region;
  }

  /** The seed to generate the partition's workspaces from. */
  seed(seed: number): number {
    return this.isHome ? seed : createHash("sha256").update(`${seed}/${this.scope}`).digest().readUInt32LE(0);
  }

  bundle(bundle: WorkspaceBundle): WorkspaceBundle {
    const owned = bundle.Owner !== "AMAZON";
    return {
      ...bundle,
      BundleId: owned ? this.accountId(bundle.BundleId!) : this.regionId(bundle.BundleId!),
      ...(owned ? { Owner: this.partition.account } : {}),
    };
  }

  directory(directory: WorkspaceDirectory): WorkspaceDirectory {
    return {
      ...directory,
      DirectoryId: this.accountId(directory.DirectoryId!),
      RegistrationCode: directory.RegistrationCode && this.accountId(directory.RegistrationCode),
      SubnetIds: directory.SubnetIds?.map((id) => this.accountId(id)),
      WorkspaceSecurityGroupId: directory.WorkspaceSecurityGroupId && this.accountId(directory.WorkspaceSecurityGroupId),
    };
  }

  /** A seeded workspace's request, naming this partition's bundle and directory. */
  workspace(seeded: SeedWorkspace): SeedWorkspace {
    const { request } = seeded;
    return {
      ...seeded,
      request: { ...request, BundleId: this.renamed.get(request.BundleId!), DirectoryId: this.renamed.get(request.DirectoryId!) },
    };
  }

  private accountId(id: string): string {
    return this.rename(id, this.isHome, this.scope);
  }

  private regionId(id: string): string {
    return this.rename(id, this.partition.region === this.home.region, this.partition.region);
  }

  private rename(id: string, keep: boolean, scope: string): string {
    const renamed = keep ? id : derive(id, scope);
    this.renamed.set(id, renamed);
    return renamed;
  }
}
