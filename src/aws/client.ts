// The one AWS SDK client, counting every attempt it makes, and the only way the gateway calls AWS.
import { WorkSpacesClient } from "@aws-sdk/client-workspaces";
import type { WorkSpacesClientConfig } from "@aws-sdk/client-workspaces";
import { fromAwsError } from "./errors.ts";
import { awsRequests } from "./metrics.ts";

export function createWorkspacesClient(config: WorkSpacesClientConfig): WorkSpacesClient {
  const client = new WorkSpacesClient(config);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? "unknown").replace(/Command$/, "");
      try {
        const result = await next(args);
        awsRequests.inc({ operation, outcome: "success" });
        return result;
      } catch (error) {
        awsRequests.inc({ operation, outcome: (error as Error).name || "error" });
        throw error;
      }
    },
    // Inside the retry middleware, so each attempt counts.
    { step: "finalizeRequest", priority: "low", name: "countAwsRequests" },
  );
  return client;
}

/** Sends a command; any failure comes back as the gateway's typed GraphQL error. */
export async function callAws<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromAwsError(error);
  }
}
