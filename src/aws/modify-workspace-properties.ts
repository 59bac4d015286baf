// ModifyWorkspaceProperties for up to 25 WorkSpaces, each in the partition it names: each checked against AWS's rules
// (those that depend on the WorkSpace's current properties against one read of them per partition), sent concurrently
// with a bound (one failing never holds up or hides the others), then each modified WorkSpace read afresh, batched
// per partition.

import type { ModifyWorkspacePropertiesRequest } from "@aws-sdk/client-workspaces";
import { ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import pMap from "p-map";
import { checkModificationAgainst, validateModifyWorkspaceProperties, violation } from "../constraints.ts";
import { pascalCase } from "./camel-case.ts";
import type { Failure } from "./failure.ts";
import { failureOf, invalid } from "./failure.ts";
import type { Partition, PartitionChoice } from "./fleet.ts";
import { isPartition } from "./fleet.ts";
import type { AwsSession } from "./session.ts";
import type { WorkspaceShape } from "./workspaces.ts";
import { DESCRIBE_WORKSPACES } from "./workspaces.ts";

const MODIFY_CONCURRENCY = 5;

export type ModifyOutcome =
  /** AWS accepted the change; the WorkSpace as AWS shows it after the call (null if that read failed). */
  | { kind: "modified"; workspace: WorkspaceShape | null }
  /** Refused by the gateway (kind invalid, AWS member paths under `Modifications[i]`) or by AWS, or the call failed. */
  | { kind: "failed"; failure: Failure };

/** A change to one WorkSpace, and the partition the input names for it. */
export interface ModifyItem {
  request: ModifyWorkspacePropertiesRequest;
  choice: PartitionChoice;
}

/** Where each item's WorkSpace is; undefined for an item whose partition was refused. */
type Partitions = (Partition | undefined)[];

/** Items AWS would refuse, found before any call: a partition not found, rule violations and a WorkSpace named twice. */
function checkModifications(session: AwsSession, items: ModifyItem[], partitions: Partitions): Map<number, ModifyOutcome> {
  const refused = new Map<number, ModifyOutcome>();
  const firstIndexOf = new Map<string, number>();
  items.forEach(({ request, choice }, index) => {
    const path = `Modifications[${index}]`;
    const found = session.services.fleet.locate(choice, path);
    if (!isPartition(found)) {
      refused.set(index, { kind: "failed", failure: invalid([found]) });
      return;
    }
    partitions[index] = found;
    const violations = validateModifyWorkspaceProperties(request).map((v) => violation(`${path}.${v.field}`, v.rule, v.detail, v.code));
    const key = `${found.key}/${request.WorkspaceId}`;
    const earlier = firstIndexOf.get(key);
    if (violations.length === 0 && earlier !== undefined) {
      violations.push(
        violation(`${path}.WorkspaceId`, "duplicate", `repeats the modification at index ${earlier}; one change per WorkSpace at a time`),
      );
    }
    if (violations.length > 0) refused.set(index, { kind: "failed", failure: invalid(violations) });
    else firstIndexOf.set(key, index);
  });
  return refused;
}

/** Whether AWS's rules for this change depend on the current properties: volumes, protocol, a timeout without a mode. */
function needsCurrent(request: ModifyWorkspacePropertiesRequest): boolean {
  const change = request.WorkspaceProperties ?? {};
  return (
    change.RootVolumeSizeGib !== undefined ||
    change.UserVolumeSizeGib !== undefined ||
    change.Protocols !== undefined ||
    (change.RunningModeAutoStopTimeoutInMinutes !== undefined && change.RunningMode === undefined)
  );
}

/**
 * Items AWS would refuse given the WorkSpace's current properties (a volume shrunk, both grown at once, a graphics
 * WorkSpace's protocol changed), from one fresh read of those that need it. A WorkSpace the read did not find, or
 * whose read failed, is left to AWS.
 */
async function checkAgainstCurrent(
  session: AwsSession,
  requests: ModifyWorkspacePropertiesRequest[],
  partitions: Partitions,
  indexes: number[],
): Promise<Map<number, ModifyOutcome>> {
  const checked = indexes.filter((index) => needsCurrent(requests[index]!));
  // Fresh: a read in flight since before this request (a subscription's tick) could predate a change just made.
  const reads = session.freshReads();
  const current = await Promise.all(
    checked.map((index) =>
      reads(partitions[index]!)
        .loader(DESCRIBE_WORKSPACES)
        .load(requests[index]!.WorkspaceId!)
        .catch((error: unknown) => error as Error),
    ),
  );
  const refused = new Map<number, ModifyOutcome>();
  checked.forEach((index, i) => {
    const workspace = current[i];
    if (!workspace || workspace instanceof Error) return;
    const violations = checkModificationAgainst(
      pascalCase(workspace.workspaceProperties ?? {}),
      requests[index]!.WorkspaceProperties ?? {},
    );
    const path = `Modifications[${index}]`;
    if (violations.length > 0) {
      refused.set(index, {
        kind: "failed",
        failure: invalid(violations.map((v) => violation(`${path}.${v.field}`, v.rule, v.detail, v.code))),
      });
    }
  });
  return refused;
}

/** One outcome per item, in input order. */
export async function modifyWorkspaceProperties(session: AwsSession, items: ModifyItem[]): Promise<ModifyOutcome[]> {
  const requests = items.map((item) => item.request);
  const partitions: Partitions = [];
  const outcomes = checkModifications(session, items, partitions);
  const checked = requests.map((_, index) => index).filter((index) => !outcomes.has(index));
  for (const [index, outcome] of await checkAgainstCurrent(session, requests, partitions, checked)) outcomes.set(index, outcome);
  const accepted = checked.filter((index) => !outcomes.has(index));
  const sent = await pMap(
    accepted,
    async (index): Promise<ModifyOutcome | string> => {
      try {
        await partitions[index]!.upstream.write(new ModifyWorkspacePropertiesCommand(requests[index]!), session.writeOptions());
        return requests[index]!.WorkspaceId!;
      } catch (error) {
        return { kind: "failed", failure: failureOf(error) };
      }
    },
    { concurrency: MODIFY_CONCURRENCY },
  );
  // Read afresh: a read in flight since before the modify (a subscription's tick) would show the old state.
  const rereads = session.freshReads();
  await Promise.all(
    sent.map(async (result, i) => {
      const index = accepted[i]!;
      if (typeof result !== "string") return outcomes.set(index, result);
      // The change was made: a failed re-read must not turn it into a failure, so the WorkSpace is then null.
      const workspace = await rereads(partitions[index]!)
        .loader(DESCRIBE_WORKSPACES)
        .load(result)
        .catch(() => null);
      if (workspace) session.in(partitions[index]!).loader(DESCRIBE_WORKSPACES).clear(result).prime(result, workspace);
      return outcomes.set(index, { kind: "modified", workspace });
    }),
  );
  return requests.map((_, index) => outcomes.get(index)!);
}
