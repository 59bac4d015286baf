// Who is calling, and what they may do: `read` runs queries and subscriptions, `write` runs mutations, and `adhoc`
// sends documents of its own when only persisted documents are allowed (PERSISTED_DOCUMENTS_ONLY): operators in GraphiQL.
export const SCOPES = ["read", "write", "adhoc"] as const;

export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** Stable and safe to log: never a secret. */
  id: string;
  scopes: ReadonlySet<Scope>;
}

/** Everyone, when no authentication is configured (local development); ad-hoc documents only when allowed to all. */
export const OPEN_ACCESS: Principal = { id: "open", scopes: new Set(["read", "write"]) };
