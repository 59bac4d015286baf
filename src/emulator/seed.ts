// The emulator's starting world: AWS's public bundles, a few account bundles, three directories, and N workspaces
// generated deterministically from a seed.

import type { WorkspaceBundle, WorkspaceDirectory, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import { Compute, OperatingSystemName, Protocol, RunningMode, WorkspaceState } from "@aws-sdk/client-workspaces";

const ACCOUNT_ID = "123456789012";

interface BundleSpec {
  id: string;
  name: string;
  compute: Compute;
  root: number;
  user: number;
  description: string;
  os: OperatingSystemName;
}

// AWS's public bundle families, with the names and storage capacities AWS publishes for them.
const PUBLIC_BUNDLES: BundleSpec[] = [
  {
    id: "wsb-clj85qzj1",
    name: "Value with Windows 10 (Server 2019 based)",
    compute: Compute.VALUE,
    root: 80,
    user: 10,
    description: "Windows 10 Experience provided by Windows Server 2019, 1 vCPU, 2 GiB Memory, 10 GB User Storage",
    os: OperatingSystemName.WINDOWS_SERVER_2019,
  },
  {
    id: "wsb-8vbljg4r6",
    name: "Standard with Windows 10 (Server 2019 based)",
    compute: Compute.STANDARD,
    root: 80,
    user: 50,
    description: "Windows 10 Experience provided by Windows Server 2019, 2 vCPU, 4 GiB Memory, 50 GB User Storage",
    os: OperatingSystemName.WINDOWS_SERVER_2019,
  },
  {
    id: "wsb-1pzkp0bx4",
    name: "Performance with Windows 10 (Server 2019 based)",
    compute: Compute.PERFORMANCE,
    root: 80,
    user: 100,
    description: "Windows 10 Experience provided by Windows Server 2019, 2 vCPU, 8 GiB Memory, 100 GB User Storage",
    os: OperatingSystemName.WINDOWS_SERVER_2019,
  },
  {
    id: "wsb-gm7rt4rpx",
    name: "Power with Windows 10 (Server 2019 based)",
    compute: Compute.POWER,
    root: 175,
    user: 100,
    description: "Windows 10 Experience provided by Windows Server 2019, 4 vCPU, 16 GiB Memory, 100 GB User Storage",
    os: OperatingSystemName.WINDOWS_SERVER_2019,
  },
  {
    id: "wsb-d6ppvx5gs",
    name: "PowerPro with Windows 10 (Server 2019 based)",
    compute: Compute.POWERPRO,
    root: 175,
    user: 100,
    description: "Windows 10 Experience provided by Windows Server 2019, 8 vCPU, 32 GiB Memory, 100 GB User Storage",
    os: OperatingSystemName.WINDOWS_SERVER_2019,
  },
  {
    id: "wsb-1b5w6vnz6",
    name: "Graphics with Windows 10 (Server 2019 based)",
    compute: Compute.GRAPHICS,
    root: 100,
    user: 100,
    description:
      "Windows 10 Experience provided by Windows Server 2019, 8 vCPU, 15 GiB Memory, 1 GPU, 4 GiB Video Memory, 100 GB User Storage",
    os: OperatingSystemName.WINDOWS_SERVER_2019,
  },
  {
    id: "wsb-3t36q0xfc",
    name: "GraphicsPro with Windows 10 (Server 2019 based)",
    compute: Compute.GRAPHICSPRO,
    root: 100,
    user: 100,
    description:
      "Windows 10 Experience provided by Windows Server 2019, 16 vCPU, 122 GiB Memory, 1 GPU, 8 GiB Video Memory, 100 GB User Storage",
    os: OperatingSystemName.WINDOWS_SERVER_2019,
  },
  {
    id: "wsb-2bs6k5lgn",
    name: "Value with Amazon Linux 2",
    compute: Compute.VALUE,
    root: 80,
    user: 10,
    description: "Amazon Linux 2, 1 vCPU, 2 GiB Memory, 10 GB User Storage",
    os: OperatingSystemName.AMAZON_LINUX_2,
  },
  {
    id: "wsb-b0s22j3d7",
    name: "Standard with Amazon Linux 2",
    compute: Compute.STANDARD,
    root: 80,
    user: 50,
    description: "Amazon Linux 2, 2 vCPU, 4 GiB Memory, 50 GB User Storage",
    os: OperatingSystemName.AMAZON_LINUX_2,
  },
  {
    id: "wsb-cl7ghfxkk",
    name: "Performance with Amazon Linux 2",
    compute: Compute.PERFORMANCE,
    root: 80,
    user: 100,
    description: "Amazon Linux 2, 2 vCPU, 8 GiB Memory, 100 GB User Storage",
    os: OperatingSystemName.AMAZON_LINUX_2,
  },
  {
    id: "wsb-3rd2pgzl5",
    name: "Power with Amazon Linux 2",
    compute: Compute.POWER,
    root: 175,
    user: 100,
    description: "Amazon Linux 2, 4 vCPU, 16 GiB Memory, 100 GB User Storage",
    os: OperatingSystemName.AMAZON_LINUX_2,
  },
  {
    id: "wsb-9jvhtb24f",
    name: "PowerPro with Amazon Linux 2",
    compute: Compute.POWERPRO,
    root: 175,
    user: 100,
    description: "Amazon Linux 2, 8 vCPU, 32 GiB Memory, 100 GB User Storage",
    os: OperatingSystemName.AMAZON_LINUX_2,
  },
];

const ACCOUNT_BUNDLES: BundleSpec[] = [
  {
    id: "wsb-acct0std1",
    name: "Engineering Standard",
    compute: Compute.STANDARD,
    root: 80,
    user: 50,
    description: "Standard bundle with the engineering toolchain image",
    os: OperatingSystemName.WINDOWS_SERVER_2022,
  },
  {
    id: "wsb-acct0ppr2",
    name: "Data Science PowerPro",
    compute: Compute.POWERPRO,
    root: 175,
    user: 100,
    description: "PowerPro bundle with the analytics image",
    os: OperatingSystemName.WINDOWS_SERVER_2022,
  },
  {
    id: "wsb-acct0gpr3",
    name: "Design GraphicsPro",
    compute: Compute.GRAPHICSPRO,
    root: 100,
    user: 100,
    description: "GraphicsPro bundle with the design suite image",
    os: OperatingSystemName.WINDOWS_SERVER_2022,
  },
];

function toBundle(spec: BundleSpec, owner: string, created: Date, updated: Date): WorkspaceBundle {
  return {
    BundleId: spec.id,
    Name: spec.name,
    Owner: owner,
    Description: spec.description,
    // Each bundle has an image of its own, named after it.
    ImageId: `wsi-${spec.id.slice("wsb-".length)}`,
    RootStorage: { Capacity: String(spec.root) },
    UserStorage: { Capacity: String(spec.user) },
    ComputeType: { Name: spec.compute },
    CreationTime: created,
    LastUpdatedTime: updated,
    State: "AVAILABLE",
    BundleType: "REGULAR",
  };
}

export function seedBundles(): WorkspaceBundle[] {
  return [
    ...PUBLIC_BUNDLES.map((b) => toBundle(b, "AMAZON", new Date("2020-06-01T00:00:00Z"), new Date("2024-11-12T00:00:00Z"))),
    ...ACCOUNT_BUNDLES.map((b) => toBundle(b, ACCOUNT_ID, new Date("2024-03-15T09:30:00Z"), new Date("2024-09-02T14:00:00Z"))),
  ];
}

const OPERATING_SYSTEMS = new Map([...PUBLIC_BUNDLES, ...ACCOUNT_BUNDLES].map((b) => [b.id, b.os]));

/** The operating system of a seeded bundle's image, which a WorkSpace made from it runs. */
export function operatingSystemOf(bundleId: string): OperatingSystemName | undefined {
  return OPERATING_SYSTEMS.get(bundleId);
}

/** What the console shows of an Active Directory directory registered with WorkSpaces, as AWS defaults it. */
function activeDirectory(directory: WorkspaceDirectory, selfService: boolean): WorkspaceDirectory {
  const permission = selfService ? "ENABLED" : "DISABLED";
  return {
    ...directory,
    CustomerUserName: "Administrator",
    IamRoleId: `arn:aws:iam::${ACCOUNT_ID}:role/workspaces_DefaultRole`,
    State: "REGISTERED",
    WorkspaceCreationProperties: {
      EnableInternetAccess: false,
      DefaultOu: `OU=WorkSpaces,DC=${directory.Alias},DC=example,DC=com`,
      UserEnabledAsLocalAdministrator: true,
      EnableMaintenanceMode: true,
    },
    ipGroupIds: [],
    WorkspaceAccessProperties: {
      DeviceTypeWindows: "ALLOW",
      DeviceTypeOsx: "ALLOW",
      DeviceTypeWeb: "DENY",
      DeviceTypeIos: "ALLOW",
      DeviceTypeAndroid: "ALLOW",
      DeviceTypeChromeOs: "ALLOW",
      DeviceTypeZeroClient: "ALLOW",
      DeviceTypeLinux: "DENY",
      DeviceTypeWorkSpacesThinClient: "DENY",
    },
    Tenancy: "SHARED",
    SelfservicePermissions: {
      RestartWorkspace: "ENABLED",
      IncreaseVolumeSize: permission,
      ChangeComputeType: permission,
      SwitchRunningMode: permission,
      RebuildWorkspace: permission,
    },
    SamlProperties: { Status: "DISABLED", RelayStateParameterName: "RelayState" },
    CertificateBasedAuthProperties: { Status: "DISABLED" },
    EndpointEncryptionMode: "STANDARD_TLS",
    WorkspaceDirectoryName: directory.DirectoryName,
    UserIdentityType: "AWS_DIRECTORY_SERVICE",
    WorkspaceType: "PERSONAL",
  };
}

/** The two Active Directory directories the seeded WorkSpaces live in. */
function activeDirectories(): WorkspaceDirectory[] {
  return [
    activeDirectory(
      {
        DirectoryId: "d-906734e2f1",
        Alias: "corp",
        DirectoryName: "corp.example.com",
        RegistrationCode: "SLiad+ABCDEF",
        // Dual-stack subnets: its WorkSpaces get an IPv6 address too.
        SubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
        DnsIpAddresses: ["10.0.0.10", "10.0.1.10"],
        DnsIpv6Addresses: ["2600:1f18:4a3:6c00::10", "2600:1f18:4a3:6c01::10"],
        DirectoryType: "AD_CONNECTOR",
        WorkspaceSecurityGroupId: "sg-0123456789abcdef0",
      },
      false,
    ),
    activeDirectory(
      {
        DirectoryId: "d-926722edaf",
        Alias: "eng",
        DirectoryName: "eng.example.com",
        RegistrationCode: "SLiad+GHIJKL",
        SubnetIds: ["subnet-0f1e2d3c4b5a60003", "subnet-0f1e2d3c4b5a60004"],
        DnsIpAddresses: ["10.1.0.10", "10.1.1.10"],
        DirectoryType: "SIMPLE_AD",
        WorkspaceSecurityGroupId: "sg-0fedcba9876543210",
      },
      true,
    ),
  ];
}

export function seedDirectories(): WorkspaceDirectory[] {
  return [
    ...activeDirectories(),
    {
      // A WorkSpaces directory of its own (wsd-), its users from IAM Identity Center.
      DirectoryId: "wsd-3n9qkz7ht",
      Alias: "design",
      RegistrationCode: "SLiad+MNOPQR",
      SubnetIds: ["subnet-0c1d2e3f4a5b60005", "subnet-0c1d2e3f4a5b60006"],
      DnsIpAddresses: [],
      IamRoleId: `arn:aws:iam::${ACCOUNT_ID}:role/workspaces_DefaultRole`,
      DirectoryType: "AWS_IAM_IDENTITY_CENTER",
      WorkspaceSecurityGroupId: "sg-0a0b0c0d0e0f01234",
      State: "REGISTERED",
      WorkspaceCreationProperties: {
        EnableInternetAccess: true,
        UserEnabledAsLocalAdministrator: false,
        EnableMaintenanceMode: true,
        InstanceIamRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/workspaces-design-instance`,
      },
      ipGroupIds: ["wsipg-488lrtl3k"],
      WorkspaceAccessProperties: {
        DeviceTypeWindows: "ALLOW",
        DeviceTypeOsx: "ALLOW",
        DeviceTypeWeb: "ALLOW",
        DeviceTypeIos: "DENY",
        DeviceTypeAndroid: "DENY",
        DeviceTypeChromeOs: "DENY",
        DeviceTypeZeroClient: "DENY",
        DeviceTypeLinux: "ALLOW",
        DeviceTypeWorkSpacesThinClient: "ALLOW",
      },
      Tenancy: "SHARED",
      SelfservicePermissions: {
        RestartWorkspace: "ENABLED",
        IncreaseVolumeSize: "DISABLED",
        ChangeComputeType: "DISABLED",
        SwitchRunningMode: "DISABLED",
        RebuildWorkspace: "ENABLED",
      },
      SamlProperties: { Status: "DISABLED" },
      CertificateBasedAuthProperties: { Status: "DISABLED" },
      EndpointEncryptionMode: "STANDARD_TLS",
      WorkspaceDirectoryName: "Design studio",
      WorkspaceDirectoryDescription: "GraphicsPro desks for the design team",
      UserIdentityType: "AWS_IAM_IDENTITY_CENTER",
      WorkspaceType: "PERSONAL",
      IDCConfig: {
        InstanceArn: "arn:aws:sso:::instance/ssoins-72239f6d8c1e5a01",
        ApplicationArn: `arn:aws:sso::${ACCOUNT_ID}:application/ssoins-72239f6d8c1e5a01/apl-5f2b9c1d7e3a4b60`,
      },
    },
  ];
}

/** mulberry32: a small, fast, seedable generator, so a seed always yields the same world. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedWorkspace {
  request: WorkspaceRequest;
  state: WorkspaceState;
  /** A primary WorkSpace's standby in another Region. */
  standby?: { WorkspaceId: string; Region: string };
}

const SEED_STATES: WorkspaceState[] = [
  WorkspaceState.AVAILABLE,
  WorkspaceState.AVAILABLE,
  WorkspaceState.AVAILABLE,
  WorkspaceState.AVAILABLE,
  WorkspaceState.STOPPED,
  WorkspaceState.STOPPED,
  WorkspaceState.ERROR,
  WorkspaceState.SUSPENDED,
  WorkspaceState.IMPAIRED,
  WorkspaceState.UNHEALTHY,
];

/**
 * The requests that made the seeded workspaces, and the state each settled in. The members drawn from `random`
 * come first and in a fixed order, so a seed always yields the same WorkSpaces; the rest follow from the index.
 */
export function seedWorkspaces(count: number, random: () => number): SeedWorkspace[] {
  const bundles = [...PUBLIC_BUNDLES, ...ACCOUNT_BUNDLES];
  const directories = activeDirectories();
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const bundle = pick(bundles);
    const autoStop = random() < 0.6;
    const encrypted = random() < 0.2;
    const number = String(i + 1).padStart(6, "0");
    return {
      state: pick(SEED_STATES),
      request: {
        DirectoryId: pick(directories).DirectoryId,
        UserName: `user${number}`,
        BundleId: bundle.id,
        ...(encrypted
          ? { VolumeEncryptionKey: "alias/aws/workspaces", UserVolumeEncryptionEnabled: true, RootVolumeEncryptionEnabled: true }
          : {}),
        WorkspaceProperties: {
          RunningMode: autoStop ? RunningMode.AUTO_STOP : RunningMode.ALWAYS_ON,
          ...(autoStop ? { RunningModeAutoStopTimeoutInMinutes: 60 * (1 + Math.floor(random() * 3)) } : {}),
          RootVolumeSizeGib: bundle.root,
          UserVolumeSizeGib: bundle.user,
          ComputeTypeName: bundle.compute,
          // Graphics bundles stream over PCoIP only; a third of the others were moved to WSP.
          Protocols: [i % 3 === 2 && !bundle.compute.startsWith(Compute.GRAPHICS) ? Protocol.WSP : Protocol.PCOIP],
          OperatingSystemName: bundle.os,
        },
        ...(i % 7 === 6 ? { WorkspaceName: `desk-${number}` } : {}),
      },
      // Every tenth is a primary with a standby in us-west-2, for business continuity.
      ...(i % 10 === 9 ? { standby: { WorkspaceId: `ws-stby${number.slice(1)}`, Region: "us-west-2" } } : {}),
    };
  });
}
