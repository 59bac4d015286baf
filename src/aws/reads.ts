// Reads of AWS, each described once (workspaces.ts, bundles.ts, directories.ts, connection-status.ts); from a
// description, the same code makes every read's page fetch, its per-request loader in a partition (IDs batched 25 a
// call) and its list across partitions.
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import type { Violation } from "../constraints.ts";
import { ID_LIST_SIZE } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import type { ListScope, Located, Partition } from "./fleet.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { AwsPage } from "./pagination.ts";
import { fleetSlice } from "./pagination.ts";
import type { AwsSession } from "./session.ts";
import type { ReadOptions, WorkSpacesCommand } from "./upstream.ts";

/** The members of `T` that hold lists. */
export type ListMember<T> = { [K in keyof T]-?: NonNullable<T[K]> extends readonly unknown[] ? K : never }[keyof T] & string;

/** What one of `T`'s lists holds. */
export type ElementOf<T> = NonNullable<T> extends readonly (infer E)[] ? E : never;

/** What is read from a partition, as GraphQL sees it: AWS's members in camelCase, and the partition it came from. */
export type Found<Item> = CamelCase<Item> & Located;

/** What a partition keeps of a read's items across requests (the bundle cache): asked before AWS, told what AWS sent. */
export interface KeptItems<T> {
  getMany(ids: readonly string[]): Promise<(T | undefined)[]>;
  setMany(items: readonly T[]): void;
}

/** A read's items, as GraphQL sees them. */
export type ItemOf<Output, Items extends keyof Output> = Found<ElementOf<Output[Items]>>;

/** A Describe operation: its command, where its IDs and items are, what an ID must be, and how it pages. */
export interface Read<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>> {
  command: new (input: Input) => WorkSpacesCommand<Input, Output>;
  /** The request member a batch of IDs goes in (up to 25 a call). */
  ids: ListMember<Input>;
  /** The response member that holds the items. */
  items: Items;
  /** The member of an item (in camelCase) that holds its ID. */
  id: keyof ItemOf<Output, Items> & string;
  /** AWS's rule for an ID (constraints.ts): an ID that breaks it costs no call, and a lookup by it is refused. */
  check: (id: string) => Violation[];
  /** The loader's name in the loaderBatchSize metric. */
  loader: string;
  /** Items a page asks for (AWS's Limit), where the operation takes one. */
  pageSize?: number;
  /** For an operation that lists: what its cursors are bound to, beside the request and the partitions. */
  listing?: string;
  /** What a partition keeps of the items across requests. */
  kept?: (partition: Partition) => KeptItems<ItemOf<Output, Items>> | null;
}

/** An item AWS sent, as GraphQL sees it, carrying the partition it came from. */
export const located = <Item>(partition: Partition, item: Item) =>
  ({ ...(camelCase(item) as object), partition: partition.ref }) as Found<Item>;

/** One item's ID. */
const idOf = <Item>(id: keyof Item, item: Item) => item[id] as string;

/** One call: a page of a listing from `token` (null: the first), or the items of a list of IDs, which AWS answers whole. */
export async function fetchPage<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>>(
  read: Read<Input, Output, Items>,
  partition: Partition,
  request: Input,
  token: string | null,
  options: ReadOptions = {},
): Promise<AwsPage<ItemOf<Output, Items>>> {
  const paged = read.pageSize !== undefined && request[read.ids] === undefined;
  const input = { ...request, ...(paged ? { Limit: read.pageSize } : {}), ...(token ? { NextToken: token } : {}) };
  const output = await partition.upstream.read(new read.command(input), options);
  const listed = (output[read.items] ?? []) as ElementOf<Output[Items]>[];
  const items = listed.map((item) => located(partition, item));
  read.kept?.(partition)?.setMany(items);
  return { items, nextToken: (output as { NextToken?: string }).NextToken || undefined };
}

/**
 * Per-request loader of one partition: up to 25 IDs per call, batches in parallel; IDs AWS cannot hold cost nothing, and
 * what the partition keeps is not asked again. A fresh loader (for reads after a write) never joins a call in flight.
 */
export function createLoader<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>>(
  read: Read<Input, Output, Items>,
  partition: Partition,
  options: ReadOptions,
) {
  const kept = read.kept?.(partition) ?? null;
  return new DataLoader<string, ItemOf<Output, Items> | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: read.loader }, ids.length);
      const held = kept ? await kept.getMany(ids) : [];
      const missing = ids.filter((id, i) => held[i] === undefined && read.check(id).length === 0);
      const found = new Map<string, ItemOf<Output, Items>>();
      if (missing.length > 0) {
        const page = await fetchPage(read, partition, { [read.ids]: missing } as unknown as Input, null, options);
        for (const item of page.items) found.set(idOf(read.id, item), item);
      }
      return ids.map((id, i) => found.get(id) ?? held[i] ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}

/** Items just read, put in a request's loader in place of what it held (a list's items, a WorkSpace after a write). */
function prime<Item>(loader: DataLoader<string, Item | null>, id: keyof Item, items: readonly Item[]): void {
  for (const item of items) loader.clear(idOf(id, item)).prime(idOf(id, item), item);
}

/**
 * `first` items of the scope's partitions matching a request the caller has validated, after the cursor `after`; each
 * item is primed in the request's loader of its partition.
 */
export function listItems<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>>(
  session: AwsSession,
  read: Read<Input, Output, Items> & { listing: string },
  scope: ListScope,
  request: Input,
  first: number,
  after?: string | null,
) {
  const listing = `${read.listing}:${JSON.stringify(request)}@${scope.name}`;
  return fleetSlice(session.services, listing, scope.partitions, first, after, async (partition, token) => {
    const page = await fetchPage(read, partition, request, token, session.readOptions());
    prime(session.in(partition).loader(read), read.id, page.items);
    return page;
  });
}

/** Reads of `read` after a write: fresh (made after the write answered), and each item found put in the request's loader. */
export function rereads<Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>>(
  session: AwsSession,
  read: Read<Input, Output, Items>,
): (partition: Partition, id: string) => Promise<ItemOf<Output, Items> | null> {
  const reads = session.freshReads();
  return async (partition, id) => {
    const item = await reads(partition).loader(read).load(id);
    if (item) prime(session.in(partition).loader(read), read.id, [item]);
    return item;
  };
}
