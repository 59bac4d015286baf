// Preloaded into a gateway the bench starts (node --import): the most CPU time the process spent between two turns of
// its event loop since the last scrape of /metrics, beside prom-client's nodejs_eventloop_lag_max_seconds. On a shared
// machine the lag also counts the time the process waited for a core; this counts only the work that held the loop.
import { Gauge } from "prom-client";
import { registry } from "../src/metrics.ts";

let busiest = 0;
let last = process.cpuUsage();
// Timers run once a turn: the CPU spent between two firings a millisecond apart is the longest turn between them.
setInterval(() => {
  const spent = process.cpuUsage(last);
  last = process.cpuUsage();
  busiest = Math.max(busiest, spent.user + spent.system);
}, 1).unref();

new Gauge({
  name: "bench_eventloop_busiest_turn_cpu_seconds",
  help: "The most CPU time spent between two turns of the event loop since the last scrape.",
  registers: [registry],
  collect() {
    this.set(busiest / 1e6);
    busiest = 0;
  },
});
