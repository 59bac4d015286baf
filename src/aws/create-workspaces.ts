// CreateWorkspaces for any number of requests up to 100: checked item by item against AWS's rules, sent in calls of
// 25 concurrently, and AWS's two unordered answer lists mapped back onto the requests, in input order.

import type { CreateWorkspacesResult, WorkSpacesClient, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import { CreateWorkspacesCommand } from "@aws-sdk/client-workspaces";
import { CREATE_BATCH_SIZE, checkWorkspaceRequestRules, checkWorkspaceRequestShape, workspaceOwnerKey } from "../constraints.ts";
import { camelCase } from "./camel-case.ts";
import { describeWriteFailure, failureCode } from "./errors.ts";
import type { WorkspaceShape } from "./workspaces.ts";

export const CREATE_REQUEST_LIMIT = 100;

export type CreateOutcome =
  | { kind: "created"; index: number; workspace: WorkspaceShape }
  | { kind: "failed"; index: number; code: string; message: string; request: WorkspaceRequest }
  /** The gateway refused the item: `field` is the AWS member path of the rule it broke. */
  | { kind: "invalid"; index: number; request: WorkspaceRequest; field: string; rule: string; detail: string };

/** Items AWS would refuse, found before any call; an item repeating an earlier one's owner is one of them. */
export function checkCreateRequests(requests: WorkspaceRequest[]): Map<number, CreateOutcome> {
  const refused = new Map<number, CreateOutcome>();
  const firstIndexOf = new Map<string, number>();
  requests.forEach((request, index) => {
    const path = `Workspaces[${index}]`;
    const violation = [...checkWorkspaceRequestShape(request, path), ...checkWorkspaceRequestRules(request, path)][0];
    if (violation) {
      refused.set(index, { kind: "invalid", index, request, field: violation.field, rule: violation.rule, detail: violation.detail });
      return;
    }
    const key = workspaceOwnerKey(request);
    const earlier = firstIndexOf.get(key);
    if (earlier !== undefined) {
      refused.set(index, {
        kind: "invalid",
        index,
        request,
        field: path,
        rule: "duplicate",
        detail: `repeats the request at index ${earlier}; a user can have one WorkSpace per bundle and directory`,
      });
      return;
    }
    firstIndexOf.set(key, index);
  });
  return refused;
}

/**
 * Maps one call's PendingRequests and FailedRequests back to the requests it sent (`indexes` are their input
 * positions). Owners are unique within a call (checkCreateRequests), so the match is exact.
 */
export function correlateCreateResults(requests: WorkspaceRequest[], indexes: number[], output: CreateWorkspacesResult): CreateOutcome[] {
  const pending = new Map((output.PendingRequests ?? []).map((w) => [workspaceOwnerKey(w), w]));
  const failed = new Map((output.FailedRequests ?? []).map((f) => [workspaceOwnerKey(f.WorkspaceRequest ?? {}), f]));
  return requests.map((request, i): CreateOutcome => {
    const index = indexes[i]!;
    const key = workspaceOwnerKey(request);
    const workspace = pending.get(key);
    if (workspace) return { kind: "created", index, workspace: camelCase(workspace) };
    const failure = failed.get(key);
    if (failure) {
      return {
        kind: "failed",
        index,
        request: failure.WorkspaceRequest ?? request,
        code: failure.ErrorCode ?? "UPSTREAM_ERROR",
        message: failure.ErrorMessage ?? "AWS did not create this WorkSpace.",
      };
    }
    return { kind: "failed", index, request, code: "UPSTREAM_ERROR", message: "AWS did not report on this request." };
  });
}

async function createBatch(client: WorkSpacesClient, requests: WorkspaceRequest[], indexes: number[], signal?: AbortSignal) {
  try {
    const output = await client.send(new CreateWorkspacesCommand({ Workspaces: requests }), { abortSignal: signal });
    return correlateCreateResults(requests, indexes, output);
  } catch (error) {
    const failure = describeWriteFailure(error);
    const code = failureCode(failure);
    return requests.map((request, i): CreateOutcome => ({ kind: "failed", index: indexes[i]!, request, code, message: failure.message }));
  }
}

/** One outcome per request, in input order; refused items cost no AWS call and never hold up the others. */
export async function createWorkspaces(
  client: WorkSpacesClient,
  requests: WorkspaceRequest[],
  signal?: AbortSignal,
): Promise<CreateOutcome[]> {
  const outcomes = checkCreateRequests(requests);
  const accepted = requests.map((_, index) => index).filter((index) => !outcomes.has(index));
  const batches: number[][] = [];
  for (let start = 0; start < accepted.length; start += CREATE_BATCH_SIZE.max) {
    batches.push(accepted.slice(start, start + CREATE_BATCH_SIZE.max));
  }
  const results = await Promise.all(
    batches.map((batch) =>
      createBatch(
        client,
        batch.map((i) => requests[i]!),
        batch,
        signal,
      ),
    ),
  );
  for (const outcome of results.flat()) outcomes.set(outcome.index, outcome);
  return requests.map((_, index) => outcomes.get(index)!);
}
