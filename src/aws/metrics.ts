// What the gateway asks of AWS, for /metrics (Prometheus).
import { Counter, Registry, collectDefaultMetrics } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const awsRequests = new Counter({
  name: "workspaces_aws_requests_total",
  help: "AWS WorkSpaces API calls made by the gateway, one per HTTP attempt, by operation and outcome.",
  labelNames: ["operation", "outcome"] as const,
  registers: [registry],
});
