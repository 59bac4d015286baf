// The cost of an operation with its variables, before it runs: each field costs 1, and what is under a field that
// returns many items costs once per item (a connection's `first`, or the length of an ID list argument). A field that
// lists from AWS also costs `callWeight` per AWS page it needs, so a query that would fan out into many AWS calls is
// refused before any is made (lookups by ID are batched by the loaders, and cost no more than their fields).

import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLCompositeType,
  GraphQLError,
  GraphQLField,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";
import { getNamedType, getVariableValues, isCompositeType, isUnionType, Kind, valueFromAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import { PAGE_SIZE } from "../constraints.ts";
import { limitError } from "./query-limits.ts";

interface CostInput {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** Items a connection returns when `first` is not given. */
  defaultPageSize: number;
  /** The cost of one AWS call made by a list field (its items / 25, rounded up). */
  callWeight: number;
}

function operationOf(document: DocumentNode, name?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return name ? operations.find((o) => o.name?.value === name) : operations[0];
}

export function operationCost({
  schema,
  document,
  operationName,
  variables: rawVariables,
  defaultPageSize,
  callWeight,
}: CostInput): number {
  const operation = operationOf(document, operationName);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return 0;
  // With the operation's defaults filled in, as execution will see them; variables it refuses cost nothing.
  const { coerced: variables } = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (!variables) return 0;
  const typeNamed = (name: string | undefined) => {
    const type = name ? schema.getType(name) : undefined;
    return type && isCompositeType(type) ? type : undefined;
  };
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );

  // How many items a field yields for what is under it, and whether it lists them from AWS (else it is a lookup).
  const itemsOf = (node: FieldNode, field: GraphQLField<unknown, unknown>): { items: number; listed: boolean } => {
    let items = 1;
    let listed = false;
    for (const argument of field.args) {
      const written = node.arguments?.find((a) => a.name.value === argument.name);
      const value = written ? valueFromAST(written.value, argument.type, variables) : undefined;
      if (argument.name === "first") {
        items = Math.max(items, typeof value === "number" ? value : defaultPageSize);
        listed = true;
      }
      if (Array.isArray(value)) {
        items = Math.max(items, value.length);
        listed = true;
      }
    }
    return { items, listed };
  };

  // Each fragment is costed once, so spreads that fan out stay linear; a cycle (invalid anyway) costs 0.
  const fragmentCosts = new Map<string, number>();
  const costOf = (selectionSet: SelectionSetNode | undefined, parent: GraphQLCompositeType): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = isUnionType(parent) ? undefined : parent.getFields()[selection.name.value];
        if (!field) continue;
        const child = getNamedType(field.type);
        const below = isCompositeType(child) ? costOf(selection.selectionSet, child) : 0;
        const { items, listed } = itemsOf(selection, field);
        total += 1 + (listed ? callWeight * Math.ceil(items / PAGE_SIZE) : 0) + items * below;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += costOf(selection.selectionSet, typeNamed(selection.typeCondition?.name.value) ?? parent);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !fragmentCosts.has(fragment.name.value)) {
          fragmentCosts.set(fragment.name.value, 0);
          fragmentCosts.set(fragment.name.value, costOf(fragment.selectionSet, typeNamed(fragment.typeCondition.name.value) ?? parent));
        }
        total += fragment ? fragmentCosts.get(fragment.name.value)! : 0;
      }
    }
    return total;
  };
  return costOf(operation.selectionSet, root);
}

/** What the operations of one HTTP request have cost so far: a batch is held to the limit as a whole. */
const spent = new WeakMap<object, number>();

export function useQueryCost(maxCost: number, defaultPageSize: number, callWeight: number): Plugin {
  const check = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
    contextValue: unknown;
  }) => {
    const request = (args.contextValue as { request: object }).request;
    const cost = (spent.get(request) ?? 0) + operationCost({ ...args, variables: args.variableValues, defaultPageSize, callWeight });
    spent.set(request, cost);
    return cost > maxCost ? limitError("cost", maxCost, cost, "the query would cost too much") : undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] as GraphQLError[] });
    },
  };
}
