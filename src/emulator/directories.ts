import type {
  DescribeWorkspaceDirectoriesFilter,
  DescribeWorkspaceDirectoriesRequest,
  DescribeWorkspaceDirectoriesResult,
  WorkspaceDirectory,
} from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceDirectoriesFilterName } from "@aws-sdk/client-workspaces";
import { PAGE_SIZE, validateDescribeWorkspaceDirectories } from "../constraints.ts";
import { rejectViolations } from "./aws-error.ts";
import { pageOf } from "./pagination.ts";

/** The directory member each filter name matches its values against. */
const FILTERED_MEMBERS = {
  [DescribeWorkspaceDirectoriesFilterName.USER_IDENTITY_TYPE]: "UserIdentityType",
  [DescribeWorkspaceDirectoriesFilterName.WORKSPACE_TYPE]: "WorkspaceType",
} as const;

function matches(directory: WorkspaceDirectory, request: DescribeWorkspaceDirectoriesRequest): boolean {
  const names = request.WorkspaceDirectoryNames;
  if (names && !names.includes(directory.WorkspaceDirectoryName ?? "")) return false;
  return (request.Filters ?? []).every((filter: DescribeWorkspaceDirectoriesFilter) =>
    filter.Values!.includes(directory[FILTERED_MEMBERS[filter.Name!]] ?? ""),
  );
}

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

  /** DirectoryIds, WorkspaceDirectoryNames and Filters narrow the answer together. */
  describe(request: DescribeWorkspaceDirectoriesRequest): DescribeWorkspaceDirectoriesResult {
    rejectViolations(validateDescribeWorkspaceDirectories(request));
    const ids = request.DirectoryIds;
    if (ids) {
      const found = [...new Set(ids)]
        .map((id) => this.byId.get(id))
        .filter((d): d is WorkspaceDirectory => d !== undefined && matches(d, request));
      return { Directories: structuredClone(found) };
    }
    const page = pageOf(
      this.sequenced.filter((d) => matches(d.directory, request)),
      {
        // A token belongs to the filters it was issued for.
        listing: `directories:${JSON.stringify([request.WorkspaceDirectoryNames, request.Filters])}`,
        nextToken: request.NextToken,
        limit: request.Limit ?? PAGE_SIZE,
        now: this.clock(),
      },
      () => true,
    );
    return { Directories: structuredClone(page.items.map((d) => d.directory)), NextToken: page.nextToken };
  }
}
