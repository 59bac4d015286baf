// Every list in a request's arguments holds at most MAX_LIST_ITEMS items, checked before anything else reads them:
// graphql-js coerces each item of a variable, the cost walk reads each global ID, and execution answers each one, so
// 60,000 IDs in 240 KB of variables held the event loop for seconds. Variables are counted as sent, by the types the
// operation declares for them; lists written in the document, where they are written.
import type { DocumentNode, GraphQLInputType, GraphQLSchema, ValueNode } from "graphql";
import { BREAK, getOperationAST, isInputObjectType, isInputType, isListType, isNonNullType, Kind, typeFromAST, visit } from "graphql";
import type { Plugin } from "graphql-yoga";
import { limitError } from "./query-limits.ts";

/** A list over the limit: where (a variable's path, or an argument's as written) and how many items it holds. */
interface LongList {
  path: (string | number)[];
  items: number;
}

const named = (type: GraphQLInputType) => (isNonNullType(type) ? type.ofType : type);

/** Whether items of this type can hold lists themselves: lists of strings need no look at each item. */
const mayHoldLists = (type: GraphQLInputType) => {
  const inner = named(type);
  return isListType(inner) || isInputObjectType(inner);
};

/** The first list longer than `max` in a variable's value as sent, read by its declared type. */
function longListIn(value: unknown, type: GraphQLInputType, max: number): LongList | undefined {
  const inner = named(type);
  if (isListType(inner)) {
    // A single value stands for a list of one, as coercion reads it.
    if (!Array.isArray(value)) return longListIn(value, inner.ofType, max);
    if (value.length > max) return { path: [], items: value.length };
    if (!mayHoldLists(inner.ofType)) return undefined;
    for (let i = 0; i < value.length; i++) {
      const found = longListIn(value[i], inner.ofType, max);
      if (found) return { ...found, path: [i, ...found.path] };
    }
    return undefined;
  }
  if (!isInputObjectType(inner) || value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  // The type's fields, not the value's keys: a value may hold any number of keys coercion will refuse.
  for (const field of Object.values(inner.getFields())) {
    if (!Object.hasOwn(value, field.name)) continue;
    const found = longListIn((value as Record<string, unknown>)[field.name], field.type, max);
    if (found) return { ...found, path: [field.name, ...found.path] };
  }
  return undefined;
}

/** The first list longer than `max` written in a value of the document. */
function longLiteralIn(node: ValueNode, max: number): LongList | undefined {
  if (node.kind === Kind.LIST) {
    if (node.values.length > max) return { path: [], items: node.values.length };
    for (const [i, item] of node.values.entries()) {
      const found = longLiteralIn(item, max);
      if (found) return { ...found, path: [i, ...found.path] };
    }
  } else if (node.kind === Kind.OBJECT) {
    for (const field of node.fields) {
      const found = longLiteralIn(field.value, max);
      if (found) return { ...found, path: [field.name.value, ...found.path] };
    }
  }
  return undefined;
}

const pathText = (path: (string | number)[]) =>
  path.map((step, i) => (typeof step === "number" ? `[${step}]` : i === 0 ? step : `.${step}`)).join("");

/** The first list of the operation's arguments, variables or defaults longer than `max`. */
export function longList(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  max: number,
): { field: string; items: number } | undefined {
  let found: LongList | undefined;
  visit(document, {
    Argument(node) {
      const inArgument = longLiteralIn(node.value, max);
      if (!inArgument) return false;
      found = { ...inArgument, path: [node.name.value, ...inArgument.path] };
      return BREAK;
    },
    VariableDefinition(node) {
      const inDefault = node.defaultValue && longLiteralIn(node.defaultValue, max);
      if (!inDefault) return false;
      found = { ...inDefault, path: [`$${node.variable.name.value}`, ...inDefault.path] };
      return BREAK;
    },
  });
  const operation = getOperationAST(document, operationName);
  for (const definition of found ? [] : (operation?.variableDefinitions ?? [])) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type) || !variables || !Object.hasOwn(variables, name)) continue;
    const inVariable = longListIn(variables[name], type, max);
    if (inVariable) {
      found = { ...inVariable, path: [`$${name}`, ...inVariable.path] };
      break;
    }
  }
  return found && { field: pathText(found.path), items: found.items };
}

interface OperationArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}

export function useListLimits(maxItems: number): Plugin {
  const refuseLongLists = ({
    args,
    setResultAndStopExecution,
  }: {
    args: OperationArgs;
    setResultAndStopExecution: (result: { errors: ReturnType<typeof limitError>[] }) => void;
  }) => {
    const found = longList(args.schema, args.document, args.variableValues, args.operationName, maxItems);
    if (!found) return;
    const error = limitError("listSize", maxItems, found.items, `${found.field} holds too many items`, { field: found.field });
    setResultAndStopExecution({ errors: [error] });
  };
  return { onExecute: refuseLongLists, onSubscribe: refuseLongLists };
}
