// Whether a user is connected to a WorkSpace, from DescribeWorkspacesConnectionStatus: looked up 25 IDs a call, so a
// page of WorkSpaces costs one call more, not one per WorkSpace.

import type { WorkspaceConnectionStatus } from "@aws-sdk/client-workspaces";
import { DescribeWorkspacesConnectionStatusCommand } from "@aws-sdk/client-workspaces";
import DataLoader from "dataloader";
import { ID_LIST_SIZE, WORKSPACE_ID_PATTERN } from "../constraints.ts";
import type { CamelCase } from "./camel-case.ts";
import { camelCase } from "./camel-case.ts";
import type { Partition } from "./fleet.ts";
import { loaderBatchSize } from "./metrics.ts";
import type { ReadOptions } from "./upstream.ts";

export type ConnectionStatusShape = CamelCase<WorkspaceConnectionStatus>;

/** Per-request loader of one partition: a WorkSpace's connection status, null when AWS has none for it. */
export function createConnectionStatusLoader(partition: Partition, options: ReadOptions) {
  return new DataLoader<string, ConnectionStatusShape | null>(
    async (ids) => {
      loaderBatchSize.observe({ loader: "connectionStatus" }, ids.length);
      const valid = ids.filter((id) => WORKSPACE_ID_PATTERN.test(id));
      const found = new Map<string, ConnectionStatusShape>();
      if (valid.length > 0) {
        const output = await partition.upstream.read(new DescribeWorkspacesConnectionStatusCommand({ WorkspaceIds: valid }), options);
        for (const status of camelCase(output.WorkspacesConnectionStatus ?? [])) found.set(status.workspaceId!, status);
      }
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatchSize: ID_LIST_SIZE.max },
  );
}
