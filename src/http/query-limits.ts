// What a document may hold before anything runs: depth, aliases, directives and tokens, each with a typed error that
// names the rule and the limit (extensions.code QUERY_TOO_COMPLEX).

import type { ASTVisitor, DocumentNode, FragmentDefinitionNode, SelectionSetNode, ValidationContext } from "graphql";
import { GraphQLError, Kind, parse } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { QueryLimits } from "../config.ts";

export type LimitRule = "depth" | "aliases" | "directives" | "tokens" | "cost";

export function limitError(rule: LimitRule, limit: number, actual: number | string, detail: string): GraphQLError {
  return new GraphQLError(`Query refused: ${detail} (limit ${limit}, found ${actual}).`, {
    extensions: { code: "QUERY_TOO_COMPLEX", rule, limit, actual, http: { status: 400 } },
  });
}

/** Field depth of a selection set, fragments inlined. */
export function depthOf(selectionSet: SelectionSetNode | undefined, fragments: Record<string, FragmentDefinitionNode>): number {
  // Each fragment is measured once, so spreads that fan out stay linear; a cycle (invalid anyway) counts 0.
  const fragmentDepths = new Map<string, number>();
  const measure = (set: SelectionSetNode | undefined): number => {
    if (!set) return 0;
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        // Introspection documents (GraphiQL's, codegen's) are deep by nature and cost no AWS call.
        if (selection.name.value === "__schema" || selection.name.value === "__type") continue;
        deepest = Math.max(deepest, 1 + measure(selection.selectionSet));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, measure(selection.selectionSet));
      } else {
        const name = selection.name.value;
        if (!fragmentDepths.has(name)) {
          fragmentDepths.set(name, 0);
          fragmentDepths.set(name, measure(fragments[name]?.selectionSet));
        }
        deepest = Math.max(deepest, fragmentDepths.get(name)!);
      }
    }
    return deepest;
  };
  return measure(selectionSet);
}

/** Aliases and directives written anywhere in the document. */
export function countOf(document: DocumentNode): { aliases: number; directives: number } {
  let aliases = 0;
  let directives = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (!node || typeof node !== "object") return;
    const kind = (node as { kind?: string }).kind;
    if (kind === Kind.FIELD && (node as { alias?: unknown }).alias) aliases += 1;
    if (kind === Kind.DIRECTIVE) directives += 1;
    for (const [key, value] of Object.entries(node)) if (key !== "loc") visit(value);
  };
  visit(document);
  return { aliases, directives };
}

function limitsRule(limits: QueryLimits) {
  return (context: ValidationContext): ASTVisitor => ({
    Document(document) {
      const { aliases, directives } = countOf(document);
      if (aliases > limits.aliases) context.reportError(limitError("aliases", limits.aliases, aliases, "too many aliases"));
      if (directives > limits.directives)
        context.reportError(limitError("directives", limits.directives, directives, "too many directives"));
      const fragments = Object.fromEntries(
        document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
      );
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const depth = depthOf(definition.selectionSet, fragments);
        if (depth > limits.depth) context.reportError(limitError("depth", limits.depth, depth, "the query is nested too deeply"));
      }
      return false;
    },
  });
}

export function useQueryLimits(limits: QueryLimits): Plugin {
  return {
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.tokens });
        } catch (error) {
          if (error instanceof GraphQLError && / \d+ tokens\. Parsing aborted/.test(error.message)) {
            throw limitError("tokens", limits.tokens, `more than ${limits.tokens}`, "the document is too long");
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      addValidationRule(limitsRule(limits));
    },
  };
}
