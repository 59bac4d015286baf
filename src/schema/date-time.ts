// Timestamps: the SDK gives Date objects; clients get ISO-8601 strings in UTC.
import { builder } from "./builder.ts";

export const DateTimeScalar = builder.scalarType("DateTime", {
  description: "A point in time, as an ISO-8601 string in UTC with milliseconds (2025-01-01T09:30:00.000Z).",
  serialize: (value) => new Date(value).toISOString(),
});
