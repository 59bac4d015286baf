// The GraphiQL page as a browser gets it over the wire: compressed in the best encoding it accepts, with a validator,
// and not sent again to a browser that has it (graphiql.browser.test.ts checks that the page works); its default
// document is the main screen docs/examples.md shows.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import { get } from "node:http";
import { after, before, describe, it } from "node:test";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { parse, print } from "graphql";
import { DEFAULT_QUERY } from "../../src/server.ts";
import type { TestGateway } from "./fixture.ts";
import { startTestGateway } from "./fixture.ts";

/** The raw response: fetch would decode the body and hide its size on the wire. */
function page(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { accept: "text/html,application/xhtml+xml", ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on("error", reject);
    }).on("error", reject);
  });
}

describe("the GraphiQL page", () => {
  let gateway: TestGateway;
  before(async () => {
    gateway = await startTestGateway();
  });
  after(() => gateway.close());

  it("is sent brotli-compressed to a browser that accepts it, a quarter of its size, with a validator", async () => {
    const { status, headers, body } = await page(gateway.url, { "accept-encoding": "gzip, deflate, br, zstd" });
    assert.equal(status, 200);
    assert.equal(headers["content-encoding"], "br");
    assert.equal(headers["content-type"], "text/html; charset=utf-8");
    assert.equal(headers["cache-control"], "no-cache");
    // Beside Origin, which CORS adds now that local dev servers are allowed by default.
    assert.match(headers.vary ?? "", /(^|, )accept-encoding(,|$)/);
    assert.match(headers.etag ?? "", /^"[\w-]+-br"$/);
    const html = brotliDecompressSync(body);
    assert.match(html.toString(), /<title>WorkSpaces gateway<\/title>/);
    assert.ok(body.byteLength < html.byteLength / 4, `${body.byteLength} bytes on the wire for ${html.byteLength}`);
  });

  it("is sent gzip-compressed, or as it is, to a browser that accepts only that", async () => {
    const gzipped = await page(gateway.url, { "accept-encoding": "gzip" });
    assert.equal(gzipped.headers["content-encoding"], "gzip");
    assert.match(gunzipSync(gzipped.body).toString(), /<title>WorkSpaces gateway<\/title>/);
    const plain = await page(gateway.url, {});
    assert.equal(plain.headers["content-encoding"], undefined);
    assert.match(plain.body.toString(), /<title>WorkSpaces gateway<\/title>/);
    assert.notEqual(plain.headers.etag, gzipped.headers.etag);
  });

  it("is not sent again to a browser that has it (304 to its ETag)", async () => {
    const first = await page(gateway.url, { "accept-encoding": "br" });
    const again = await page(gateway.url, { "accept-encoding": "br", "if-none-match": first.headers.etag! });
    assert.equal(again.status, 304);
    assert.equal(again.body.byteLength, 0);
    assert.equal(again.headers.etag, first.headers.etag);
  });
});

describe("GraphiQL's default document", () => {
  it("is the console's main screen as docs/examples.md shows it", () => {
    const examples = readFileSync(new URL("../../docs/examples.md", import.meta.url), "utf8");
    const shown = /```graphql\n(query ConsoleMainScreen[\s\S]*?)```/.exec(examples)?.[1];
    assert.ok(shown, "docs/examples.md shows the main screen's document");
    assert.equal(print(parse(shown)), print(parse(DEFAULT_QUERY)));
  });
});
