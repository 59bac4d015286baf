// Request bodies up to a size, 413 beyond. A declared Content-Length is checked alone (Node's HTTP parser never
// delivers more than it declares); only a body without one (chunked) is counted as it streams. yoga's own limit
// streams every body through a counter, which cost a tenth of the gateway's CPU under load.

import type { FetchAPI, Plugin } from "graphql-yoga";
import { gatewayError } from "../schema/errors.ts";

const DIGITS = /^\d+$/;

const tooLarge = () => gatewayError("REQUEST_ENTITY_TOO_LARGE", "Request body too large");

function counted(request: Request, limit: number, fetchAPI: FetchAPI): Request {
  // A native stream needs the native TransformStream (see graphql-yoga#4583).
  const TransformStreamCtor = request.body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream;
  let bytes = 0;
  const body = request.body!.pipeThrough(
    new TransformStreamCtor({
      transform(chunk: Uint8Array, controller) {
        bytes += chunk.byteLength;
        if (bytes > limit) controller.error(tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body,
    duplex: "half",
  } as RequestInit);
}

export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!DIGITS.test(declared)) {
          throw gatewayError("BAD_REQUEST", "Content-Length header is invalid.");
        }
        if (Number(declared) > limit) throw tooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((incoming) => requestParser(counted(incoming, limit, fetchAPI)));
    },
  };
}
