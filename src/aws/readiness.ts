// Readiness: can AWS be reached and does it answer? One small read, shared by probes that arrive together and
// remembered briefly, so frequent probes cost AWS next to nothing.
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
    if (this.last && Date.now() - this.last.at < this.rememberMs) return this.last.ready;
    const ready = await this.upstream
      .read(new DescribeWorkspacesCommand({ Limit: 1 }), { signal: AbortSignal.timeout(this.timeoutMs) })
      .then(
        () => true,
        // Throttled is an answer: AWS is there, and a fleet taken out of service for it would only make it worse.
        (error: unknown) => failureOf(error).kind === "throttled",
      );
    this.last = { ready, at: Date.now() };
    return ready;
  }
}
