// ModifyWorkspaceProperties for up to 25 WorkSpaces: each checked against AWS's rules, then sent concurrently with
// a bound; one failing never holds up or hides the others.

import type { ModifyWorkspacePropertiesRequest, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { ModifyWorkspacePropertiesCommand } from "@aws-sdk/client-workspaces";
import { validateModifyWorkspaceProperties } from "../constraints.ts";
import type { AwsFailure } from "./errors.ts";
import { describeWriteFailure } from "./errors.ts";

const MODIFY_CONCURRENCY = 5;

export type ModifyOutcome =
  | { kind: "modified"; workspaceId: string }
  | { kind: "invalid"; field: string; rule: string; detail: string }
  | { kind: "upstream"; failure: AwsFailure };

/** Items AWS would refuse, found before any call: rule violations and a WorkSpace named twice. */
export function checkModifications(requests: ModifyWorkspacePropertiesRequest[]): Map<number, ModifyOutcome> {
  const refused = new Map<number, ModifyOutcome>();
  const firstIndexOf = new Map<string, number>();
  requests.forEach((request, index) => {
    const path = `Modifications[${index}]`;
    const violation = validateModifyWorkspaceProperties(request)[0];
    if (violation) {
      refused.set(index, { kind: "invalid", field: `${path}.${violation.field}`, rule: violation.rule, detail: violation.detail });
      return;
    }
    const earlier = firstIndexOf.get(request.WorkspaceId!);
    if (earlier !== undefined) {
      refused.set(index, {
        kind: "invalid",
        field: `${path}.WorkspaceId`,
        rule: "duplicate",
        detail: `repeats the modification at index ${earlier}; one change per WorkSpace at a time`,
      });
      return;
    }
    firstIndexOf.set(request.WorkspaceId!, index);
  });
  return refused;
}

async function modifyOne(
  client: WorkSpacesClient,
  request: ModifyWorkspacePropertiesRequest,
  signal?: AbortSignal,
): Promise<ModifyOutcome> {
  try {
    await client.send(new ModifyWorkspacePropertiesCommand(request), { abortSignal: signal });
    return { kind: "modified", workspaceId: request.WorkspaceId! };
  } catch (error) {
    return { kind: "upstream", failure: describeWriteFailure(error) };
  }
}

export async function modifyWorkspaceProperties(
  client: WorkSpacesClient,
  requests: ModifyWorkspacePropertiesRequest[],
  signal?: AbortSignal,
): Promise<ModifyOutcome[]> {
  const outcomes = checkModifications(requests);
  const queue = requests.map((_, index) => index).filter((index) => !outcomes.has(index));
  const worker = async () => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      outcomes.set(index, await modifyOne(client, requests[index]!, signal));
    }
  };
  await Promise.all(Array.from({ length: MODIFY_CONCURRENCY }, worker));
  return requests.map((_, index) => outcomes.get(index)!);
}
