// Preloaded into a gateway the bench starts (node --import): the most CPU time its event loop's thread spent between two
// turns of the loop since the last scrape of /metrics, beside prom-client's nodejs_eventloop_lag_max_seconds. On a
// shared machine the lag also counts the time the process waited for a core; this counts only the work that held the
// loop. The thread's own time from Linux's schedstat (GC threads and the like left out), else the process's.
import { readFileSync } from "node:fs";
import { Gauge } from "prom-client";
import { registry } from "../src/metrics.ts";

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** CPU time of the event loop's thread so far, in microseconds. */
function threadCpuUs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, "utf8").split(" ")[0]) / 1000;
  } catch {
    const { user, system } = process.cpuUsage();
    return user + system;
  }
}

let busiest = 0;
let last = threadCpuUs();
// Timers run once a turn: the CPU spent between two firings a millisecond apart is the longest turn between them.
setInterval(() => {
  const now = threadCpuUs();
  busiest = Math.max(busiest, now - last);
  last = now;
}, 1).unref();

new Gauge({
  name: "bench_eventloop_busiest_turn_cpu_seconds",
  help: "The most CPU time the event loop's thread spent between two turns of the loop since the last scrape.",
  registers: [registry],
  collect() {
    this.set(busiest / 1e6);
    busiest = 0;
  },
});
