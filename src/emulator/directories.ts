import type {
  DescribeWorkspaceDirectoriesRequest,
  DescribeWorkspaceDirectoriesResult,
  WorkspaceDirectory,
} from "@aws-sdk/client-workspaces";
import { PAGE_SIZE, validateDescribeWorkspaceDirectories } from "../constraints.ts";
import { rejectViolations } from "./aws-error.ts";
import { pageOf } from "./pagination.ts";

export class DirectoryRegistry {
  readonly byId: ReadonlyMap<string, WorkspaceDirectory>;
  private readonly sequenced: { seq: number; directory: WorkspaceDirectory }[];

  constructor(
    directories: WorkspaceDirectory[],
    private readonly clock: () => number,
  ) {
    this.byId = new Map(directories.map((d) => [d.DirectoryId!, d]));
    this.sequenced = directories.map((directory, seq) => ({ seq, directory }));
  }

  describe(request: DescribeWorkspaceDirectoriesRequest): DescribeWorkspaceDirectoriesResult {
    rejectViolations(validateDescribeWorkspaceDirectories(request));
    const ids = request.DirectoryIds;
    if (ids) {
      return { Directories: structuredClone([...new Set(ids)].map((id) => this.byId.get(id)).filter((d) => d !== undefined)) };
    }
    const page = pageOf(
      this.sequenced,
      { listing: "directories", nextToken: request.NextToken, limit: request.Limit ?? PAGE_SIZE, now: this.clock() },
      () => true,
    );
    return { Directories: structuredClone(page.items.map((d) => d.directory)), NextToken: page.nextToken };
  }
}
