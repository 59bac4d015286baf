// Everything one partition (an account in a region) holds, built from the settings: bundles, directories and the
// WorkSpaces.
import { BundleCatalog } from "./bundles.ts";
import { DirectoryRegistry } from "./directories.ts";
import { PartitionIds } from "./partition-ids.ts";
import type { Partition } from "./partitions.ts";
import { createRandom, seedBundles, seedDirectories, seedWorkspaces } from "./seed.ts";
import type { EmulatorSettings } from "./settings.ts";
import { WorkspaceStore } from "./workspaces.ts";

export interface World {
  bundles: BundleCatalog;
  directories: DirectoryRegistry;
  workspaces: WorkspaceStore;
}

/** `partition`'s world; `home`, the default partition, keeps the seed's IDs. */
export function createWorld(settings: EmulatorSettings, clock: () => number, partition: Partition, home: Partition): World {
  const ids = new PartitionIds(partition, home);
  const random = createRandom(ids.seed(settings.seed));
  const bundles = new BundleCatalog(
    seedBundles().map((b) => ids.bundle(b)),
    clock,
  );
  const directories = new DirectoryRegistry(
    seedDirectories().map((d) => ids.directory(d)),
    clock,
  );
  const workspaces = new WorkspaceStore(bundles.byId, directories.byId, settings, random, clock);
  workspaces.seed(seedWorkspaces(settings.workspaces, random).map((w) => ids.workspace(w)));
  return { bundles, directories, workspaces };
}
