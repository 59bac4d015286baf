// AWS members are PascalCase; GraphQL fields are their camelCase. Mapped once, where data leaves the SDK.
type Uncapitalized<K> = K extends string ? Uncapitalize<K> : K;

export type CamelCase<T> = T extends readonly (infer U)[]
  ? CamelCase<U>[]
  : T extends Date
    ? T
    : T extends object
      ? { [K in keyof T as Uncapitalized<K>]: CamelCase<T[K]> }
      : T;

export function camelCase<T>(value: T): CamelCase<T> {
  if (Array.isArray(value)) return value.map(camelCase) as CamelCase<T>;
  if (value === null || typeof value !== "object" || value instanceof Date) return value as CamelCase<T>;
  const entries = Object.entries(value).map(([key, member]) => [key.charAt(0).toLowerCase() + key.slice(1), camelCase(member)]);
  return Object.fromEntries(entries) as CamelCase<T>;
}
