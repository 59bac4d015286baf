// Who is calling, and what they may do: `read` runs queries and subscriptions, `write` runs mutations.
export const SCOPES = ["read", "write"] as const;

export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** Stable and safe to log: never a secret. */
  id: string;
  scopes: ReadonlySet<Scope>;
}

/** Everyone, when no authentication is configured (local development). */
export const OPEN_ACCESS: Principal = { id: "open", scopes: new Set(SCOPES) };
