// Readiness: can AWS be reached and does it answer? While traffic flows, AWS's own recent answers in any partition say
// so, with no call of readiness's own and no wait behind that traffic; on an idle gateway, one small read per
// partition, ahead of every other call for its AWS budget, shared by probes that arrive together and remembered
// briefly. One partition answering is enough: a region that is down shows in lists as missing, and taking the whole
// gateway out of service for it would only add an outage.
import type { Upstream } from "../aws/upstream.ts";

export class AwsReadiness {
  private last: { ready: boolean; at: number } | undefined;

  constructor(
    private readonly upstreams: readonly Upstream[],
    private readonly rememberMs = 2_000,
    private readonly timeoutMs = 3_000,
  ) {}

  async check(): Promise<boolean> {
    if (this.upstreams.some((upstream) => upstream.answeredWithin(this.timeoutMs))) return true;
    if (this.last && Date.now() - this.last.at < this.rememberMs) return this.last.ready;
    const probe = { signal: AbortSignal.timeout(this.timeoutMs), ticket: { caller: "readiness", class: "probe" as const } };
    // Ready at the first partition that answers, not once the slowest has (a role's hung STS held /ready 3 s).
    const ready = await Promise.any(
      this.upstreams.map((upstream) => upstream.answers(probe).then((answered) => answered || Promise.reject(new Error("no answer")))),
    ).catch(() => false);
    this.last = { ready, at: Date.now() };
    return ready;
  }
}
