/** An error the emulator answers the way AWS does: HTTP 400 (unless said) with `{"__type", "message"}`. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const invalidParameter = (message: string) => new AwsError("InvalidParameterValuesException", message);
export const serialization = (message: string) => new AwsError("SerializationException", message);

/** Throws AWS's error for the first violation of the service model's constraints. */
export function rejectViolations(violations: { message: string }[]): void {
  const first = violations[0];
  if (first) throw invalidParameter(first.message);
}
