// Walks the SDK's service model for the five operations the gateway serves, requests and results, and fails for a
// member the GraphQL schema neither shows nor names below as left out, with why. So a new SDK release that adds a
// member to one of them fails here until the schema carries it (readable, and settable where AWS lets it be set) or
// says why not. A member is found by its camelCase name in the GraphQL type its parent maps to, or where PLACED says.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateWorkspaces$,
  DescribeWorkspaceBundles$,
  DescribeWorkspaceDirectories$,
  DescribeWorkspaces$,
  ModifyWorkspaceProperties$,
} from "@aws-sdk/client-workspaces";
import { NormalizedSchema } from "@smithy/core/schema";
import type { GraphQLNamedType } from "graphql";
import { getNamedType, isInputObjectType, isObjectType } from "graphql";
import { schema } from "../../src/schema/index.ts";

const OPERATIONS = {
  DescribeWorkspaces: DescribeWorkspaces$,
  DescribeWorkspaceBundles: DescribeWorkspaceBundles$,
  DescribeWorkspaceDirectories: DescribeWorkspaceDirectories$,
  CreateWorkspaces: CreateWorkspaces$,
  ModifyWorkspaceProperties: ModifyWorkspaceProperties$,
};

/** Members the schema leaves out, each with why. A path covers the members under it. */
const OMISSIONS: Record<string, string> = {
  "DescribeWorkspaceDirectories.result.Directories[].StreamingProperties":
    "the streaming settings of WorkSpaces Pools sessions (clipboard, storage connectors); this gateway serves WorkSpaces " +
    "Personal and no operation of Pools, so a console has nothing to do with them",
};

/**
 * Where a member lives when not at its camelCase name in its parent's type: `Type.field`, `Type.field(argument)`, or
 * `Type` (a type holding the member's own members, such as one member of a result union).
 */
const PLACED: Record<string, string> = {
  // One filter at a time (@oneOf), as AWS takes them; pages are `first` and signed cursors that carry NextToken.
  "DescribeWorkspaces.request.WorkspaceIds": "WorkspacesFilter.workspaceIds",
  "DescribeWorkspaces.request.DirectoryId": "DirectoryFilter.directoryId",
  "DescribeWorkspaces.request.UserName": "DirectoryFilter.userName",
  "DescribeWorkspaces.request.BundleId": "WorkspacesFilter.bundleId",
  "DescribeWorkspaces.request.WorkspaceName": "WorkspacesFilter.workspaceName",
  "DescribeWorkspaces.request.Limit": "Query.workspaces(first)",
  "DescribeWorkspaces.request.NextToken": "Query.workspaces(after)",
  "DescribeWorkspaces.result.Workspaces": "WorkspaceEdge.node",
  "DescribeWorkspaces.result.NextToken": "PageInfo.endCursor",
  "DescribeWorkspaceBundles.request.BundleIds": "BundlesFilter.bundleIds",
  "DescribeWorkspaceBundles.request.Owner": "BundlesFilter.owner",
  "DescribeWorkspaceBundles.request.NextToken": "Query.bundles(after)",
  "DescribeWorkspaceBundles.result.Bundles": "BundleEdge.node",
  "DescribeWorkspaceBundles.result.NextToken": "PageInfo.endCursor",
  "DescribeWorkspaceDirectories.request.DirectoryIds": "DirectoriesFilter.directoryIds",
  "DescribeWorkspaceDirectories.request.WorkspaceDirectoryNames": "DirectoriesFilter.workspaceDirectoryNames",
  "DescribeWorkspaceDirectories.request.Limit": "Query.directories(first)",
  "DescribeWorkspaceDirectories.request.NextToken": "Query.directories(after)",
  "DescribeWorkspaceDirectories.request.Filters": "DirectoriesFilter.filters",
  "DescribeWorkspaceDirectories.result.Directories": "DirectoryEdge.node",
  "DescribeWorkspaceDirectories.result.NextToken": "PageInfo.endCursor",
  // AWS's IDCConfig, camelCased as GraphQL names go.
  "DescribeWorkspaceDirectories.result.Directories[].IDCConfig": "Directory.idcConfig",
  "CreateWorkspaces.request.Workspaces": "CreateWorkspacesInput.workspaces",
  // Each request's result is a member of CreateWorkspaceItemResult, at the request's index.
  "CreateWorkspaces.result.PendingRequests": "Workspace",
  "CreateWorkspaces.result.FailedRequests": "CreateWorkspaceFailure",
  "CreateWorkspaces.result.FailedRequests[].ErrorCode": "CreateWorkspaceFailure.awsErrorCode",
  "CreateWorkspaces.result.FailedRequests[].ErrorMessage": "CreateWorkspaceFailure.message",
  // Each item of modifyWorkspaceProperties(input: { modifications }) is one ModifyWorkspaceProperties request.
  "ModifyWorkspaceProperties.request.WorkspaceId": "WorkspaceModificationInput.workspaceId",
  "ModifyWorkspaceProperties.request.WorkspaceProperties": "WorkspaceModificationInput.workspaceProperties",
  "ModifyWorkspaceProperties.request.DataReplication": "WorkspaceModificationInput.dataReplication",
};

const omitted = (path: string) => Object.keys(OMISSIONS).some((o) => path === o || path.startsWith(`${o}.`) || path.startsWith(`${o}[]`));

interface Walk {
  /** Member paths the schema shows, and where. */
  found: Map<string, string>;
  missing: string[];
  /** Member paths the model declares. */
  declared: Set<string>;
}

/** The GraphQL type and coordinate a PLACED entry names, or undefined when the schema has no such thing. */
function placed(place: string): { type: GraphQLNamedType; at: string } | undefined {
  const [, typeName, fieldName, argument] = /^(\w+)(?:\.(\w+)(?:\((\w+)\))?)?$/.exec(place) ?? [];
  const type = schema.getType(typeName ?? "");
  if (!type || fieldName === undefined) return type ? { type, at: place } : undefined;
  if (!isObjectType(type) && !isInputObjectType(type)) return undefined;
  const field = type.getFields()[fieldName];
  if (!field) return undefined;
  if (argument === undefined) return { type: getNamedType(field.type), at: place };
  const arg = "args" in field ? field.args.find((a) => a.name === argument) : undefined;
  return arg ? { type: getNamedType(arg.type), at: place } : undefined;
}

/** Walks the members of `model` (a structure) against `type`, the GraphQL type its members should be fields of. */
function walk(model: NormalizedSchema, path: string, type: GraphQLNamedType | undefined, into: Walk): void {
  for (const [name, member] of model.structIterator()) {
    const memberPath = `${path}.${name}`;
    into.declared.add(memberPath);
    if (omitted(memberPath)) continue;
    const camel = name.charAt(0).toLowerCase() + name.slice(1);
    const fields = type && (isObjectType(type) || isInputObjectType(type)) ? type.getFields() : {};
    const place = PLACED[memberPath] ?? (fields[camel] ? `${type!.name}.${camel}` : undefined);
    const target = place === undefined ? undefined : placed(place);
    if (!target) {
      into.missing.push(memberPath);
      continue;
    }
    into.found.set(memberPath, target.at);
    const items = member.isListSchema() ? member.getValueSchema() : member;
    if (items.isStructSchema()) walk(items, member.isListSchema() ? `${memberPath}[]` : memberPath, target.type, into);
  }
}

function coverage(): Walk {
  const into: Walk = { found: new Map(), missing: [], declared: new Set() };
  for (const [operation, model] of Object.entries(OPERATIONS)) {
    walk(NormalizedSchema.of(model[4]), `${operation}.request`, undefined, into);
    walk(NormalizedSchema.of(model[5]), `${operation}.result`, undefined, into);
  }
  return into;
}

describe("the service model's members in the GraphQL schema", () => {
  it("every member of the five operations is in the schema, or named as left out with why", () => {
    const { missing, found } = coverage();
    assert.deepEqual(missing, [], `members the schema lacks, and no omission names: ${missing.join(", ")}`);
    // The walk reached the depths of each operation, so an empty list above means something.
    for (const path of [
      "DescribeWorkspaces.result.Workspaces[].WorkspaceProperties.GlobalAccelerator.PreferredProtocol",
      "DescribeWorkspaces.result.Workspaces[].StandbyWorkspacesProperties[].RecoverySnapshotTime",
      "DescribeWorkspaceBundles.result.Bundles[].RootStorage.Capacity",
      "DescribeWorkspaceDirectories.result.Directories[].WorkspaceAccessProperties.AccessEndpointConfig.AccessEndpoints[].VpcEndpointId",
      "DescribeWorkspaceDirectories.request.Filters[].Values",
      "CreateWorkspaces.request.Workspaces[].WorkspaceProperties.Protocols",
      "CreateWorkspaces.result.FailedRequests[].WorkspaceRequest.Ipv6Address",
      "ModifyWorkspaceProperties.request.WorkspaceProperties.OperatingSystemName",
    ]) {
      assert.ok(found.has(path), `${path} was not reached`);
    }
  });

  it("sets what AWS lets be set: create's and modify's members are input fields", () => {
    const { found } = coverage();
    const inputs = [...found].filter(([path]) => /^(CreateWorkspaces|ModifyWorkspaceProperties)\.request\./.test(path));
    assert.ok(inputs.length > 20);
    for (const [path, at] of inputs) {
      const type = schema.getType(at.split(".")[0]!);
      assert.ok(isInputObjectType(type), `${path} is at ${at}, not an input`);
    }
    assert.equal(found.get("CreateWorkspaces.request.Workspaces[].WorkspaceName"), "WorkspaceRequestInput.workspaceName");
    assert.equal(found.get("CreateWorkspaces.request.Workspaces[].Ipv6Address"), "WorkspaceRequestInput.ipv6Address");
    assert.equal(found.get("ModifyWorkspaceProperties.request.WorkspaceProperties.Protocols"), "WorkspacePropertiesInput.protocols");
  });

  it("names only members the model still declares, in OMISSIONS and PLACED", () => {
    const { declared } = coverage();
    for (const path of [...Object.keys(OMISSIONS), ...Object.keys(PLACED)]) assert.ok(declared.has(path), `${path} is not in the model`);
  });
});
