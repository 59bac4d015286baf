// The AWS Query protocol's answers, as STS gives them: XML in the service's namespace, the request ID in
// ResponseMetadata, and errors as <ErrorResponse><Error><Type>Sender</Type><Code>…</Code>…</ErrorResponse>.

const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** Element content: text, or child elements in order. */
export type XmlContent = string | { [element: string]: XmlContent };

/** An error answered in the Query protocol's XML: HTTP 400 unless said. */
export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

function render(content: XmlContent): string {
  if (typeof content === "string") return content.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
  return Object.entries(content)
    .map(([name, child]) => `<${name}>${render(child)}</${name}>`)
    .join("");
}

/** `<{Action}Response>` with the action's result and the request ID. */
export function queryResponse(action: string, result: XmlContent, requestId: string): string {
  const body = render({ [`${action}Result`]: result, ResponseMetadata: { RequestId: requestId } });
  return `<${action}Response xmlns="${STS_NAMESPACE}">${body}</${action}Response>`;
}

export function queryErrorResponse(error: QueryError, requestId: string): string {
  const type = error.status >= 500 ? "Receiver" : "Sender";
  const body = render({ Error: { Type: type, Code: error.code, Message: error.message }, RequestId: requestId });
  return `<ErrorResponse xmlns="${STS_NAMESPACE}">${body}</ErrorResponse>`;
}
