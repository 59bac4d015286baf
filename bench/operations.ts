// The fixed operation set: the tests' own GraphQL documents (test/operations), each operation with just its fragments.
import { readFileSync } from "node:fs";
import { parse, print, separateOperations } from "graphql";

const documents = ["read.graphql", "mutations.graphql"].flatMap((file) =>
  Object.entries(separateOperations(parse(readFileSync(new URL(`../test/operations/${file}`, import.meta.url), "utf8")))),
);

const operations = new Map(documents.map(([name, document]) => [name, print(document)]));

export function operation(name: string): string {
  const text = operations.get(name);
  if (text === undefined) throw new Error(`no operation ${name} in test/operations`);
  return text;
}

/** `workspaces(first: 25)` with each workspace's bundle name and compute type. */
export const DASHBOARD = operation("Dashboard");

export interface DashboardData {
  workspaces: { edges: { node: { workspaceId: string; state: string; bundle: { name: string; computeType: { name: string } } | null } }[] };
}
