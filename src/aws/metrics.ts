// What the gateway asks of AWS, for /metrics (Prometheus).
import { Counter, Histogram } from "prom-client";
import { registry } from "../metrics.ts";

export const awsRequests = new Counter({
  name: "workspaces_aws_requests_total",
  help: "AWS WorkSpaces API calls made by the gateway, one per HTTP attempt, by operation and outcome.",
  labelNames: ["operation", "outcome"] as const,
  registers: [registry],
});

export const awsThrottles = new Counter({
  name: "workspaces_aws_throttles_total",
  help: "Attempts AWS answered with throttling, by operation.",
  labelNames: ["operation"] as const,
  registers: [registry],
});

export const awsRetries = new Counter({
  name: "workspaces_aws_retries_total",
  help: "Attempts that were retries of an earlier failed attempt, by operation.",
  labelNames: ["operation"] as const,
  registers: [registry],
});

export const coalescedReads = new Counter({
  name: "workspaces_aws_coalesced_reads_total",
  help: "Reads served by joining an identical AWS call already in flight, instead of making one.",
  labelNames: ["operation"] as const,
  registers: [registry],
});

export const loaderBatchSize = new Histogram({
  name: "workspaces_loader_batch_size",
  help: "IDs per DataLoader batch, by loader.",
  labelNames: ["loader"] as const,
  buckets: [1, 2, 5, 10, 25, 50, 100],
  registers: [registry],
});
