// Writes of AWS, each described once (workspace-actions.ts, create-workspaces.ts, modify-workspace-properties.ts); from
// a description, the same code checks every write's items against AWS's rules before any call, sends the rest in calls
// of as many as AWS takes within each partition, and maps AWS's answers back onto the items in input order. A write
// is never retried here: Upstream.write retries only what AWS throttled, as anything else may have applied.
import type { ServiceInputTypes, ServiceOutputTypes } from "@aws-sdk/client-workspaces";
import pMap from "p-map";
import type { Violation } from "../constraints.ts";
import type { Failure } from "./failure.ts";
import { failureOf, invalid, refusal } from "./failure.ts";
import type { Partition, PartitionChoice } from "./fleet.ts";
import { callsByPartition, isPartition } from "./fleet.ts";
import type { ItemOf, ListMember, Read } from "./reads.ts";
import { located } from "./reads.ts";
import type { AwsSession } from "./session.ts";
import type { WorkSpacesCommand } from "./upstream.ts";

/** An item of a write, as the input gives it. */
export interface WriteItem<Request> {
  /** What AWS is sent for it: its entry in the call's list, or the whole input of a call that takes one item. */
  request: Request;
  /** The partition the input names for it. */
  choice: PartitionChoice;
  /** Its AWS member path (`Workspaces[3]`): where a partition it names that is not served is reported. */
  path: string;
}

/** An item with its partition found, or the failure that says why it has none. */
export type Placed<Item> = { item: Item; partition: Partition } | { item: Item; refused: Failure };

/** Items whose partitions were all found. */
type InPartitions<Item> = { item: Item; partition: Partition }[];

/** AWS's rules against what it holds now (a WorkSpace's state, a bundle), from one read of each item's. */
type CurrentRules<Item> = (session: AwsSession, items: InPartitions<Item>) => Promise<Violation[][]>;

/** An AWS entry that refuses an item: FailedRequests', FailedStandbyRequests'. */
interface RefusalEntry {
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** A write: its command, how a call holds its items and how AWS answers about each, and what is checked before. */
export interface Write<
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes,
  Item extends WriteItem<object>,
  Made extends ListMember<Output> = never,
> {
  command: new (input: Input) => WorkSpacesCommand<Input, Output>;
  /** The request member listing a call's items (StartWorkspaceRequests); without one, a call is one item, its whole input. */
  list?: keyof Input & string;
  /** Items a call takes: as many as AWS does. */
  batchSize: number;
  /** Calls of one write in flight at once; all at once without. */
  concurrency?: number;
  /**
   * What names an item to AWS (its WorkSpace, its owner), in a request or in AWS's answers: AWS's answers are matched
   * to the items by it, so a write may name each only once in a partition.
   */
  key: (request: Item["request"]) => string;
  /**
   * The response member listing the items AWS refused (FailedRequests, FailedStandbyRequests), and the member of an
   * entry that echoes the item's request, where the entry does not name the item by the request's own members.
   */
  failed?: { member: keyof Output & string; request?: string };
  /** The response member listing what AWS made of the items it took (CreateWorkspaces' PendingRequests). */
  made?: Made;
  /** AWS's rules for the item alone, in AWS member paths. */
  rules: (item: Item) => Violation[];
  /** The violation of an item that names what the one at `earlier` does. */
  repeats: (item: Item, earlier: number) => Violation;
  /** AWS's rules against what it holds now (made by againstCurrent). */
  current?: CurrentRules<Item>;
}

export type WriteOutcome<Request, Made> =
  /** AWS took the item; `made` is what it made of it, where the write says (CreateWorkspaces' PendingRequests). */
  | { kind: "done"; partition: Partition; made?: Made }
  /** Refused by the gateway (kind invalid) or by AWS, or the call failed; `request` as AWS echoed it, where it does. */
  | { kind: "failed"; failure: Failure; request: Request };

/** A described write, ready for items. */
export interface Writer<Item extends WriteItem<object>, Made> {
  batchSize: number;
  /** One outcome per item, in input order; refused items cost no write and never hold up the others. */
  run(session: AwsSession, placed: readonly Placed<Item>[]): Promise<WriteOutcome<Item["request"], Made>[]>;
}

/** Each item's partition, as the fleet finds what its input names. */
export function place<Item extends WriteItem<object>>(session: AwsSession, items: readonly Item[]): Placed<Item>[] {
  return items.map((item) => {
    const found = session.services.fleet.locate(item.choice, item.path);
    return isPartition(found) ? { item, partition: found } : { item, refused: invalid([found]) };
  });
}

/**
 * AWS's rules against what `read` finds for each item (`idOf` it; undefined when its rules need nothing read): a
 * fresh read where one in flight since before the request (a subscription's tick) could show what a write since
 * changed. An item whose read found nothing, or failed, is left to AWS, which has the last word.
 */
export function againstCurrent<Item, Input extends ServiceInputTypes, Output extends ServiceOutputTypes, Items extends ListMember<Output>>(
  read: Read<Input, Output, Items>,
  fresh: boolean,
  idOf: (item: Item) => string | undefined,
  rules: (item: Item, found: ItemOf<Output, Items>) => Violation[],
): CurrentRules<Item> {
  return async (session, items) => {
    const reads = fresh ? session.freshReads() : (partition: Partition) => session.in(partition);
    const found = await Promise.all(
      items.map(({ item, partition }) => {
        const id = idOf(item);
        return id === undefined
          ? null
          : reads(partition)
              .loader(read)
              .load(id)
              .catch(() => null);
      }),
    );
    return items.map(({ item }, i) => {
      const current = found[i];
      return current ? rules(item, current) : [];
    });
  };
}

/** A write made ready from its description. */
export function describeWrite<
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes,
  Item extends WriteItem<object>,
  Made extends ListMember<Output> = never,
>(write: Write<Input, Output, Item, Made>): Writer<Item, ItemOf<Output, Made>> {
  return { batchSize: write.batchSize, run: (session, placed) => run(write, session, placed) };
}

type Outcomes<Item extends WriteItem<object>, Output, Made extends keyof Output> = WriteOutcome<Item["request"], ItemOf<Output, Made>>[];

async function run<
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes,
  Item extends WriteItem<object>,
  Made extends ListMember<Output>,
>(write: Write<Input, Output, Item, Made>, session: AwsSession, placed: readonly Placed<Item>[]): Promise<Outcomes<Item, Output, Made>> {
  const refused = checkItems(write, placed);
  const checked = placed.flatMap((entry, index) => ("partition" in entry && !refused.has(index) ? [index] : []));
  if (write.current) {
    const violations = await write.current(session, checked.map((index) => placed[index]) as InPartitions<Item>);
    violations.forEach((found, i) => {
      if (found.length > 0) refused.set(checked[i]!, invalid(found));
    });
  }
  const accepted = checked.filter((index) => !refused.has(index));
  const partitionOf = (index: number) => (placed[index] as InPartitions<Item>[number]).partition;
  const calls = callsByPartition(accepted, partitionOf, write.batchSize);
  const answers = await pMap(
    calls,
    ({ partition, indexes }) =>
      send(
        write,
        session,
        partition,
        indexes.map((index) => placed[index]!.item.request),
      ),
    { concurrency: write.concurrency ?? Number.POSITIVE_INFINITY },
  );
  const outcomes = new Map<number, Outcomes<Item, Output, Made>[number]>();
  for (const [index, failure] of refused) outcomes.set(index, { kind: "failed", failure, request: placed[index]!.item.request });
  calls.forEach(({ indexes }, c) => {
    indexes.forEach((index, i) => {
      outcomes.set(index, answers[c]![i]!);
    });
  });
  return placed.map((_, index) => outcomes.get(index)!);
}

/** Items AWS would refuse, found before any call: a partition not found, a rule broken, an item named twice. */
function checkItems<Item extends WriteItem<object>>(
  write: Pick<Write<ServiceInputTypes, ServiceOutputTypes, Item>, "key" | "rules" | "repeats">,
  placed: readonly Placed<Item>[],
): Map<number, Failure> {
  const refused = new Map<number, Failure>();
  const firstIndexOf = new Map<string, number>();
  placed.forEach((entry, index) => {
    if ("refused" in entry) {
      refused.set(index, entry.refused);
      return;
    }
    const violations = write.rules(entry.item);
    const key = `${entry.partition.key}/${write.key(entry.item.request)}`;
    const earlier = firstIndexOf.get(key);
    if (violations.length === 0 && earlier !== undefined) violations.push(write.repeats(entry.item, earlier));
    if (violations.length > 0) refused.set(index, invalid(violations));
    else firstIndexOf.set(key, index);
  });
  return refused;
}

/** One call for `requests`, all in `partition`: what AWS said of each, or the call's failure for all of them. */
async function send<
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes,
  Item extends WriteItem<object>,
  Made extends ListMember<Output>,
>(
  write: Write<Input, Output, Item, Made>,
  session: AwsSession,
  partition: Partition,
  requests: Item["request"][],
): Promise<Outcomes<Item, Output, Made>> {
  const input = (write.list ? { [write.list]: requests } : requests[0]) as Input;
  try {
    const output = await partition.upstream.write(new write.command(input), session.writeOptions());
    return answersOf(write, partition, requests, output);
  } catch (error) {
    const failure = failureOf(error);
    return requests.map((request) => ({ kind: "failed", failure, request }));
  }
}

/** What AWS said of each item of a call it answered, matched by key (the items of one call have distinct keys). */
function answersOf<
  Input extends ServiceInputTypes,
  Output extends ServiceOutputTypes,
  Item extends WriteItem<object>,
  Made extends ListMember<Output>,
>(
  write: Write<Input, Output, Item, Made>,
  partition: Partition,
  requests: Item["request"][],
  output: Output,
): Outcomes<Item, Output, Made> {
  type Request = Item["request"];
  const refusals = new Map<string, { entry: RefusalEntry; echo?: Request }>();
  if (write.failed) {
    const { member, request } = write.failed;
    for (const entry of (output[member] ?? []) as (RefusalEntry & Record<string, unknown>)[]) {
      // An entry names its item by the request's members, or holds the request as AWS echoes it.
      const echo = request ? (entry[request] as Request | undefined) : undefined;
      const named = (request ? echo : entry) as Request | undefined;
      if (named) refusals.set(write.key(named), { entry, echo });
    }
  }
  const made = write.made && new Map(((output[write.made] ?? []) as Request[]).map((item) => [write.key(item), item]));
  return requests.map((request) => {
    const key = write.key(request);
    const item = made?.get(key);
    if (item) return { kind: "done", partition, made: located(partition, item) as ItemOf<Output, Made> };
    const refused = refusals.get(key);
    if (refused) {
      const failure = refusal(refused.entry.ErrorCode ?? "UnknownError", refused.entry.ErrorMessage ?? "");
      return { kind: "failed", failure, request: refused.echo ?? request };
    }
    if (made) return { kind: "failed", failure: refusal("UnknownError", "AWS did not report on this request."), request };
    return { kind: "done", partition };
  });
}
