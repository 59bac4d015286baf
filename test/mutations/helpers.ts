// Shared by the mutation tests: narrowing of typed results, unique user names, and the emulator's seeded
// WorkSpaces as a pool, each taken by one test only so no test sees another's modification.
import assert from "node:assert/strict";
import type { Compute, WorkSpacesClient, Workspace } from "@aws-sdk/client-workspaces";
import { paginateDescribeWorkspaces } from "@aws-sdk/client-workspaces";
import type { GraphQLResponse } from "../support/graphql.ts";

export const CORP = "d-906734e2f1";
export const ENG = "d-926722edaf";
/** Well-formed IDs AWS does not have. */
export const UNKNOWN_DIRECTORY = "d-0000000000";
export const UNKNOWN_BUNDLE = "wsb-zzzzzzzz0";
export const UNKNOWN_WORKSPACE = "ws-zzzzzzzz0";

export const BUNDLES = {
  value: "wsb-clj85qzj1",
  standard: "wsb-8vbljg4r6",
  performance: "wsb-1pzkp0bx4",
  power: "wsb-gm7rt4rpx",
  powerPro: "wsb-d6ppvx5gs",
  graphics: "wsb-1b5w6vnz6",
  graphicsPro: "wsb-3t36q0xfc",
} as const;

export const WORKSPACE_ID = /^ws-[0-9a-z]{8,63}$/;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let userCounter = 0;
/** A user name no other request of this process uses (so AWS has no WorkSpace for it yet). */
export function uniqueUser(prefix: string): string {
  userCounter += 1;
  return `${prefix}-${process.pid}-${userCounter}`;
}

/** The data of a response that must have no errors. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  assert.equal(response.errors, undefined, `unexpected errors: ${JSON.stringify(response.errors)}`);
  assert.ok(response.data, "no data");
  return response.data;
}

/** Asserts a union value's __typename and narrows it to that member. */
export function narrow<T extends { __typename: string }, N extends T["__typename"]>(
  value: T | null | undefined,
  typename: N,
): Extract<T, { __typename: N }> {
  assert.ok(value, `expected a ${typename}, got ${JSON.stringify(value)}`);
  assert.equal(value.__typename, typename, `expected a ${typename}, got ${JSON.stringify(value)}`);
  return value as Extract<T, { __typename: N }>;
}

/** The __typename of each item, in order. */
export const typenames = (items: { __typename: string }[]) => items.map((item) => item.__typename);

const MODIFIABLE = new Set(["AVAILABLE", "STOPPED"]);

/** The emulator's seeded WorkSpaces, read once through the SDK client; each `take` hands out one never handed out before. */
export class SeededPool {
  private constructor(private readonly workspaces: Workspace[]) {}

  static async load(client: WorkSpacesClient): Promise<SeededPool> {
    const all: Workspace[] = [];
    for await (const page of paginateDescribeWorkspaces({ client }, {})) all.push(...(page.Workspaces ?? []));
    return new SeededPool(all);
  }

  /** A seeded WorkSpace AWS would let be modified (AVAILABLE or STOPPED, no modification running). */
  take(filter: { compute?: Compute; runningMode?: string; state?: string; protocol?: string; withStandby?: boolean } = {}): Workspace {
    const index = this.workspaces.findIndex(
      (w) =>
        (filter.state === undefined ? MODIFIABLE.has(w.State!) : w.State === filter.state) &&
        (w.ModificationStates ?? []).length === 0 &&
        (filter.compute === undefined || w.WorkspaceProperties?.ComputeTypeName === filter.compute) &&
        (filter.runningMode === undefined || w.WorkspaceProperties?.RunningMode === filter.runningMode) &&
        (filter.protocol === undefined || w.WorkspaceProperties?.Protocols?.[0] === filter.protocol) &&
        (filter.withStandby === undefined || (w.StandbyWorkspacesProperties !== undefined) === filter.withStandby),
    );
    assert.ok(index >= 0, `the seeded fleet has no more workspaces matching ${JSON.stringify(filter)}`);
    return this.workspaces.splice(index, 1)[0]!;
  }

  /** The first `count` seeded WorkSpaces that `matches`, in listing order; fails when there are fewer. */
  takeAll(matches: (workspace: Workspace) => boolean, count: number): Workspace[] {
    const taken = this.workspaces.filter(matches).slice(0, count);
    assert.equal(taken.length, count, `the seeded fleet has only ${taken.length} such workspaces`);
    for (const workspace of taken) this.workspaces.splice(this.workspaces.indexOf(workspace), 1);
    return taken;
  }
}
