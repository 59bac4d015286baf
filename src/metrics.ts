// The process's one Prometheus registry, for /metrics: each layer registers its own series on it.
import { collectDefaultMetrics, Registry } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });
