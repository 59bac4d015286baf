// The AWS calls an operation can cause, before it runs: each field declares its own beside it in the schema (Pothos's
// complexity plugin keeps the declaration in the field's extensions); admission holds requests to it. A fractional
// cost is a share of a call batched 25 IDs at a time; batches are made per partition, so under a field whose items
// come from several partitions each batched field below may need one call more per further partition.

import type {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  FragmentSpreadNode,
  GraphQLCompositeType,
  GraphQLField,
  GraphQLSchema,
  InlineFragmentNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from "graphql";
import { getArgumentValues, getNamedType, isCompositeType, isObjectType, Kind } from "graphql";
import { getVariableValues } from "graphql/execution/values.js";

/** A field's own calls, how many times what is under it runs, and how many partitions its items can come from. */
type Cost = { field: number; multiplier: number; partitions?: number };
type Declared = number | Cost | ((args: Record<string, unknown>, context: object) => number | Cost);

function declaredCost(
  field: GraphQLField<unknown, unknown>,
  args: () => Record<string, unknown>,
  context: object,
): { own: number; multiplier: number; partitions: number } {
  let declared = field.extensions.complexity as Declared | undefined;
  if (typeof declared === "function") declared = declared(args(), context);
  if (typeof declared === "number") return { own: declared, multiplier: 1, partitions: 1 };
  return declared
    ? { own: declared.field, multiplier: declared.multiplier, partitions: declared.partitions ?? 1 }
    : { own: 0, multiplier: 1, partitions: 1 };
}

/** The calls of a selection, and how many batched fields (a fractional cost) it holds at any depth. */
interface SelectionCost {
  calls: number;
  batched: number;
}

/** The selection sets of an operation, with the fields' declared costs: each fragment is costed once per type. */
function costWalk(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
  context: object,
) {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return undefined;
  // With the operation's defaults filled in, as execution will see them; variables it refuses cost nothing here.
  const { coerced } = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (!coerced) return undefined;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const known = new Map<SelectionSetNode, Map<GraphQLCompositeType, SelectionCost>>();
  /**
   * The selection set and type a fragment enters, or nothing for a spread already entered in this place (`spread`:
   * execution collects a fragment spread twice in one place once) or unknown.
   */
  const entered = (selection: FragmentSpreadNode | InlineFragmentNode, parent: GraphQLCompositeType, spread: Set<string>) => {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      if (spread.has(selection.name.value)) return undefined;
      spread.add(selection.name.value);
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
    if (!fragment) return undefined;
    const typeName = fragment.typeCondition?.name.value;
    const type = typeName ? schema.getType(typeName) : parent;
    return { selectionSet: fragment.selectionSet, type: type && isCompositeType(type) ? type : parent };
  };
  /** Each field of a selection, fragments entered. */
  const fieldsOf = (
    selectionSet: SelectionSetNode,
    parent: GraphQLCompositeType,
    visit: (field: FieldNode, parent: GraphQLCompositeType) => void,
  ) => {
    const spread = new Set<string>();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        visit(selection, parent);
        continue;
      }
      const fragment = entered(selection, parent, spread);
      // Entered inline (not through costOf's cache) only for a subscription's root, which holds one field.
      if (fragment) fieldsOf(fragment.selectionSet, fragment.type, visit);
    }
  };
  /** A field's own cost and its multiplier, and the selection under it. */
  const fieldCost = (selection: FieldNode, parent: GraphQLCompositeType) => {
    const field =
      isObjectType(parent) || "getFields" in parent
        ? (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[selection.name.value]
        : undefined;
    if (!field) return undefined;
    // Arguments as the client wrote them, global IDs undecoded: Pothos's decoding keeps each decoded ID in a
    // WeakMap, a fifth of the gateway's CPU under a flood of refused 2,500-ID nodes requests.
    const args = () => getArgumentValues(field, selection, coerced);
    const declared = declaredCost(field, args, context);
    const child = getNamedType(field.type);
    const below = selection.selectionSet && isCompositeType(child) ? costOf(selection.selectionSet, child) : { calls: 0, batched: 0 };
    return { ...declared, below };
  };
  const costOf = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): SelectionCost => {
    const cached = known.get(selectionSet)?.get(parent);
    if (cached !== undefined) return cached;
    // A cycle (refused by validation anyway) costs nothing rather than recursing forever.
    known.set(selectionSet, (known.get(selectionSet) ?? new Map()).set(parent, { calls: 0, batched: 0 }));
    let total = 0;
    let batched = 0;
    // A fragment spread twice in one place runs once, as execution collects fields.
    const spread = new Set<string>();
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const cost = fieldCost(selection, parent);
        if (!cost) continue;
        const { own, multiplier, partitions, below } = cost;
        // A list of no items names no partition: what is under it costs nothing, not less.
        total += own + multiplier * below.calls + Math.max(partitions - 1, 0) * below.batched;
        batched += (Number.isInteger(own) ? 0 : 1) + below.batched;
      } else {
        const fragment = entered(selection, parent, spread);
        if (!fragment) continue;
        const inner = costOf(fragment.selectionSet, fragment.type);
        total += inner.calls;
        batched += inner.batched;
      }
    }
    const cost = { calls: total, batched };
    known.get(selectionSet)!.set(parent, cost);
    return cost;
  };
  return { operation, root, costOf, fieldsOf, fieldCost };
}

/** Shares of batched calls (1/25 each) add up in floating point: 25 of them must be 1 call, not 1.0000000000000002. */
const calls = (cost: number) => Math.round(cost * 1e6) / 1e6;

/**
 * The worst-case AWS calls of the operation `operationName` (the first when not named) of `document`. Our own walk,
 * not Pothos's: that one charges what it did not build (__typename, introspection) 1 and 10 per list item, pricing
 * GraphiQL's introspection at thousands of calls. Each fragment's cost is computed once per type, so spreads stay linear.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
  context: object = {},
) {
  const walk = costWalk(schema, document, variables, operationName, context);
  return walk ? Math.ceil(calls(walk.costOf(walk.operation.selectionSet, walk.root).calls)) : 0;
}

/**
 * What each event of a subscription can cost beyond what subscribing paid: the calls of what is selected under its
 * field, for one item (shares of calls batched 25 IDs at a time), and how many events subscribing paid that for (its
 * field's multiplier: one event per watched ID).
 */
export function subscriptionEventCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables?: Record<string, unknown> | null,
  operationName?: string | null,
  context: object = {},
): { perEvent: number; prepaidEvents: number } {
  const walk = costWalk(schema, document, variables, operationName, context);
  let cost = { perEvent: 0, prepaidEvents: 0 };
  if (walk?.operation.operation !== "subscription") return cost;
  walk.fieldsOf(walk.operation.selectionSet, walk.root, (selection, parent) => {
    const field = walk.fieldCost(selection, parent);
    if (field) cost = { perEvent: calls(field.below.calls), prepaidEvents: field.multiplier };
  });
  return cost;
}
