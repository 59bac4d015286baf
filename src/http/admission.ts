// Admission, before anything runs: each operation's worst-case AWS calls (the costs its fields declare) are held to
// MAX_COST for the whole HTTP request (a batch, aliases, every mutation add up), and charged to the caller's share of
// the AWS budget over time; a request over either is refused before any AWS call, and a caller whose share is spent
// before its request is even read.

import type { DocumentNode, GraphQLSchema } from "graphql";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { Counter } from "prom-client";
import { nextTurn } from "../aws/turn-pacing.ts";
import { ID_LIST_SIZE } from "../constraints.ts";
import { registry } from "../metrics.ts";
import { gatewayError } from "../schema/errors.ts";
import type { Quotas } from "../shared/quotas/quotas.ts";
import { principalOf } from "./authentication.ts";
import { operationCost } from "./query-cost.ts";
import { limitError } from "./query-limits.ts";
import { refusalResponse } from "./refusal.ts";

const refused = new Counter({
  name: "workspaces_admission_refused_total",
  help: "Operations refused before running: over MAX_COST (cost), or over the caller's share of the AWS budget (quota).",
  labelNames: ["reason"] as const,
  registers: [registry],
});

/** What callers were charged: each operation's worst case when admitted, each subscription event's lookups as it runs. */
export const chargedCalls = new Counter({
  name: "workspaces_caller_charged_calls_total",
  help: "AWS calls charged to callers' shares of the AWS budget, by what was charged: an operation, or a subscription's event.",
  labelNames: ["charge"] as const,
  registers: [registry],
});

/** What the operations of one HTTP request have cost so far. */
const spent = new WeakMap<object, number>();

/** An operation that may make this many AWS calls runs a turn of the event loop after it is admitted. */
const HEAVY_COST = ID_LIST_SIZE.max;

/** Each request's latest operation's turn (true: the first, which started at once). */
const turns = new WeakMap<object, Promise<void> | true>();

/** When an operation of `request` may start: the first at once, each next one of a batch a turn after the one before. */
function turnOf(request: object): Promise<void> | undefined {
  const previous = turns.get(request);
  const turn = previous === undefined ? undefined : previous === true ? nextTurn() : previous.then(nextTurn);
  turns.set(request, turn ?? true);
  return turn;
}

interface Admission {
  refusal?: GraphQLError;
  cost: number;
}

interface OperationArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  contextValue: unknown;
}

function rateLimited(cost: number | undefined, retryAfter: number): GraphQLError {
  const what = cost === undefined ? "" : ` (this operation could cause ${cost} AWS calls)`;
  return gatewayError(
    "RATE_LIMITED",
    `This caller's share of the AWS budget is spent for now${what}; retry in ${retryAfter} s.`,
    { retryAfter },
    { "Retry-After": String(retryAfter) },
  );
}

/** `then` applied at once to a value, or when a promise settles: a gateway's own quotas answer without a turn. */
function whenAnswered<T, R>(value: T | Promise<T>, then: (value: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}

export function useAdmission({ maxCost, quotas }: { maxCost: number; quotas: Quotas }): Plugin {
  /** The refusal, if any, and what the operation may cost. */
  const admit = (args: OperationArgs): Admission | Promise<Admission> => {
    let cost: number;
    try {
      cost = operationCost(args.schema, args.document, args.variableValues, args.operationName, args.contextValue as object);
    } catch (error) {
      // The gateway's own refusal of an argument (a malformed global ID) is the answer; execution reports the rest.
      if (error instanceof GraphQLError && error.extensions.code) return { refusal: error, cost: 0 };
      return { cost: 0 };
    }
    const request = (args.contextValue as { request: Request }).request;
    const total = (spent.get(request) ?? 0) + cost;
    spent.set(request, total);
    if (total > maxCost) {
      refused.inc({ reason: "cost" });
      return { refusal: limitError("cost", maxCost, total, "the request could cause too many AWS calls"), cost };
    }
    return whenAnswered(quotas.take(principalOf(request).id, cost), (answer) => {
      if (answer.granted) {
        chargedCalls.inc({ charge: "operation" }, cost);
        return { cost };
      }
      refused.inc({ reason: "quota" });
      return { refusal: rateLimited(cost, answer.retryAfter), cost };
    });
  };
  // What admitting and starting a heavy operation take is done in turns of the event loop of their own, and so is
  // each operation of a batch: ten operations of 2,500 IDs admitted in one turn held it for 90 ms.
  const stopIfRefused = ({
    args,
    setResultAndStopExecution,
  }: {
    args: OperationArgs;
    setResultAndStopExecution: (result: { errors: GraphQLError[] }) => void;
  }): Promise<void> | undefined => {
    const settle = ({ refusal, cost }: Admission): Promise<void> | undefined => {
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
      else if (cost >= HEAVY_COST) return nextTurn();
      return undefined;
    };
    const start = () => {
      const admission = admit(args);
      return admission instanceof Promise ? admission.then(settle) : settle(admission);
    };
    const turn = turnOf((args.contextValue as { request: Request }).request);
    return turn ? turn.then(start) : start();
  };
  return {
    // After authentication's (plugins run in order): a caller with nothing left costs no parsing (a flood's bodies).
    onRequest({ request, endResponse, fetchAPI }) {
      return whenAnswered(quotas.check(principalOf(request).id), (answer) => {
        if (answer.granted) return;
        refused.inc({ reason: "quota" });
        endResponse(refusalResponse(fetchAPI, rateLimited(undefined, answer.retryAfter)));
      });
    },
    onExecute: stopIfRefused,
    onSubscribe: stopIfRefused,
  };
}
