// Everything the emulator knows, built from its settings: bundles, directories and the workspace fleet.
import { BundleCatalog } from "./bundles.ts";
import { DirectoryRegistry } from "./directories.ts";
import { createRandom, seedBundles, seedDirectories, seedWorkspaces } from "./seed.ts";
import type { EmulatorSettings } from "./settings.ts";
import { Fleet } from "./workspaces.ts";

export interface World {
  bundles: BundleCatalog;
  directories: DirectoryRegistry;
  fleet: Fleet;
}

export function createWorld(settings: EmulatorSettings, clock: () => number): World {
  const random = createRandom(settings.seed);
  const bundles = new BundleCatalog(seedBundles(), clock);
  const directories = new DirectoryRegistry(seedDirectories(), clock);
  const fleet = new Fleet(bundles.byId, directories.byId, settings, random, clock);
  fleet.seed(seedWorkspaces(settings.workspaces, random));
  return { bundles, directories, fleet };
}
