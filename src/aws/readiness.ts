// Readiness: can AWS be reached and does it answer? While traffic flows, AWS's own recent answers say so, with no call
// of readiness's own and no wait behind that traffic; on an idle gateway, one small read, ahead of every other call
// for the AWS budget, shared by probes that arrive together and remembered briefly.
import { DescribeWorkspacesCommand } from "@aws-sdk/client-workspaces";
import { failureOf } from "./failure.ts";
import type { Upstream } from "./upstream.ts";

export class AwsReadiness {
  private last: { ready: boolean; at: number } | undefined;

  constructor(
    private readonly upstream: Upstream,
    private readonly rememberMs = 2_000,
    private readonly timeoutMs = 3_000,
  ) {}

  async check(): Promise<boolean> {
    if (this.upstream.answeredWithin(this.timeoutMs)) return true;
    if (this.last && Date.now() - this.last.at < this.rememberMs) return this.last.ready;
    const probe = { signal: AbortSignal.timeout(this.timeoutMs), ticket: { caller: "readiness", class: "probe" as const } };
    const ready = await this.upstream.read(new DescribeWorkspacesCommand({ Limit: 1 }), probe).then(
      () => true,
      // Throttled is an answer: AWS is there, and a fleet taken out of service for it would only make it worse.
      (error: unknown) => failureOf(error).kind === "throttled",
    );
    this.last = { ready, at: Date.now() };
    return ready;
  }
}
