// A gateway with no cluster: it holds no lease and polls its own IDs, with nobody to tell.
import type { WatchCluster } from "./watch-lease.ts";

export const ALONE: WatchCluster = {
  attach: () => {},
  role: () => "alone",
  othersWatched: () => [],
  publish: () => {},
  shareCreated: () => {},
};
