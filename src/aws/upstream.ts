// The one way the gateway calls AWS WorkSpaces: the SDK's standard retry mode with bounded attempts and backoff, the
// account and region's AWS budget, identical reads in flight shared, writes never retried when they may have applied, and every attempt
// counted. A call's failure comes back as a Failure (thrown as FailureError), never as an SDK exception.

import type {
  ServiceInputTypes,
  ServiceOutputTypes,
  WorkSpacesClientConfig,
  WorkSpacesClientResolvedConfig,
} from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesCommand, WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { StandardRetryStrategy } from "@smithy/core/retry";
import type { Command } from "@smithy/types";
import type { PermitSource } from "../shared/permits/permits.ts";
import type { CallTicket } from "./budget/budget.ts";
import { AwsBudget, NotSentError } from "./budget/budget.ts";
import { FailureError, failureOf, OutcomeUnknownError, writeFailureOf } from "./failure.ts";
import { awsRequests, awsRetries, awsThrottles } from "./metrics.ts";
import { SharedReads } from "./shared-reads.ts";
import { traceAttempts } from "./tracing.ts";
import { TurnPacing } from "./turn-pacing.ts";

export interface CallPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Calls per second: the AWS budget of the account and region; 0 means unlimited. */
  rateLimit: number;
  /** The least share of the budget subscription polling gets while reads wait too. */
  pollShare?: number;
  /** Where gateways sharing the budget take leave for each call (absent: this gateway has the budget to itself). */
  permits?: PermitSource;
}

export const DEFAULT_CALL_POLICY: CallPolicy = { maxAttempts: 4, rateLimit: 0 };

/** Longest wait between attempts, so the retries of a call fit well within a request's deadline. */
const MAX_BACKOFF_MS = 1_000;

/** The SDK's full-jitter exponential backoff (its bases: 100 ms, 500 ms when throttled), capped lower than its 20 s. */
class CappedBackoff {
  private base = 100;

  setDelayBase(delay: number) {
    this.base = delay;
  }

  computeNextBackoffDelay(attempt: number) {
    return Math.floor(Math.random() * Math.min(MAX_BACKOFF_MS, this.base * 2 ** attempt));
  }
}

/** Reads are Describe*; every other operation changes something, and a retry could repeat or misreport it. */
const isRead = (operation: string) => operation.startsWith("Describe");

/** A command of the WorkSpaces API, answered with `Output`. */
export type WorkSpacesCommand<Input extends ServiceInputTypes, Output extends ServiceOutputTypes> = Command<
  ServiceInputTypes,
  Input,
  ServiceOutputTypes,
  Output,
  WorkSpacesClientResolvedConfig
>;

export interface ReadOptions {
  /** Aborts the caller's wait; the call itself is aborted once every caller waiting for it has given up. */
  signal?: AbortSignal;
  /** A read after a write: never joins a call AWS may have answered before the write. */
  fresh?: boolean;
  /** Whose call it is, for the budget's turns (a shared read goes on the first caller's). */
  ticket?: CallTicket;
}

export interface WriteOptions {
  /** Gives up the call's wait for the budget; a call already sent gets a grace period for its answer instead. */
  signal?: AbortSignal;
  /** Gives the call up at once, sent or not: the process stops (its outcome is then unknown). */
  cut?: AbortSignal;
  ticket?: CallTicket;
}

/** How long a write AWS may have received still waits for its answer once its request's deadline passed. */
export const WRITE_ANSWER_GRACE_MS = 10_000;

/** Calls of every partition start 4 a turn of the event loop. */
const calls = new TurnPacing(4);

const GATEWAY_READ: CallTicket = { caller: "gateway", class: "read" };
const GATEWAY_WRITE: CallTicket = { caller: "gateway", class: "write" };

export class Upstream {
  /** The budget of the account and region; undefined when unlimited. */
  readonly budget: AwsBudget | undefined;
  private readonly client: WorkSpacesClient;
  private readonly shared = new SharedReads();
  /** Each call's ticket, by the abort signal the SDK hands the middleware (the one per-call value it carries). */
  private readonly tickets = new WeakMap<AbortSignal, CallTicket>();
  /** What a write does once the budget lets it go, by the same signal. */
  private readonly onSent = new WeakMap<AbortSignal, () => void>();
  /** When AWS last answered anything (a result, a refusal, throttling), on the monotonic clock. */
  private answeredAt = Number.NEGATIVE_INFINITY;

  constructor(config: WorkSpacesClientConfig, policy: CallPolicy = DEFAULT_CALL_POLICY, partition = "default") {
    this.client = new WorkSpacesClient({
      ...config,
      retryStrategy: new StandardRetryStrategy({ maxAttempts: policy.maxAttempts, backoff: new CappedBackoff() }),
    });
    traceAttempts(this.client);
    this.budget =
      policy.rateLimit > 0
        ? new AwsBudget(policy.rateLimit, { partition, pollShare: policy.pollShare, permits: policy.permits })
        : undefined;
    this.client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = (context.commandName ?? "unknown").replace(/Command$/, "");
        const signal = (context as { __smithy_context?: { abortSignal?: AbortSignal } }).__smithy_context?.abortSignal;
        await this.budget?.take((signal && this.tickets.get(signal)) ?? GATEWAY_READ, signal);
        if (signal) this.onSent.get(signal)?.();
        const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
        if (!/attempt=1;/.test(headers["amz-sdk-request"] ?? "attempt=1;")) awsRetries.inc({ operation });
        try {
          const result = await next(args);
          awsRequests.inc({ operation, outcome: "success" });
          this.answeredAt = performance.now();
          return result;
        } catch (error) {
          awsRequests.inc({ operation, outcome: (error as Error).name || "error" });
          const described = failureOf(error);
          if (described.kind === "throttled" || described.kind === "refused") this.answeredAt = performance.now();
          if (described.kind === "throttled") awsThrottles.inc({ operation });
          // AWS applies nothing it throttles or refuses (4xx), nor what never connected; anything else may have applied.
          if (!isRead(operation) && described.kind === "unavailable" && (error as { code?: string }).code !== "ECONNREFUSED") {
            throw new OutcomeUnknownError();
          }
          throw error;
        }
      },
      // Inside the retry middleware, so each attempt waits for the budget and counts.
      { step: "finalizeRequest", priority: "low", name: "gatewayAttempt" },
    );
  }

  /** A read, joining an identical one (same operation and input) already in flight from any request, unless fresh. */
  async read<Input extends ServiceInputTypes, Output extends ServiceOutputTypes>(
    command: WorkSpacesCommand<Input, Output>,
    options: ReadOptions = {},
  ): Promise<Output> {
    const operation = command.constructor.name.replace(/Command$/, "");
    const key = `${operation}:${JSON.stringify(command.input)}`;
    try {
      return await this.shared.run(
        key,
        operation,
        options.signal,
        (signal) => {
          this.tickets.set(signal, options.ticket ?? GATEWAY_READ);
          return calls.paced(() => this.client.send(command, { abortSignal: signal }));
        },
        options.fresh,
      );
    } catch (error) {
      throw new FailureError(failureOf(error));
    }
  }

  /**
   * A write: its own call, retried only when throttled. `signal` gives up its wait for the budget (unsent, retryable);
   * once sent, it has WRITE_ANSWER_GRACE_MS more for AWS's answer, as a write cut short is OUTCOME_UNKNOWN.
   */
  async write<Input extends ServiceInputTypes, Output extends ServiceOutputTypes>(
    command: WorkSpacesCommand<Input, Output>,
    options: WriteOptions = {},
  ): Promise<Output> {
    const call = new AbortController();
    let sent = false;
    let grace: NodeJS.Timeout | undefined;
    const giveUp = () => {
      if (!sent) call.abort(options.signal?.reason);
      else grace ??= setTimeout(() => call.abort(options.signal?.reason), WRITE_ANSWER_GRACE_MS);
    };
    // The reason tells the write's failure: cut short once sent, its outcome is unknown.
    const cutNow = () => call.abort(new OutcomeUnknownError());
    if (options.signal?.aborted) giveUp();
    if (options.cut?.aborted) cutNow();
    options.signal?.addEventListener("abort", giveUp, { once: true });
    options.cut?.addEventListener("abort", cutNow, { once: true });
    this.tickets.set(call.signal, options.ticket ?? GATEWAY_WRITE);
    this.onSent.set(call.signal, () => {
      sent = true;
    });
    // Whatever the SDK does before sending (a role's credential provider waiting on STS), the write ends when it is
    // given up: at its deadline while unsent (nothing was sent: retryable), at the end of its grace once sent.
    const givenUp = new Promise<never>((_, reject) =>
      call.signal.addEventListener("abort", () => reject(sent ? call.signal.reason : new NotSentError("aborted", 0)), { once: true }),
    );
    try {
      return await Promise.race([calls.paced(() => this.client.send(command, { abortSignal: call.signal })), givenUp]);
    } catch (error) {
      throw new FailureError(writeFailureOf(error));
    } finally {
      clearTimeout(grace);
      options.signal?.removeEventListener("abort", giveUp);
      options.cut?.removeEventListener("abort", cutNow);
    }
  }

  /** Whether AWS answers a read of one WorkSpace now, for readiness while no traffic flows. */
  answers(options: ReadOptions): Promise<boolean> {
    return this.read(new DescribeWorkspacesCommand({ Limit: 1 }), options).then(
      () => true,
      // Throttled is an answer: AWS is there, and a fleet taken out of service for it would only make it worse.
      (error: unknown) => failureOf(error).kind === "throttled",
    );
  }

  /** Whether AWS answered anything within `ms`: readiness needs no call of its own while traffic flows. */
  answeredWithin(ms: number): boolean {
    return performance.now() - this.answeredAt < ms;
  }

  destroy(): void {
    this.budget?.close();
    this.client.destroy();
  }
}
