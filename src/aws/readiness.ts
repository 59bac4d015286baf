// Readiness: can AWS be reached and does it answer? One small read, shared by probes that arrive together and
// remembered briefly, so frequent probes cost AWS next to nothing.

import type { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesCommand } from "@aws-sdk/client-workspaces";
import type { GraphQLError } from "graphql";
import { sendRead } from "./client.ts";

const PROBE = { Limit: 1 };

export class AwsReadiness {
  private last: { ready: boolean; at: number } | undefined;

  constructor(
    private readonly client: WorkSpacesClient,
    private readonly rememberMs = 2_000,
    private readonly timeoutMs = 3_000,
  ) {}

  async check(): Promise<boolean> {
    if (this.last && Date.now() - this.last.at < this.rememberMs) return this.last.ready;
    const ready = await sendRead(
      this.client,
      "DescribeWorkspaces",
      PROBE,
      (signal) => this.client.send(new DescribeWorkspacesCommand(PROBE), { abortSignal: signal }),
      AbortSignal.timeout(this.timeoutMs),
    )
      // Throttled is an answer: AWS is there, and a fleet taken out of service for it would only make it worse.
      .then(
        () => true,
        (error: GraphQLError) => error.extensions?.code === "THROTTLED",
      );
    this.last = { ready, at: Date.now() };
    return ready;
  }
}
