// The partitions the gateway serves: every account it reaches (the default credentials' own, then one per role) in
// every region configured. Each has its own SDK client (with its AWS budget and shared reads) and bundle cache;
// what is read from one carries it, and what is written names it.
import type { Violation } from "../constraints.ts";
import { violation } from "../constraints.ts";
import type { BundleCache } from "../shared/bundle-cache/bundle-cache.ts";
import type { Upstream } from "./upstream.ts";

/** Where a resource lives: an account in a region. */
export interface PartitionRef {
  readonly accountId: string;
  readonly region: string;
}

/** What is read from a partition carries it, so its fields, lookups and global ID go back to the same partition. */
export interface Located {
  partition: PartitionRef;
}

/** `<account>/<region>`, as metrics, cursors, IDs and the emulator name a partition. */
export const partitionKey = (partition: PartitionRef) => `${partition.accountId}/${partition.region}`;

/** An AWS ID qualified by its partition, `<account>/<region>/<id>`: unique across the fleet. */
export const qualifiedId = (partition: PartitionRef, id: string) => `${partitionKey(partition)}/${id}`;

const QUALIFIED = /^(\d{12})\/([a-z0-9-]+)\/(.+)$/s;

/** Whether an ID is qualified by its partition (`<account>/<region>/<id>`), without taking it apart. */
export const isQualifiedId = (id: string) => QUALIFIED.test(id);

/** A qualified ID's partition and AWS ID; undefined when it is not one. */
export function splitQualifiedId(qualified: string): { partition: PartitionRef; id: string } | undefined {
  const match = QUALIFIED.exec(qualified);
  return match ? { partition: { accountId: match[1]!, region: match[2]! }, id: match[3]! } : undefined;
}

export class Partition implements PartitionRef {
  readonly key: string;
  /** The account and region alone (plain data), which what is read from the partition carries. */
  readonly ref: PartitionRef;

  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly upstream: Upstream,
    readonly bundleCache: BundleCache,
  ) {
    this.ref = Object.freeze({ accountId, region });
    this.key = partitionKey(this.ref);
  }
}

/** The regions and accounts a list is narrowed to; absent, every one served. */
export interface PartitionScope {
  regions?: readonly string[] | null;
  accountIds?: readonly string[] | null;
}

/** The partition an input item names: either may be left out while the other (or the fleet's size) leaves one. */
export interface PartitionChoice {
  region?: string | null;
  accountId?: string | null;
}

/** The partitions a list walks, and how its cursors name that choice (a cursor is valid for its own choice only). */
export interface ListScope {
  partitions: readonly Partition[];
  name: string;
}

const member = (path: string, name: string) => (path ? `${path}.${name}` : name);

export class Fleet {
  readonly regions: readonly string[];
  readonly accountIds: readonly string[];
  private readonly byKey: Map<string, Partition>;

  /** `partitions` in their configured order, which lists walk them in. */
  constructor(readonly partitions: readonly Partition[]) {
    if (partitions.length === 0) throw new Error("a fleet needs at least one partition");
    this.byKey = new Map(partitions.map((p) => [p.key, p]));
    if (this.byKey.size !== partitions.length) throw new Error("a partition is named twice");
    this.regions = [...new Set(partitions.map((p) => p.region))];
    this.accountIds = [...new Set(partitions.map((p) => p.accountId))];
  }

  get(partition: PartitionRef): Partition | undefined {
    return this.byKey.get(partitionKey(partition));
  }

  /** The partitions of the scope, in configured order; names the fleet does not serve select nothing. */
  select(scope: PartitionScope): Partition[] {
    return this.partitions.filter((p) => (scope.regions?.includes(p.region) ?? true) && (scope.accountIds?.includes(p.accountId) ?? true));
  }

  /** What is wrong with a scope: an empty list, a longer one than there are names served, or a region or account not served (at `Regions[i]`, `AccountIds[i]`). */
  checkScope(scope: PartitionScope): Violation[] {
    return [
      ...this.checkNames(scope.regions, "Regions", this.regions, "region"),
      ...this.checkNames(scope.accountIds, "AccountIds", this.accountIds, "account"),
    ];
  }

  /** A checked scope's partitions, and its name for cursors. */
  scope(scope: PartitionScope): ListScope {
    const sorted = (names: readonly string[] | null | undefined) => (names ? [...new Set(names)].sort() : "*");
    return { partitions: this.select(scope), name: JSON.stringify([sorted(scope.regions), sorted(scope.accountIds)]) };
  }

  /** The one partition of something read from it: what is under it (a bundle's WorkSpaces) lives there too. */
  scopeOf(partition: PartitionRef): ListScope {
    const served = this.get(partition);
    return { partitions: served ? [served] : [], name: partitionKey(partition) };
  }

  /** The partition an item names, or why it names none: a region or account not served, or several partitions left open. */
  locate(choice: PartitionChoice, path: string): Partition | Violation {
    const { region, accountId } = choice;
    if (region != null && !this.regions.includes(region)) {
      return violation(member(path, "Region"), "served", `${region} is not a region this gateway serves (${this.regions.join(", ")})`);
    }
    if (accountId != null && !this.accountIds.includes(accountId)) {
      return violation(
        member(path, "AccountId"),
        "served",
        `${accountId} is not an account this gateway serves (${this.accountIds.join(", ")})`,
      );
    }
    const [found, ...others] = this.select({
      regions: region == null ? null : [region],
      accountIds: accountId == null ? null : [accountId],
    });
    if (others.length === 0) return found!;
    // Several partitions are left open: name what would tell them apart.
    return region == null && this.regions.length > 1
      ? violation(member(path, "Region"), "required", `must be given: this gateway serves several regions (${this.regions.join(", ")})`)
      : violation(
          member(path, "AccountId"),
          "required",
          `must be given: this gateway serves several accounts (${this.accountIds.join(", ")})`,
        );
  }

  destroy(): void {
    for (const partition of this.partitions) partition.upstream.destroy();
  }

  private checkNames(names: readonly string[] | null | undefined, field: string, served: readonly string[], what: string): Violation[] {
    if (names == null) return [];
    if (names.length === 0) return [violation(field, "listSize", `must name at least one ${what}`)];
    // Naming one twice adds nothing: no scope needs more names than there are served.
    if (names.length > served.length) {
      return [violation(field, "listSize", `must name at most the ${served.length} ${what}(s) this gateway serves`)];
    }
    return names.flatMap((name, i) =>
      served.includes(name)
        ? []
        : [
            violation(
              `${field}[${i}]`,
              "served",
              `${name} is not ${what === "region" ? "a region" : "an account"} this gateway serves (${served.join(", ")})`,
            ),
          ],
    );
  }
}

/** Items (by index) in calls of up to `size`, each call within one partition, partitions in the order items name them. */
export function callsByPartition(
  indexes: readonly number[],
  partitionOf: (index: number) => Partition,
  size: number,
): { partition: Partition; indexes: number[] }[] {
  const byPartition = new Map<Partition, number[]>();
  for (const index of indexes) {
    const partition = partitionOf(index);
    const items = byPartition.get(partition);
    if (items) items.push(index);
    else byPartition.set(partition, [index]);
  }
  const calls: { partition: Partition; indexes: number[] }[] = [];
  for (const [partition, items] of byPartition) {
    for (let start = 0; start < items.length; start += size) calls.push({ partition, indexes: items.slice(start, start + size) });
  }
  return calls;
}

/** What `locate` found: a partition, or the violation that says why none. */
export const isPartition = (found: Partition | Violation): found is Partition => found instanceof Partition;
