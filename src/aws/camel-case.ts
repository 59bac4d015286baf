// AWS members are PascalCase; GraphQL fields are their camelCase. Mapped once, where data leaves the SDK.
type Uncapitalized<K> = K extends string ? Uncapitalize<K> : K;

export type CamelCase<T> = T extends readonly (infer U)[]
  ? CamelCase<U>[]
  : T extends Date
    ? T
    : T extends object
      ? { [K in keyof T as Uncapitalized<K>]: CamelCase<T[K]> }
      : T;

/** Member names are few and fixed by the service model (the shapes mapped hold no maps), so each is converted once. */
const camelKeys = new Map<string, string>();

function camelKey(key: string): string {
  let camel = camelKeys.get(key);
  if (camel === undefined) {
    camel = key.charAt(0).toLowerCase() + key.slice(1);
    camelKeys.set(key, camel);
  }
  return camel;
}

// Runs on every AWS response: a plain loop, as Object.entries/fromEntries cost several times as much.
export function camelCase<T>(value: T): CamelCase<T> {
  if (Array.isArray(value)) return value.map(camelCase) as CamelCase<T>;
  if (value === null || typeof value !== "object" || value instanceof Date) return value as CamelCase<T>;
  const mapped: Record<string, unknown> = {};
  for (const key of Object.keys(value)) mapped[camelKey(key)] = camelCase((value as Record<string, unknown>)[key]);
  return mapped as CamelCase<T>;
}

type Capitalized<K> = K extends string ? Capitalize<K> : K;

export type PascalCase<T> = T extends readonly (infer U)[]
  ? PascalCase<U>[]
  : T extends Date
    ? T
    : T extends object
      ? { [K in keyof T as Capitalized<K>]: PascalCase<Exclude<T[K], null>> }
      : T;

/** GraphQL input (or a shape mapped by camelCase) to AWS members; GraphQL's explicit nulls mean absent members. */
export function pascalCase<T>(value: T): PascalCase<T> {
  if (Array.isArray(value)) return value.map(pascalCase) as PascalCase<T>;
  if (value === null || typeof value !== "object" || value instanceof Date) return value as PascalCase<T>;
  const entries = Object.entries(value)
    .filter(([, member]) => member !== null && member !== undefined)
    .map(([key, member]) => [key.charAt(0).toUpperCase() + key.slice(1), pascalCase(member)]);
  return Object.fromEntries(entries) as PascalCase<T>;
}

/** An AWS member path (`Workspaces[3].UserName`) as the GraphQL path a client wrote (`workspaces[3].userName`). */
export function camelCasePath(path: string): string {
  return path.replace(/(^|\.)([A-Z])/g, (_match, dot: string, letter: string) => dot + letter.toLowerCase());
}
