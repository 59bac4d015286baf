// Directories registered with WorkSpaces: the users' directory and the defaults its new WorkSpaces get, as a Relay
// node, a connection filtered as AWS filters, and each WorkSpace's directory through a batched loader.
import {
  AccessEndpointType,
  AccessPropertyValue,
  CertificateBasedAuthStatusEnum,
  EndpointEncryptionMode,
  InternetFallbackProtocol,
  ReconnectEnum,
  SamlStatusEnum,
  Tenancy,
  UserIdentityType,
  WorkspaceDirectoryState,
  WorkspaceDirectoryType,
  WorkspaceType,
} from "@aws-sdk/client-workspaces";
import { pascalCase } from "../aws/camel-case.ts";
import type { DirectoryShape } from "../aws/directories.ts";
import { DESCRIBE_WORKSPACE_DIRECTORIES } from "../aws/directories.ts";
import { qualifiedId } from "../aws/fleet.ts";
import { DESCRIBE_WORKSPACES, describeWorkspacesRequest } from "../aws/workspaces.ts";
import { validateDescribeWorkspaceDirectories } from "../constraints.ts";
import { builder } from "./builder.ts";
import { fleetConnection } from "./connection.ts";
import { LOOKUP_COST } from "./cost.ts";
import {
  AccessEndpointTypeEnum,
  AccessPropertyValueEnum,
  CertificateBasedAuthStatusEnumType,
  DirectoryFilterNameEnum,
  DirectoryStateEnum,
  DirectoryTypeEnum,
  EndpointEncryptionModeEnum,
  InternetFallbackProtocolEnum,
  knownValue,
  requiredValue,
  SamlStatusEnumType,
  SelfservicePermissionEnum,
  TenancyEnum,
  UserIdentityTypeEnum,
  WorkspaceTypeEnum,
} from "./enums.ts";
import { nodeLoadMany } from "./global-id.ts";
import { listField, partitionListField } from "./list-field.ts";
import { lookupField } from "./lookup-field.ts";
import { partitionFields } from "./partition.ts";
import { DirectoryRef, WorkspaceRef, workspaceConnection } from "./refs.ts";

type Member<K extends keyof DirectoryShape> = NonNullable<DirectoryShape[K]>;

const CreationPropertiesRef = builder.objectRef<Member<"workspaceCreationProperties">>("DefaultWorkspaceCreationProperties").implement({
  description: "The defaults the directory gives the WorkSpaces created in it.",
  fields: (t) => ({
    enableInternetAccess: t.exposeBoolean("enableInternetAccess", {
      nullable: true,
      description: "Whether new WorkSpaces get a public IP address, to reach the internet directly.",
    }),
    defaultOu: t.exposeString("defaultOu", { nullable: true, description: "The organizational unit their computer accounts go to." }),
    customSecurityGroupId: t.exposeString("customSecurityGroupId", {
      nullable: true,
      description: "A security group added to their network interfaces, beside the directory's own.",
    }),
    userEnabledAsLocalAdministrator: t.exposeBoolean("userEnabledAsLocalAdministrator", {
      nullable: true,
      description: "Whether users are local administrators of their WorkSpaces.",
    }),
    enableMaintenanceMode: t.exposeBoolean("enableMaintenanceMode", {
      nullable: true,
      description: "Whether their WorkSpaces get AWS's maintenance windows (updates while AUTO_STOP ones are stopped).",
    }),
    instanceIamRoleArn: t.exposeString("instanceIamRoleArn", {
      nullable: true,
      description: "The IAM role their WorkSpaces' instances run with, if any.",
    }),
  }),
});

type AccessEndpointConfigShape = NonNullable<Member<"workspaceAccessProperties">["accessEndpointConfig"]>;

const AccessEndpointRef = builder.objectRef<NonNullable<AccessEndpointConfigShape["accessEndpoints"]>[number]>("AccessEndpoint").implement({
  description: "A VPC endpoint clients stream through instead of the internet.",
  fields: (t) => ({
    accessEndpointType: t.field({
      type: AccessEndpointTypeEnum,
      nullable: true,
      description: "What the endpoint carries.",
      resolve: (e) => knownValue(AccessEndpointType, e.accessEndpointType),
    }),
    vpcEndpointId: t.exposeString("vpcEndpointId", { nullable: true, description: "The VPC endpoint (vpce-...)." }),
  }),
});

const AccessEndpointConfigRef = builder.objectRef<AccessEndpointConfigShape>("AccessEndpointConfig").implement({
  description: "Where clients stream from when not over the internet.",
  fields: (t) => ({
    accessEndpoints: t.field({
      type: [AccessEndpointRef],
      nullable: false,
      description: "The VPC endpoints; empty when none.",
      resolve: (c) => c.accessEndpoints ?? [],
    }),
    internetFallbackProtocols: t.field({
      type: [InternetFallbackProtocolEnum],
      nullable: { list: false, items: true },
      description: "Protocols clients may fall back to over the internet; empty when none.",
      resolve: (c) => (c.internetFallbackProtocols ?? []).map((p) => knownValue(InternetFallbackProtocol, p)),
    }),
  }),
});

type AccessShape = Member<"workspaceAccessProperties">;
const DEVICE_TYPES = [
  ["deviceTypeWindows", "Windows"],
  ["deviceTypeOsx", "macOS"],
  ["deviceTypeWeb", "web browsers"],
  ["deviceTypeIos", "iPadOS"],
  ["deviceTypeAndroid", "Android"],
  ["deviceTypeChromeOs", "ChromeOS"],
  ["deviceTypeZeroClient", "PCoIP zero clients"],
  ["deviceTypeLinux", "Linux"],
  ["deviceTypeWorkSpacesThinClient", "WorkSpaces Thin Client"],
] as const satisfies readonly (readonly [keyof AccessShape, string])[];

const WorkspaceAccessPropertiesRef = builder.objectRef<AccessShape>("WorkspaceAccessProperties").implement({
  description: "Which client devices may connect to the directory's WorkSpaces, and through which endpoints.",
  fields: (t) => ({
    ...Object.fromEntries(
      DEVICE_TYPES.map(([member, device]) => [
        member,
        t.field({
          type: AccessPropertyValueEnum,
          nullable: true,
          description: `Whether ${device} clients may connect.`,
          resolve: (a) => knownValue(AccessPropertyValue, a[member]),
        }),
      ]),
    ),
    accessEndpointConfig: t.expose("accessEndpointConfig", {
      type: AccessEndpointConfigRef,
      nullable: true,
      description: "The VPC endpoints clients stream through; null when they stream over the internet.",
    }),
  }),
});

type PermissionsShape = Member<"selfservicePermissions">;
const PERMISSIONS = [
  ["restartWorkspace", "restart their WorkSpaces"],
  ["increaseVolumeSize", "grow their volumes"],
  ["changeComputeType", "change their compute type"],
  ["switchRunningMode", "switch their running mode"],
  ["rebuildWorkspace", "rebuild their WorkSpaces"],
] as const satisfies readonly (readonly [keyof PermissionsShape, string])[];

const SelfservicePermissionsRef = builder.objectRef<PermissionsShape>("SelfservicePermissions").implement({
  description: "What users may do to their own WorkSpaces from the client.",
  fields: (t) =>
    Object.fromEntries(
      PERMISSIONS.map(([member, what]) => [
        member,
        t.field({
          type: SelfservicePermissionEnum,
          nullable: true,
          description: `Whether users may ${what}.`,
          resolve: (p) => knownValue(ReconnectEnum, p[member]),
        }),
      ]),
    ),
});

const SamlPropertiesRef = builder.objectRef<Member<"samlProperties">>("SamlProperties").implement({
  description: "Sign-in through a SAML 2.0 identity provider.",
  fields: (t) => ({
    status: t.field({
      type: SamlStatusEnumType,
      nullable: true,
      description: "Whether it is on, and whether directory sign-in remains as a fallback.",
      resolve: (s) => knownValue(SamlStatusEnum, s.status),
    }),
    userAccessUrl: t.exposeString("userAccessUrl", { nullable: true, description: "The identity provider's URL users start from." }),
    relayStateParameterName: t.exposeString("relayStateParameterName", {
      nullable: true,
      description: "The name of the relay state parameter the identity provider expects.",
    }),
  }),
});

const CertificateBasedAuthPropertiesRef = builder
  .objectRef<Member<"certificateBasedAuthProperties">>("CertificateBasedAuthProperties")
  .implement({
    description: "Sign-in with certificates from AWS Private CA.",
    fields: (t) => ({
      status: t.field({
        type: CertificateBasedAuthStatusEnumType,
        nullable: true,
        description: "Whether it is on.",
        resolve: (c) => knownValue(CertificateBasedAuthStatusEnum, c.status),
      }),
      certificateAuthorityArn: t.exposeString("certificateAuthorityArn", {
        nullable: true,
        description: "The AWS Private CA that issues the certificates.",
      }),
    }),
  });

const MicrosoftEntraConfigRef = builder.objectRef<Member<"microsoftEntraConfig">>("MicrosoftEntraConfig").implement({
  description: "The Microsoft Entra ID tenant a WorkSpaces directory takes its users from.",
  fields: (t) => ({
    tenantId: t.exposeString("tenantId", { nullable: true, description: "The Entra ID tenant." }),
    applicationConfigSecretArn: t.exposeString("applicationConfigSecretArn", {
      nullable: true,
      description: "The Secrets Manager secret holding the Entra ID application's configuration (its ARN, not its value).",
    }),
  }),
});

const IdcConfigRef = builder.objectRef<Member<"iDCConfig">>("IdcConfig").implement({
  description: "The IAM Identity Center instance a WorkSpaces directory takes its users from (AWS's IDCConfig).",
  fields: (t) => ({
    instanceArn: t.exposeString("instanceArn", { nullable: true, description: "The Identity Center instance." }),
    applicationArn: t.exposeString("applicationArn", { nullable: true, description: "The Identity Center application of WorkSpaces." }),
  }),
});

const ActiveDirectoryConfigRef = builder.objectRef<Member<"activeDirectoryConfig">>("ActiveDirectoryConfig").implement({
  description: "The Active Directory domain a customer-managed directory joins its WorkSpaces to.",
  fields: (t) => ({
    domainName: t.exposeString("domainName", { nullable: true, description: "The domain's name." }),
    serviceAccountSecretArn: t.exposeString("serviceAccountSecretArn", {
      nullable: true,
      description: "The Secrets Manager secret holding the service account's credentials (its ARN, not its value).",
    }),
  }),
});

builder.node(DirectoryRef, {
  description: "A directory registered with WorkSpaces: where its WorkSpaces' users come from, and the defaults new ones get.",
  id: { resolve: (directory) => qualifiedId(directory.partition, directory.directoryId!) },
  loadMany: nodeLoadMany("Directory", (partition, directoryId) => partition.loader(DESCRIBE_WORKSPACE_DIRECTORIES).load(directoryId)),
  fields: (t) => ({
    directoryId: t.string({
      nullable: false,
      description: "AWS's ID of the directory (d-... or wsd-...).",
      resolve: (d) => d.directoryId!,
    }),
    alias: t.exposeString("alias", { nullable: true, description: "Its alias, as in its registration URL." }),
    directoryName: t.exposeString("directoryName", { nullable: true, description: "The Active Directory domain's name." }),
    registrationCode: t.exposeString("registrationCode", {
      nullable: true,
      description: "The code users enter in the WorkSpaces client to reach this directory.",
    }),
    subnetIds: t.field({
      type: ["String"],
      nullable: false,
      description: "The subnets its WorkSpaces are placed in; empty when none.",
      resolve: (d) => d.subnetIds ?? [],
    }),
    dnsIpAddresses: t.field({
      type: ["String"],
      nullable: false,
      description: "Its DNS servers' IPv4 addresses; empty when none.",
      resolve: (d) => d.dnsIpAddresses ?? [],
    }),
    dnsIpv6Addresses: t.field({
      type: ["String"],
      nullable: false,
      description: "Its DNS servers' IPv6 addresses, for a dual-stack directory; empty when none.",
      resolve: (d) => d.dnsIpv6Addresses ?? [],
    }),
    customerUserName: t.exposeString("customerUserName", {
      nullable: true,
      description: "The directory's service account (an AD Connector's).",
    }),
    iamRoleId: t.exposeString("iamRoleId", { nullable: true, description: "The IAM role WorkSpaces calls other services with." }),
    directoryType: t.field({
      type: DirectoryTypeEnum,
      nullable: true,
      description: "What kind of directory it is.",
      resolve: (d) => knownValue(WorkspaceDirectoryType, d.directoryType),
    }),
    workspaceSecurityGroupId: t.exposeString("workspaceSecurityGroupId", {
      nullable: true,
      description: "The security group its WorkSpaces' network interfaces get.",
    }),
    state: t.field({
      type: DirectoryStateEnum,
      nullable: false,
      description: "Where its registration with WorkSpaces is (REGISTERED when WorkSpaces can be created in it).",
      resolve: (d) => requiredValue(WorkspaceDirectoryState, d.state, "state"),
    }),
    workspaceCreationProperties: t.expose("workspaceCreationProperties", {
      type: CreationPropertiesRef,
      nullable: true,
      description: "The defaults the WorkSpaces created in it get.",
    }),
    ipGroupIds: t.field({
      type: ["String"],
      nullable: false,
      description: "The IP access control groups (wsipg-...) that limit where users connect from; empty when none.",
      resolve: (d) => d.ipGroupIds ?? [],
    }),
    workspaceAccessProperties: t.expose("workspaceAccessProperties", {
      type: WorkspaceAccessPropertiesRef,
      nullable: true,
      description: "Which client devices may connect.",
    }),
    tenancy: t.field({
      type: TenancyEnum,
      nullable: true,
      description: "Whether its WorkSpaces run on dedicated hardware (BYOL) or shared.",
      resolve: (d) => knownValue(Tenancy, d.tenancy),
    }),
    selfservicePermissions: t.expose("selfservicePermissions", {
      type: SelfservicePermissionsRef,
      nullable: true,
      description: "What users may do to their own WorkSpaces.",
    }),
    samlProperties: t.expose("samlProperties", { type: SamlPropertiesRef, nullable: true, description: "SAML 2.0 sign-in." }),
    certificateBasedAuthProperties: t.expose("certificateBasedAuthProperties", {
      type: CertificateBasedAuthPropertiesRef,
      nullable: true,
      description: "Certificate-based sign-in.",
    }),
    endpointEncryptionMode: t.field({
      type: EndpointEncryptionModeEnum,
      nullable: true,
      description: "How its streaming endpoints are encrypted.",
      resolve: (d) => knownValue(EndpointEncryptionMode, d.endpointEncryptionMode),
    }),
    microsoftEntraConfig: t.expose("microsoftEntraConfig", {
      type: MicrosoftEntraConfigRef,
      nullable: true,
      description: "For a WorkSpaces directory of Entra ID users: its tenant; null otherwise.",
    }),
    workspaceDirectoryName: t.exposeString("workspaceDirectoryName", {
      nullable: true,
      description: "Its name in WorkSpaces (for an Active Directory, its domain's).",
    }),
    workspaceDirectoryDescription: t.exposeString("workspaceDirectoryDescription", {
      nullable: true,
      description: "Its description, for a WorkSpaces directory.",
    }),
    userIdentityType: t.field({
      type: UserIdentityTypeEnum,
      nullable: true,
      description: "Where its users come from.",
      resolve: (d) => knownValue(UserIdentityType, d.userIdentityType),
    }),
    workspaceType: t.field({
      type: WorkspaceTypeEnum,
      nullable: true,
      description: "WorkSpaces Personal or WorkSpaces Pools.",
      resolve: (d) => knownValue(WorkspaceType, d.workspaceType),
    }),
    idcConfig: t.field({
      type: IdcConfigRef,
      nullable: true,
      description: "For a WorkSpaces directory of IAM Identity Center users: its instance; null otherwise.",
      resolve: (d) => d.iDCConfig ?? null,
    }),
    activeDirectoryConfig: t.expose("activeDirectoryConfig", {
      type: ActiveDirectoryConfigRef,
      nullable: true,
      description: "For a customer-managed directory: its Active Directory domain; null otherwise.",
    }),
    errorMessage: t.exposeString("errorMessage", { nullable: true, description: "Why it is in ERROR, when it is." }),
    workspaces: partitionListField(
      t,
      workspaceConnection(),
      DESCRIBE_WORKSPACES,
      "The WorkSpaces of this directory's users (in its partition); null (with an error) when AWS could not list them.",
      (directory) => describeWorkspacesRequest({ directory: { directoryId: directory.directoryId! } }),
    ),
  }),
});

partitionFields(DirectoryRef, "the directory");

builder.objectField(WorkspaceRef, "directory", (t) =>
  t.field({
    type: DirectoryRef,
    nullable: true,
    authScopes: { read: true },
    description: "The directory of the WorkSpace's user (25 WorkSpaces' directories cost one AWS call); null when AWS no longer has it.",
    complexity: LOOKUP_COST,
    resolve: (w, _args, context) =>
      w.directoryId ? context.aws.in(w.partition).loader(DESCRIBE_WORKSPACE_DIRECTORIES).load(w.directoryId) : null,
  }),
);

const DirectoryConnection = fleetConnection(DirectoryRef, "Directory", { item: "directory", items: "directories" });

const DirectoryAttributeFilter = builder.inputType("DirectoryAttributeFilter", {
  description: "Directories whose member `name` holds one of `values` (AWS's DescribeWorkspaceDirectoriesFilter).",
  fields: (t) => ({
    name: t.field({ type: DirectoryFilterNameEnum, required: true, description: "The member to match." }),
    values: t.stringList({ required: true, description: "1 to 25 values, any of which matches (AWS_IAM_IDENTITY_CENTER, POOLS, ...)." }),
  }),
});

const DirectoriesFilter = builder.inputType("DirectoriesFilter", {
  description: "Which directories: every filter given narrows the answer, as AWS combines them.",
  fields: (t) => ({
    directoryIds: t.stringList({ description: "1 to 25 directory IDs (d-... or wsd-...)." }),
    workspaceDirectoryNames: t.stringList({ description: "1 to 25 directory names (workspaceDirectoryName)." }),
    filters: t.field({ type: [DirectoryAttributeFilter], description: "1 to 25 conditions on directory members, all of which must hold." }),
  }),
});

builder.queryFields((t) => ({
  directory: lookupField(t, DirectoryRef, DESCRIBE_WORKSPACE_DIRECTORIES, {
    description: "A directory by AWS's ID, in the partition named; null when AWS has no such directory registered there.",
    id: "AWS's ID of the directory (d-... or wsd-...).",
  }),
  directories: listField(
    t,
    DirectoryConnection,
    DESCRIBE_WORKSPACE_DIRECTORIES,
    "The directories registered with WorkSpaces in every partition served (or those named), a page at a time, partition by " +
      "partition; a partition that fails is listed in missingPartitions, and the list is null (with an error) only when none could be listed.",
    {
      argument: t.arg({ type: DirectoriesFilter, description: "Only these directories; all of them without it." }),
      request: (filter) => pascalCase(filter ?? {}),
      rules: validateDescribeWorkspaceDirectories,
      argumentPaths: {
        DirectoryIds: "filter.directoryIds",
        WorkspaceDirectoryNames: "filter.workspaceDirectoryNames",
        Filters: "filter.filters",
      },
    },
  ),
}));
