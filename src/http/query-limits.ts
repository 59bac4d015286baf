// What a document may hold before anything runs: depth, aliases and directives (graphql-armor's rules) and tokens
// (graphql-js's own parser limit), each refused with a typed error that names the rule, the limit and the count found,
// with HTTP 400 whatever the Accept header, as the cost refusal.
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import type { DocumentNode, ExecutionResult, FragmentDefinitionNode, GraphQLError, SelectionSetNode, ValidationContext } from "graphql";
import { Kind, parse, visit } from "graphql";
import type { Plugin } from "graphql-yoga";
import { isAsyncIterable } from "graphql-yoga";
import { gatewayError } from "../schema/errors.ts";

export interface QueryLimits {
  depth: number;
  aliases: number;
  tokens: number;
  directives: number;
  /** The AWS calls one request (all its operations) could cause at most, from the costs declared in the schema. */
  cost: number;
  /** Operations in one batched request (a JSON array body). */
  batch: number;
  bodyBytes: number;
  /** Field selections in a document, fragments counted where spread: what validation's work grows with. */
  fields: number;
  /** Fields answering to the same name in one selection set: validation compares every pair of them. */
  fieldPairs: number;
  /** Items in any one list of a request's arguments, counted before its variables are coerced. */
  listItems: number;
}

export type LimitRule = "depth" | "aliases" | "directives" | "tokens" | "fields" | "fieldPairs" | "cost" | "listSize";

/** `actual` is the count found; for tokens, which the parser stops counting past the limit, limit + 1. */
export function limitError(
  rule: LimitRule,
  limit: number,
  actual: number,
  detail: string,
  extensions: Record<string, unknown> = {},
): GraphQLError {
  const found = rule === "tokens" ? `more than ${limit}` : actual;
  return gatewayError("QUERY_TOO_COMPLEX", `Query refused: ${detail} (limit ${limit}, found ${found}).`, {
    rule,
    limit,
    actual,
    ...extensions,
  });
}

/** Armor's options for one rule: its rejection reported as our typed error, with the count armor found. */
function armorOptions(rule: LimitRule, limit: number, detail: string) {
  return {
    n: limit,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = /found (\d+)/.exec(error.message)?.[1];
        context?.reportError(limitError(rule, limit, found === undefined ? limit + 1 : Number(found), detail));
      },
    ],
  };
}

/** The validation rules for depth, aliases and directives. */
export function limitRules(limits: Pick<QueryLimits, "depth" | "aliases" | "directives">) {
  return [
    // Introspection documents (GraphiQL's, codegen's) are deep by nature and cost no AWS call.
    maxDepthRule({
      ...armorOptions("depth", limits.depth, "the query is nested too deeply"),
      flattenFragments: true,
      ignoreIntrospection: true,
    }),
    // Every alias counts, __typename's too (armor lets those through by default): each is work for the gateway.
    maxAliasesRule({ ...armorOptions("aliases", limits.aliases, "too many aliases"), allowList: [] }),
    maxDirectivesRule(armorOptions("directives", limits.directives, "too many directives")),
  ];
}

/** Beyond this, a number of fields is only "too many" (fragments can multiply sizes without bound). */
const CEILING = 1e12;

/**
 * What validation's work grows with, counted in one walk before it runs: the field selections written, and the
 * comparisons graphql-js makes to check that fields answering to one name can merge. Each pair of such fields in a
 * selection set (fragments merged in) is compared with all of its sub-selections: a pair of fields of n and m
 * fields each (themselves included) counts n × m, the most it can cost.
 */
export function shapeOf(document: DocumentNode): { fields: number; fieldPairs: number } {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  /** A selection set's fields by response name, each as its size (fields in it and under it). */
  type Keys = Map<string, number[]>;
  const merged = new Map<string, Keys>();
  const sizes = new Map<SelectionSetNode, Keys>();
  const add = (keys: Keys, key: string, size: number) => {
    const list = keys.get(key);
    if (list) list.push(size);
    else keys.set(key, [size]);
  };
  /** A fragment spread twice in one set counts once, as execution and validation treat it. */
  const keysOf = (set: SelectionSetNode, within: Set<string>, spread = new Set<string>(), keys: Keys = new Map()): Keys => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const size = selection.selectionSet ? 1 + sizeOf(selection.selectionSet, within) : 1;
        add(keys, selection.alias?.value ?? selection.name.value, Math.min(CEILING, size));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        keysOf(selection.selectionSet, within, spread, keys);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A cycle (refused by validation anyway) adds nothing.
        if (!fragment || within.has(name) || spread.has(name)) continue;
        spread.add(name);
        if (!merged.has(name)) merged.set(name, keysOf(fragment.selectionSet, new Set([...within, name])));
        for (const [key, list] of merged.get(name)!) for (const size of list) add(keys, key, size);
      }
    }
    return keys;
  };
  const keysOfSet = (set: SelectionSetNode, within: Set<string>): Keys => {
    const known = sizes.get(set);
    if (known) return known;
    const keys = keysOf(set, within);
    sizes.set(set, keys);
    return keys;
  };
  const sizeOf = (set: SelectionSetNode, within: Set<string>): number => {
    let total = 0;
    for (const list of keysOfSet(set, within).values()) for (const size of list) total += size;
    return Math.min(CEILING, total);
  };
  let fields = 0;
  let fieldPairs = 0;
  visit(document, {
    Field: () => {
      fields += 1;
    },
    SelectionSet: (set) => {
      for (const list of keysOfSet(set, new Set()).values()) {
        if (list.length < 2) continue;
        // Every pair i < j: ((sum)^2 - sum of squares) / 2.
        let sum = 0;
        let squares = 0;
        for (const size of list) {
          sum += size;
          squares += size * size;
        }
        fieldPairs = Math.min(CEILING, fieldPairs + (sum * sum - squares) / 2);
      }
    },
  });
  return { fields, fieldPairs };
}

export function useQueryLimits(limits: QueryLimits): Plugin {
  const rules = limitRules(limits);
  return {
    onParse({ setParseFn }) {
      // graphql-js stops lexing at the limit itself; armor's token rule proxies every token through JavaScript.
      setParseFn((source, options) => {
        let document: DocumentNode;
        try {
          document = parse(source, { ...options, maxTokens: limits.tokens });
        } catch (error) {
          if ((error as Error).message.includes("tokens. Parsing aborted")) {
            throw limitError("tokens", limits.tokens, limits.tokens + 1, "the document is too long");
          }
          throw error;
        }
        // Refused before validation, whose work these bound (a field repeated 400 times cost 200 ms of it).
        const { fields, fieldPairs } = shapeOf(document);
        if (fields > limits.fields) throw limitError("fields", limits.fields, fields, "the document selects too many fields");
        if (fieldPairs > limits.fieldPairs) {
          throw limitError("fieldPairs", limits.fieldPairs, fieldPairs, "fields of the same name are selected too many times in one place");
        }
        return document;
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
    // yoga answers a document's own errors 200 under Accept: application/json; a document refused by a limit keeps its
    // refusal's status whatever the Accept header, as GraphQL over HTTP has it for a document that does not validate,
    // and as the cost refusal does.
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result)) return;
      const { errors, extensions } = result as ExecutionResult;
      const refusal = errors?.find((error) => error.extensions.code === "QUERY_TOO_COMPLEX");
      const http = refusal?.extensions.http as { status: number } | undefined;
      if (http) setResult({ ...(result as ExecutionResult), extensions: { ...extensions, http: { status: http.status } } });
    },
  };
}
