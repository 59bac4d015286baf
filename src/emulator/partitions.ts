// One world per account and region, as on AWS, where an account's resources in one region are apart from those in
// another and from every other account's. The default partition (the default account in the first region) is the
// world the emulator always had; the others are seeded on their first request.
import { createHash } from "node:crypto";
import { invalidParameter } from "./aws-error.ts";
import type { EmulatorSettings } from "./settings.ts";
import type { World } from "./world.ts";
import { createWorld } from "./world.ts";

/** The account of every key the emulator did not issue, and the Owner of the seed's account bundles. */
export const DEFAULT_ACCOUNT_ID = "123456789012";

export interface Partition {
  account: string;
  region: string;
}

/** "<account>/<region>", as the stats and the throttle rates name a partition. */
export const partitionKey = (partition: Partition) => `${partition.account}/${partition.region}`;

export class Partitions {
  readonly home: Partition;
  private readonly worlds = new Map<string, World>();

  constructor(
    private readonly settings: EmulatorSettings,
    private readonly clock: () => number,
  ) {
    this.home = { account: DEFAULT_ACCOUNT_ID, region: settings.regions[0]! };
    this.world(this.home);
  }

  serves(region: string): boolean {
    return this.settings.regions.includes(region);
  }

  /** The partition's world, seeded on first use; the region must be one served. */
  world(partition: Partition): World {
    const key = partitionKey(partition);
    let world = this.worlds.get(key);
    if (!world) {
      if (!this.serves(partition.region)) throw new Error(`the emulator does not serve region ${partition.region}`);
      world = createWorld(this.settings, this.clock, partition, this.home);
      this.worlds.set(key, world);
    }
    return world;
  }

  /** The partition's own rate if set, else its region's, else the global one: all live settings. */
  throttleRate(partition: Partition): number {
    const rates = this.settings.throttleRates;
    return rates[partitionKey(partition)] ?? rates[partition.region] ?? this.settings.throttleRate;
  }
}

// A NextToken names the partition that issued it, so one used in another account or region is refused as AWS
// refuses a token from elsewhere, rather than paging through this partition's listing.
const tagOf = (partition: Partition) => createHash("sha256").update(partitionKey(partition)).digest("base64url").slice(0, 8);

export function tagNextToken(output: unknown, partition: Partition): unknown {
  const token = (output as { NextToken?: unknown }).NextToken;
  return typeof token === "string" ? { ...(output as object), NextToken: `${token}.${tagOf(partition)}` } : output;
}

/** The input with its NextToken as the partition issued it; an untagged token is left to the operation to judge. */
export function untagNextToken(input: unknown, partition: Partition): unknown {
  const token = (input as { NextToken?: unknown }).NextToken;
  if (typeof token !== "string" || !token.includes(".")) return input;
  const dot = token.lastIndexOf(".");
  if (token.slice(dot + 1) !== tagOf(partition)) throw invalidParameter("The specified NextToken is not valid.");
  return { ...(input as object), NextToken: token.slice(0, dot) };
}
