// The one AWS SDK client and the only way the gateway calls AWS: the SDK's standard retry mode with bounded attempts
// and backoff, a process-wide rate limit, identical reads shared, and writes never retried when they may have applied.

import type { WorkSpacesClientConfig } from "@aws-sdk/client-workspaces";
import { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { StandardRetryStrategy } from "@smithy/core/retry";
import { describeAwsFailure, fromAwsError, OutcomeUnknownError } from "./errors.ts";
import { awsRequests, awsRetries, awsThrottles } from "./metrics.ts";
import { RateLimiter } from "./rate-limiter.ts";
import { SharedReads } from "./shared-reads.ts";

export interface CallPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** Calls per second across the process; 0 means unlimited. */
  rateLimit: number;
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

/** Writes a retry could repeat or misreport: AWS refuses a second modify while the first is in progress. */
const NON_IDEMPOTENT = new Set(["CreateWorkspaces", "ModifyWorkspaceProperties"]);

const sharedReads = new WeakMap<WorkSpacesClient, SharedReads>();

export function createWorkspacesClient(config: WorkSpacesClientConfig, policy: CallPolicy = DEFAULT_CALL_POLICY): WorkSpacesClient {
  const client = new WorkSpacesClient({
    ...config,
    retryStrategy: new StandardRetryStrategy({
      maxAttempts: policy.maxAttempts,
      backoff: new CappedBackoff(),
    }),
  });
  const limiter = policy.rateLimit > 0 ? new RateLimiter(policy.rateLimit) : undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? "unknown").replace(/Command$/, "");
      const signal = (context as { __smithy_context?: { abortSignal?: AbortSignal } }).__smithy_context?.abortSignal;
      await limiter?.take(signal);
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      if (!/attempt=1;/.test(headers["amz-sdk-request"] ?? "attempt=1;")) awsRetries.inc({ operation });
      try {
        const result = await next(args);
        awsRequests.inc({ operation, outcome: "success" });
        return result;
      } catch (error) {
        awsRequests.inc({ operation, outcome: (error as Error).name || "error" });
        const failure = describeAwsFailure(error);
        if (failure.kind === "throttled") awsThrottles.inc({ operation });
        // AWS applies nothing it throttles or refuses (4xx), nor what never connected; anything else may have applied.
        if (NON_IDEMPOTENT.has(operation) && failure.kind === "unavailable" && (error as { code?: string }).code !== "ECONNREFUSED") {
          throw new OutcomeUnknownError();
        }
        throw error;
      }
    },
    // Inside the retry middleware, so each attempt waits for the limiter and counts.
    { step: "finalizeRequest", priority: "low", name: "gatewayAttempt" },
  );
  sharedReads.set(client, new SharedReads());
  return client;
}

/** Sends a command; any failure comes back as the gateway's typed GraphQL error. */
export async function callAws<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromAwsError(error);
  }
}

/** Sends a read, joining an identical one (same operation and input) already in flight from any request, unless fresh. */
export function sendRead<T>(
  client: WorkSpacesClient,
  operation: string,
  input: object,
  send: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
  fresh = false,
): Promise<T> {
  const shared = sharedReads.get(client);
  if (!shared) return callAws(() => send(signal ?? new AbortController().signal));
  return callAws(() => shared.run(`${operation}:${JSON.stringify(input)}`, operation, signal, send, fresh));
}
