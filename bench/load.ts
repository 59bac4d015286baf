// Load from autocannon, run in the bench process while the server under load runs in a child process of its own.
import autocannon from "autocannon";
import { AUTHORIZATION } from "../test/support/processes.ts";

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p99Ms: number;
}

export async function load(url: string, body: string, connections: number, seconds: number): Promise<LoadResult> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json", ...AUTHORIZATION },
    body,
    connections,
    duration: seconds,
  });
  // Connection errors, timeouts and non-2xx answers: any of them makes the figures worthless.
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) throw new Error(`${failures} failed requests of ${result.requests.total} against ${url}`);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    perSecond: result.requests.total / result.duration,
    p99Ms: result.latency.p99,
  };
}
