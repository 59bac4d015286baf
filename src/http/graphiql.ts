// GraphiQL for operators, from the gateway itself rather than a CDN (it works offline and behind firewalls), at
// `GET /graphql` in a browser. Its page is 9 MB with GraphiQL inlined: rendered on the first view (its 85 MB of
// memory a gateway without GraphiQL never needs), compressed once per encoding on libuv's threads, and answered
// 304 to a browser that has it (ETag). Our own rather than a compression middleware, which would compress the
// same 9 MB again on every view.
import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { FetchAPI, GraphiQLOptions, Plugin } from "graphql-yoga";
import { shouldRenderGraphiQL } from "graphql-yoga";

const ENCODINGS = {
  // Quality 5 of 11: 2 MB in half a second; 11 saves a tenth more and takes 17 s.
  br: (html: Buffer) => promisify(brotliCompress)(html, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
  gzip: (html: Buffer) => promisify(gzip)(html),
  identity: async (html: Buffer) => html,
} as const;

type Encoding = keyof typeof ENCODINGS;

/** The best encoding the browser accepts (browsers send `gzip, deflate, br, zstd`; q-values are not weighed). */
function encodingFor(request: Request): Encoding {
  const accepted = (request.headers.get("accept-encoding") ?? "").split(",").map((part) => part.split(";")[0]!.trim());
  return accepted.includes("br") ? "br" : accepted.includes("gzip") ? "gzip" : "identity";
}

export function useGraphiQL(options: GraphiQLOptions, endpoint = "/graphql"): Plugin {
  let html: Promise<{ bytes: Buffer; digest: string }> | undefined;
  const encoded = new Map<Encoding, Promise<Uint8Array<ArrayBuffer>>>();
  const page = async (request: Request, fetchAPI: FetchAPI): Promise<Response> => {
    html ??= import("@graphql-yoga/render-graphiql").then(({ renderGraphiQL }) => {
      const bytes = Buffer.from(renderGraphiQL(options));
      return { bytes, digest: createHash("sha256").update(bytes).digest("base64url").slice(0, 27) };
    });
    const { bytes, digest } = await html;
    const encoding = encodingFor(request);
    // Each encoding is its own representation, with its own validator.
    const etag = `"${digest}-${encoding}"`;
    const headers: Record<string, string> = { etag, "cache-control": "no-cache", vary: "accept-encoding" };
    if (request.headers.get("if-none-match") === etag) return new fetchAPI.Response(null, { status: 304, headers });
    if (!encoded.has(encoding))
      encoded.set(
        encoding,
        ENCODINGS[encoding](bytes).then((buffer) => new Uint8Array(buffer)),
      );
    const body = await encoded.get(encoding)!;
    if (encoding !== "identity") headers["content-encoding"] = encoding;
    return new fetchAPI.Response(body, {
      headers: { ...headers, "content-type": "text/html; charset=utf-8", "content-length": String(body.byteLength) },
    });
  };
  return {
    // Synchronous for every other request (GraphQL's POSTs are not even parsed for their URL).
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!shouldRenderGraphiQL(request) || url.pathname !== endpoint) return;
      return page(request, fetchAPI).then(endResponse);
    },
  };
}
