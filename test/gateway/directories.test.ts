// Directories through HTTP against the emulator: every member as DescribeWorkspaceDirectories gives it, pages and
// AWS's filters, lookups by ID and global ID, a directory's WorkSpaces, and each WorkSpace's directory batched.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { WorkspaceDirectory } from "@aws-sdk/client-workspaces";
import { DescribeWorkspaceDirectoriesCommand } from "@aws-sdk/client-workspaces";
import type { DirectoriesPageQuery } from "../generated/graphql.ts";
import { DirectoriesPageDocument, DirectoryByIdDocument, NodeByIdDocument, NodesByIdsDocument } from "../generated/graphql.ts";
import { CORP, ENG } from "../mutations/helpers.ts";
import type { GraphQLResponse } from "../support/graphql.ts";
import type { TestGateway } from "./fixture.ts";
import { globalId, sdkWorkspaces, startTestGateway } from "./fixture.ts";

const DESIGN = "wsd-3n9qkz7ht";

let gateway: TestGateway;
let all: WorkspaceDirectory[];

before(async () => {
  gateway = await startTestGateway();
  all = (await gateway.client.send(new DescribeWorkspaceDirectoriesCommand({}))).Directories!;
  assert.deepEqual(
    all.map((d) => d.DirectoryId),
    [CORP, ENG, DESIGN],
  );
});
after(() => gateway.close());

/** A directory as the schema should show it: AWS's members camelCased, absent ones null, absent lists empty. */
function expectedDirectory(d: WorkspaceDirectory) {
  const access = d.WorkspaceAccessProperties;
  const creation = d.WorkspaceCreationProperties;
  const permissions = d.SelfservicePermissions;
  return {
    id: globalId("Directory", d.DirectoryId!),
    directoryId: d.DirectoryId,
    alias: d.Alias ?? null,
    directoryName: d.DirectoryName ?? null,
    registrationCode: d.RegistrationCode ?? null,
    subnetIds: d.SubnetIds ?? [],
    dnsIpAddresses: d.DnsIpAddresses ?? [],
    dnsIpv6Addresses: d.DnsIpv6Addresses ?? [],
    customerUserName: d.CustomerUserName ?? null,
    iamRoleId: d.IamRoleId ?? null,
    directoryType: d.DirectoryType ?? null,
    workspaceSecurityGroupId: d.WorkspaceSecurityGroupId ?? null,
    state: d.State,
    workspaceCreationProperties: creation
      ? {
          enableInternetAccess: creation.EnableInternetAccess ?? null,
          defaultOu: creation.DefaultOu ?? null,
          customSecurityGroupId: creation.CustomSecurityGroupId ?? null,
          userEnabledAsLocalAdministrator: creation.UserEnabledAsLocalAdministrator ?? null,
          enableMaintenanceMode: creation.EnableMaintenanceMode ?? null,
          instanceIamRoleArn: creation.InstanceIamRoleArn ?? null,
        }
      : null,
    ipGroupIds: d.ipGroupIds ?? [],
    workspaceAccessProperties: access
      ? {
          deviceTypeWindows: access.DeviceTypeWindows ?? null,
          deviceTypeOsx: access.DeviceTypeOsx ?? null,
          deviceTypeWeb: access.DeviceTypeWeb ?? null,
          deviceTypeIos: access.DeviceTypeIos ?? null,
          deviceTypeAndroid: access.DeviceTypeAndroid ?? null,
          deviceTypeChromeOs: access.DeviceTypeChromeOs ?? null,
          deviceTypeZeroClient: access.DeviceTypeZeroClient ?? null,
          deviceTypeLinux: access.DeviceTypeLinux ?? null,
          deviceTypeWorkSpacesThinClient: access.DeviceTypeWorkSpacesThinClient ?? null,
          accessEndpointConfig: access.AccessEndpointConfig
            ? {
                accessEndpoints: (access.AccessEndpointConfig.AccessEndpoints ?? []).map((e) => ({
                  accessEndpointType: e.AccessEndpointType ?? null,
                  vpcEndpointId: e.VpcEndpointId ?? null,
                })),
                internetFallbackProtocols: access.AccessEndpointConfig.InternetFallbackProtocols ?? [],
              }
            : null,
        }
      : null,
    tenancy: d.Tenancy ?? null,
    selfservicePermissions: permissions
      ? {
          restartWorkspace: permissions.RestartWorkspace ?? null,
          increaseVolumeSize: permissions.IncreaseVolumeSize ?? null,
          changeComputeType: permissions.ChangeComputeType ?? null,
          switchRunningMode: permissions.SwitchRunningMode ?? null,
          rebuildWorkspace: permissions.RebuildWorkspace ?? null,
        }
      : null,
    samlProperties: d.SamlProperties
      ? {
          status: d.SamlProperties.Status ?? null,
          userAccessUrl: d.SamlProperties.UserAccessUrl ?? null,
          relayStateParameterName: d.SamlProperties.RelayStateParameterName ?? null,
        }
      : null,
    certificateBasedAuthProperties: d.CertificateBasedAuthProperties
      ? {
          status: d.CertificateBasedAuthProperties.Status ?? null,
          certificateAuthorityArn: d.CertificateBasedAuthProperties.CertificateAuthorityArn ?? null,
        }
      : null,
    endpointEncryptionMode: d.EndpointEncryptionMode ?? null,
    microsoftEntraConfig: d.MicrosoftEntraConfig
      ? {
          tenantId: d.MicrosoftEntraConfig.TenantId ?? null,
          applicationConfigSecretArn: d.MicrosoftEntraConfig.ApplicationConfigSecretArn ?? null,
        }
      : null,
    workspaceDirectoryName: d.WorkspaceDirectoryName ?? null,
    workspaceDirectoryDescription: d.WorkspaceDirectoryDescription ?? null,
    userIdentityType: d.UserIdentityType ?? null,
    workspaceType: d.WorkspaceType ?? null,
    idcConfig: d.IDCConfig ? { instanceArn: d.IDCConfig.InstanceArn ?? null, applicationArn: d.IDCConfig.ApplicationArn ?? null } : null,
    activeDirectoryConfig: d.ActiveDirectoryConfig
      ? {
          domainName: d.ActiveDirectoryConfig.DomainName ?? null,
          serviceAccountSecretArn: d.ActiveDirectoryConfig.ServiceAccountSecretArn ?? null,
        }
      : null,
    errorMessage: d.ErrorMessage ?? null,
  };
}

/** Members the emulator's seed does not hold: the schema's values for them are checked by the expectation above. */
const UNSEEDED = ["StreamingProperties"];

describe("directories", () => {
  it("shows every member of every directory as DescribeWorkspaceDirectories gives it, in one call", async () => {
    await gateway.resetAwsCalls();
    const response = await gateway.execute(DirectoriesPageDocument, {});
    assert.equal(response.errors, undefined);
    const nodes = response.data!.directories!.edges.map((e) => e.node);
    assert.deepEqual(nodes, all.map(expectedDirectory));
    for (const [i, aws] of all.entries()) {
      for (const member of Object.keys(aws)) {
        const field = member === "IDCConfig" ? "idcConfig" : member.charAt(0).toLowerCase() + member.slice(1);
        if (!UNSEEDED.includes(member)) assert.ok(field in nodes[i]!, `${aws.DirectoryId}.${member} is not in the schema`);
      }
    }
    assert.equal(response.data!.directories!.pageInfo.hasNextPage, false);
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceDirectories: 1 });
    // The seed covers the members a console shows: defaults of new WorkSpaces, registration codes, Identity Center.
    assert.ok(nodes.every((n) => n.registrationCode && n.workspaceCreationProperties && n.state === "REGISTERED"));
    assert.equal(nodes[2]!.idcConfig?.instanceArn, all[2]!.IDCConfig!.InstanceArn);
  });

  it("pages with first and after, as AWS pages with Limit and NextToken", async () => {
    const seen: string[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 3; page++) {
      const response: GraphQLResponse<DirectoriesPageQuery> = await gateway.execute(DirectoriesPageDocument, { first: 1, after });
      assert.equal(response.errors, undefined);
      const connection = response.data!.directories!;
      seen.push(...connection.edges.map((e) => e.node.directoryId));
      assert.equal(connection.pageInfo.hasNextPage, page < 2);
      after = connection.pageInfo.endCursor;
    }
    assert.deepEqual(seen, [CORP, ENG, DESIGN]);
  });

  it("filters by IDs, by names and by AWS's Filters, together as AWS combines them", async () => {
    const ids = async (filter: object) => {
      const response = await gateway.execute(DirectoriesPageDocument, { filter });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      return response.data!.directories!.edges.map((e) => e.node.directoryId);
    };
    // IDs come back as asked, as AWS answers them.
    assert.deepEqual(await ids({ directoryIds: [DESIGN, ENG] }), [DESIGN, ENG]);
    assert.deepEqual(await ids({ workspaceDirectoryNames: ["eng.example.com", "Design studio"] }), [ENG, DESIGN]);
    assert.deepEqual(await ids({ filters: [{ name: "USER_IDENTITY_TYPE", values: ["AWS_IAM_IDENTITY_CENTER"] }] }), [DESIGN]);
    assert.deepEqual(await ids({ filters: [{ name: "WORKSPACE_TYPE", values: ["POOLS"] }] }), []);
    assert.deepEqual(
      await ids({ directoryIds: [CORP, DESIGN], filters: [{ name: "USER_IDENTITY_TYPE", values: ["AWS_DIRECTORY_SERVICE"] }] }),
      [CORP],
    );
  });

  it("refuses a malformed filter before any call, naming the argument as the client wrote it", async () => {
    await gateway.resetAwsCalls();
    const cases: [object, string, string][] = [
      [{ directoryIds: ["d-0123"] }, "filter.directoryIds[0]", "length"],
      [{ directoryIds: [] }, "filter.directoryIds", "listSize"],
      [{ workspaceDirectoryNames: ["-dash first"] }, "filter.workspaceDirectoryNames[0]", "pattern"],
      [{ filters: [{ name: "WORKSPACE_TYPE", values: ["no spaces allowed"] }] }, "filter.filters[0].values[0]", "pattern"],
      [{ filters: [{ name: "WORKSPACE_TYPE", values: [] }] }, "filter.filters[0].values", "listSize"],
    ];
    for (const [filter, field, rule] of cases) {
      const response = await gateway.execute(DirectoriesPageDocument, { filter });
      assert.equal(response.data?.directories, null);
      assert.deepEqual(
        response.errors?.map((e) => [e.extensions?.code, e.extensions?.field, e.extensions?.rule]),
        [["VALIDATION", field, rule]],
        JSON.stringify(filter),
      );
    }
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("directory(directoryId) is the directory, with its users' WorkSpaces; null for one AWS does not have", async () => {
    const response = await gateway.execute(DirectoryByIdDocument, { directoryId: ENG, first: 100 });
    assert.equal(response.errors, undefined);
    const { workspaces, ...directory } = response.data!.directory!;
    assert.deepEqual(directory, expectedDirectory(all[1]!));
    const expected = (await sdkWorkspaces(gateway.client)).filter((w) => w.DirectoryId === ENG).map((w) => w.WorkspaceId);
    assert.ok(expected.length > 0);
    assert.deepEqual(
      workspaces!.edges.map((e) => e.node.workspaceId),
      expected,
    );
    assert.equal(workspaces!.pageInfo.hasNextPage, false);

    const none = await gateway.execute(DirectoryByIdDocument, { directoryId: "d-0000000000" });
    assert.equal(none.errors, undefined);
    assert.equal(none.data!.directory, null);
    await gateway.resetAwsCalls();
    const malformed = await gateway.execute(DirectoryByIdDocument, { directoryId: "corp" });
    assert.deepEqual(
      malformed.errors?.map((e) => [e.extensions?.code, e.extensions?.field]),
      [["VALIDATION", "directoryId"]],
    );
    assert.deepEqual(await gateway.awsCalls(), {});
  });

  it("is a Relay node: node(id) and nodes(ids), directories batched 25 a call beside the other types", async () => {
    const node = await gateway.execute(NodeByIdDocument, { id: globalId("Directory", DESIGN) });
    assert.equal(node.errors, undefined);
    assert.deepEqual(node.data!.node, { __typename: "Directory", id: globalId("Directory", DESIGN), directoryId: DESIGN, alias: "design" });

    const [workspace] = await sdkWorkspaces(gateway.client);
    await gateway.resetAwsCalls();
    const ids = [
      globalId("Directory", CORP),
      globalId("Workspace", workspace!.WorkspaceId!),
      globalId("Directory", "d-0000000000"),
      globalId("Directory", ENG),
      globalId("Bundle", workspace!.BundleId!),
    ];
    const nodes = await gateway.execute(NodesByIdsDocument, { ids });
    assert.equal(nodes.errors, undefined);
    assert.deepEqual(
      nodes.data!.nodes.map((n) => n && ("directoryId" in n ? n.directoryId : "workspaceId" in n ? n.workspaceId : n.__typename)),
      [CORP, workspace!.WorkspaceId, null, ENG, "Bundle"],
    );
    assert.deepEqual(await gateway.awsCalls(), { DescribeWorkspaceDirectories: 1, DescribeWorkspaces: 1, DescribeWorkspaceBundles: 1 });
  });

  it("gives each WorkSpace its directory: 60 WorkSpaces in two directories cost one DescribeWorkspaceDirectories", async () => {
    const workspaces = await sdkWorkspaces(gateway.client);
    await gateway.resetAwsCalls();
    const query = "{ workspaces(first: 60) { edges { node { directory { directoryId alias workspaceDirectoryName state } } } } }";
    const response = (await (await gateway.post({ query })).json()) as {
      data?: { workspaces: { edges: { node: { directory: unknown } }[] } };
      errors?: unknown;
    };
    assert.equal(response.errors, undefined);
    const nodes = response.data!.workspaces!.edges.map((e) => e.node);
    assert.equal(nodes.length, workspaces.length);
    for (const [i, node] of nodes.entries()) {
      const directory = all.find((d) => d.DirectoryId === workspaces[i]!.DirectoryId)!;
      assert.deepEqual(node.directory, {
        directoryId: directory.DirectoryId,
        alias: directory.Alias,
        workspaceDirectoryName: directory.WorkspaceDirectoryName,
        state: directory.State,
      });
    }
    const calls = await gateway.awsCalls();
    assert.equal(calls.DescribeWorkspaceDirectories, 1);
  });
});
