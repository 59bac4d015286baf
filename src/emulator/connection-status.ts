// Whether a user is connected to a WorkSpace, as DescribeWorkspacesConnectionStatus answers it: drawn once per
// seeded WorkSpace from its ID (so a seed always yields the same answers), and kept consistent with the state.
import type { WorkspaceConnectionStatus } from "@aws-sdk/client-workspaces";
import { ConnectionState, WorkspaceState } from "@aws-sdk/client-workspaces";

export interface Session {
  connected: boolean;
  /** When the user last connected (their session's start while connected). */
  lastConnectedAt?: number;
}

const HOUR_MS = 60 * 60 * 1000;
/** AWS checks connections periodically; the answer carries the time of the last check. */
const CHECK_INTERVAL_MS = 60_000;

/** The states whose connection AWS cannot tell: the WorkSpace is not running its agent, or is gone. */
const UNKNOWN_STATES: ReadonlySet<string> = new Set([
  WorkspaceState.PENDING,
  WorkspaceState.ERROR,
  WorkspaceState.IMPAIRED,
  WorkspaceState.UNHEALTHY,
  WorkspaceState.SUSPENDED,
  WorkspaceState.TERMINATED,
]);

/** FNV-1a of the ID, as a fraction in [0, 1). */
function draw(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) / 4294967296;
}

/** A seeded WorkSpace's session at `seededAt`: half of the AVAILABLE ones connected this working day. */
export function seededSession(workspaceId: string, state: string, seededAt: number): Session {
  const x = draw(workspaceId);
  if (state === WorkspaceState.AVAILABLE && x < 0.5) return { connected: true, lastConnectedAt: seededAt - Math.floor(x * 16 * HOUR_MS) };
  if (x < 0.9) return { connected: false, lastConnectedAt: seededAt - Math.floor((1 + x * 6) * 24 * HOUR_MS) };
  return { connected: false };
}

/** The session after something that ends the user's connection (a stop, reboot, compute change, ...) at `now`. */
export function disconnected(session: Session, now: number): Session {
  return session.connected ? { connected: false, lastConnectedAt: now } : session;
}

export function connectionStatusOf(workspaceId: string, state: string, session: Session, now: number): WorkspaceConnectionStatus {
  const connected = state === WorkspaceState.AVAILABLE && session.connected;
  return {
    WorkspaceId: workspaceId,
    ConnectionState: UNKNOWN_STATES.has(state)
      ? ConnectionState.UNKNOWN
      : connected
        ? ConnectionState.CONNECTED
        : ConnectionState.DISCONNECTED,
    ConnectionStateCheckTimestamp: new Date(now - (now % CHECK_INTERVAL_MS)),
    ...(session.lastConnectedAt === undefined ? {} : { LastKnownUserConnectionTimestamp: new Date(session.lastConnectedAt) }),
  };
}
