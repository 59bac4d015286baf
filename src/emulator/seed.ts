// The emulator's starting world: AWS's public bundles, a few account bundles, two directories, and N workspaces
// generated deterministically from a seed.

import type { WorkspaceBundle, WorkspaceDirectory, WorkspaceRequest } from "@aws-sdk/client-workspaces";
import { Compute, RunningMode, WorkspaceState } from "@aws-sdk/client-workspaces";

const ACCOUNT_ID = "123456789012";

interface BundleSpec {
  id: string;
  name: string;
  compute: Compute;
  root: number;
  user: number;
  description: string;
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
  },
  {
    id: "wsb-8vbljg4r6",
    name: "Standard with Windows 10 (Server 2019 based)",
    compute: Compute.STANDARD,
    root: 80,
    user: 50,
    description: "Windows 10 Experience provided by Windows Server 2019, 2 vCPU, 4 GiB Memory, 50 GB User Storage",
  },
  {
    id: "wsb-1pzkp0bx4",
    name: "Performance with Windows 10 (Server 2019 based)",
    compute: Compute.PERFORMANCE,
    root: 80,
    user: 100,
    description: "Windows 10 Experience provided by Windows Server 2019, 2 vCPU, 8 GiB Memory, 100 GB User Storage",
  },
  {
    id: "wsb-gm7rt4rpx",
    name: "Power with Windows 10 (Server 2019 based)",
    compute: Compute.POWER,
    root: 175,
    user: 100,
    description: "Windows 10 Experience provided by Windows Server 2019, 4 vCPU, 16 GiB Memory, 100 GB User Storage",
  },
  {
    id: "wsb-d6ppvx5gs",
    name: "PowerPro with Windows 10 (Server 2019 based)",
    compute: Compute.POWERPRO,
    root: 175,
    user: 100,
    description: "Windows 10 Experience provided by Windows Server 2019, 8 vCPU, 32 GiB Memory, 100 GB User Storage",
  },
  {
    id: "wsb-1b5w6vnz6",
    name: "Graphics with Windows 10 (Server 2019 based)",
    compute: Compute.GRAPHICS,
    root: 100,
    user: 100,
    description:
      "Windows 10 Experience provided by Windows Server 2019, 8 vCPU, 15 GiB Memory, 1 GPU, 4 GiB Video Memory, 100 GB User Storage",
  },
  {
    id: "wsb-3t36q0xfc",
    name: "GraphicsPro with Windows 10 (Server 2019 based)",
    compute: Compute.GRAPHICSPRO,
    root: 100,
    user: 100,
    description:
      "Windows 10 Experience provided by Windows Server 2019, 16 vCPU, 122 GiB Memory, 1 GPU, 8 GiB Video Memory, 100 GB User Storage",
  },
  {
    id: "wsb-2bs6k5lgn",
    name: "Value with Amazon Linux 2",
    compute: Compute.VALUE,
    root: 80,
    user: 10,
    description: "Amazon Linux 2, 1 vCPU, 2 GiB Memory, 10 GB User Storage",
  },
  {
    id: "wsb-b0s22j3d7",
    name: "Standard with Amazon Linux 2",
    compute: Compute.STANDARD,
    root: 80,
    user: 50,
    description: "Amazon Linux 2, 2 vCPU, 4 GiB Memory, 50 GB User Storage",
  },
  {
    id: "wsb-cl7ghfxkk",
    name: "Performance with Amazon Linux 2",
    compute: Compute.PERFORMANCE,
    root: 80,
    user: 100,
    description: "Amazon Linux 2, 2 vCPU, 8 GiB Memory, 100 GB User Storage",
  },
  {
    id: "wsb-3rd2pgzl5",
    name: "Power with Amazon Linux 2",
    compute: Compute.POWER,
    root: 175,
    user: 100,
    description: "Amazon Linux 2, 4 vCPU, 16 GiB Memory, 100 GB User Storage",
  },
  {
    id: "wsb-9jvhtb24f",
    name: "PowerPro with Amazon Linux 2",
    compute: Compute.POWERPRO,
    root: 175,
    user: 100,
    description: "Amazon Linux 2, 8 vCPU, 32 GiB Memory, 100 GB User Storage",
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
  },
  {
    id: "wsb-acct0ppr2",
    name: "Data Science PowerPro",
    compute: Compute.POWERPRO,
    root: 175,
    user: 100,
    description: "PowerPro bundle with the analytics image",
  },
  {
    id: "wsb-acct0gpr3",
    name: "Design GraphicsPro",
    compute: Compute.GRAPHICSPRO,
    root: 100,
    user: 100,
    description: "GraphicsPro bundle with the design suite image",
  },
];

function toBundle(spec: BundleSpec, owner: string): WorkspaceBundle {
  return {
    BundleId: spec.id,
    Name: spec.name,
    Owner: owner,
    Description: spec.description,
    RootStorage: { Capacity: String(spec.root) },
    UserStorage: { Capacity: String(spec.user) },
    ComputeType: { Name: spec.compute },
  };
}

export function seedBundles(): WorkspaceBundle[] {
  return [...PUBLIC_BUNDLES.map((b) => toBundle(b, "AMAZON")), ...ACCOUNT_BUNDLES.map((b) => toBundle(b, ACCOUNT_ID))];
}

export function seedDirectories(): WorkspaceDirectory[] {
  return [
    {
      DirectoryId: "d-906734e2f1",
      Alias: "corp",
      DirectoryName: "corp.example.com",
      RegistrationCode: "SLiad+ABCDEF",
      SubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
      DnsIpAddresses: ["10.0.0.10", "10.0.1.10"],
      CustomerUserName: "Administrator",
      DirectoryType: "AD_CONNECTOR",
      State: "REGISTERED",
      WorkspaceSecurityGroupId: "sg-0123456789abcdef0",
    },
    {
      DirectoryId: "d-926722edaf",
      Alias: "eng",
      DirectoryName: "eng.example.com",
      RegistrationCode: "SLiad+GHIJKL",
      SubnetIds: ["subnet-0f1e2d3c4b5a60003", "subnet-0f1e2d3c4b5a60004"],
      DnsIpAddresses: ["10.1.0.10", "10.1.1.10"],
      CustomerUserName: "Administrator",
      DirectoryType: "SIMPLE_AD",
      State: "REGISTERED",
      WorkspaceSecurityGroupId: "sg-0fedcba9876543210",
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

/** The requests that made the seeded workspaces, and the state each settled in. */
export function seedWorkspaces(count: number, random: () => number): SeedWorkspace[] {
  const bundles = [...PUBLIC_BUNDLES, ...ACCOUNT_BUNDLES];
  const directories = seedDirectories();
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const bundle = pick(bundles);
    const autoStop = random() < 0.6;
    const encrypted = random() < 0.2;
    return {
      state: pick(SEED_STATES),
      request: {
        DirectoryId: pick(directories).DirectoryId,
        UserName: `user${String(i + 1).padStart(6, "0")}`,
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
        },
      },
    };
  });
}
