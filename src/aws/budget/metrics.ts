// What the AWS budget lets through, and what it holds back, for /metrics (Prometheus).
import { Counter, Gauge, Histogram } from "prom-client";
import { registry } from "../../metrics.ts";

export const budgetCalls = new Counter({
  name: "workspaces_aws_budget_calls_total",
  help: "AWS calls (attempts) let through by the budget, by account/region and caller class.",
  labelNames: ["partition", "class"] as const,
  registers: [registry],
});

export const budgetWait = new Histogram({
  name: "workspaces_aws_budget_wait_seconds",
  help: "How long calls waited for the AWS budget, by caller class.",
  labelNames: ["class"] as const,
  buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const budgetShed = new Counter({
  name: "workspaces_aws_budget_shed_total",
  help: "Calls not sent: their deadline would pass (shed) or passed (aborted) while they waited for the budget, by class.",
  labelNames: ["class", "reason"] as const,
  registers: [registry],
});

/** The budgets open now, whose waiting calls a scrape counts. */
export const openBudgets = new Set<{ readonly partition: string; readonly queued: number }>();

new Gauge({
  name: "workspaces_aws_budget_queued",
  help: "Calls waiting for the AWS budget, by account/region.",
  labelNames: ["partition"] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const budget of openBudgets) this.set({ partition: budget.partition }, budget.queued);
  },
});
