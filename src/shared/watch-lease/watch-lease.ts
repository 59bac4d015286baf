// The cluster's one poll loop: gateways that share one take a lease, and its holder polls every gateway's IDs and
// publishes what changed (redis.ts). A gateway with no cluster, or none reachable, polls its own IDs alone.
import type { WorkspaceShape } from "../../aws/workspaces.ts";

/** A watched WorkSpace as AWS shows it now; null when AWS has no such WorkSpace, which ends its stream. */
export interface WatchEvent {
  /** The watched ID, qualified by its partition (`<account>/<region>/<id>`, as every ID the watch takes). */
  workspaceId: string;
  workspace: WorkspaceShape | null;
}

/** How a gateway's watch takes part in a cluster's one poll loop. */
export type WatchRole =
  /** It polls, for every gateway of the cluster: its own IDs and those the others watch. */
  | "holder"
  /** Another gateway polls; this one gets the news from it. */
  | "follower"
  /** It polls its own IDs: no cluster, or none reachable now. */
  | "alone";

/** What a watch offers the cluster it belongs to. */
export interface WatchMember {
  /** The IDs this gateway's subscribers watch. */
  watched(): string[];
  /** News from the gateway that polls: a state, or not found. */
  receive(event: WatchEvent): void;
  /** A WorkSpace another gateway created, watchable at once as this gateway's own are. */
  created(workspace: WorkspaceShape): void;
  /** The role, or the IDs others watch, changed: poll now if there is something to poll. */
  wake(): void;
}

/** The cluster of gateways that share one poll loop: one of them holds a lease and polls for all. */
export interface WatchCluster {
  attach(member: WatchMember): void;
  role(): WatchRole;
  /** The IDs the other gateways watch, as last learned; the holder polls them with its own. */
  othersWatched(): readonly string[];
  /** What the holder found new, for the other gateways' subscribers. */
  publish(events: WatchEvent[]): void;
  shareCreated(workspace: WorkspaceShape): void;
}
