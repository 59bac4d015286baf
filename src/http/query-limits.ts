// What a document may hold before anything runs: depth, aliases and directives (graphql-armor's rules) and tokens
// (graphql-js's own parser limit), each refused with a typed error that names the rule and the limit.
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import type { GraphQLError, ValidationContext } from "graphql";
import { parse } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { QueryLimits } from "../config.ts";
import { gatewayError } from "../schema/failures.ts";

export type LimitRule = "depth" | "aliases" | "directives" | "tokens" | "cost";

export function limitError(rule: LimitRule, limit: number, actual: number | string, detail: string): GraphQLError {
  return gatewayError("QUERY_TOO_COMPLEX", `Query refused: ${detail} (limit ${limit}, found ${actual}).`, {
    rule,
    limit,
    actual,
    http: { status: 400 },
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
        context?.reportError(limitError(rule, limit, found === undefined ? `more than ${limit}` : Number(found), detail));
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

export function useQueryLimits(limits: QueryLimits): Plugin {
  const rules = limitRules(limits);
  return {
    onParse({ setParseFn }) {
      // graphql-js stops lexing at the limit itself; armor's token rule proxies every token through JavaScript.
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.tokens });
        } catch (error) {
          if ((error as Error).message.includes("tokens. Parsing aborted")) {
            throw limitError("tokens", limits.tokens, `more than ${limits.tokens}`, "the document is too long");
          }
          throw error;
        }
      });
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
  };
}
