// A GraphQL subscription client over Server-Sent Events for the tests: fetch with `accept: text/event-stream` and a
// parser of the event stream, as a browser's EventSource or graphql-sse's client would read it.
import assert from "node:assert/strict";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import type { GraphQLResponse } from "./graphql.ts";

export interface SseMessage {
  event: string;
  data: string;
}

/** Splits the text received so far into complete messages and the incomplete rest; comments (pings) are dropped. */
export function parseSse(text: string): { messages: SseMessage[]; rest: string } {
  const blocks = text.split("\n\n");
  const rest = blocks.pop()!;
  const messages: SseMessage[] = [];
  for (const block of blocks) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      if (field === "data") data.push(value);
    }
    if (data.length > 0) messages.push({ event, data: data.join("\n") });
  }
  return { messages, rest };
}

export class SseSubscription<R> {
  private readonly messages: AsyncGenerator<SseMessage>;

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.messages = SseSubscription.read(response.body!);
  }

  /** Subscribes by POST (as graphql-sse's client does) or by GET with the query in the URL (as EventSource does). */
  static async open<R, V>(
    url: string,
    document: TypedDocumentNode<R, V>,
    variables: V,
    method: "POST" | "GET" = "POST",
    headers: Record<string, string> = {},
  ): Promise<SseSubscription<R>> {
    const abort = new AbortController();
    const query = print(document);
    const response =
      method === "POST"
        ? await fetch(url, {
            method,
            headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
            body: JSON.stringify({ query, variables }),
            signal: abort.signal,
          })
        : await fetch(`${url}?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`, {
            headers: { accept: "text/event-stream", ...headers },
            signal: abort.signal,
          });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    return new SseSubscription<R>(response, abort);
  }

  private static async *read(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of body) {
      const { messages, rest } = parseSse(buffered + decoder.decode(chunk, { stream: true }));
      buffered = rest;
      yield* messages;
    }
  }

  /** The next result, or "complete" once the server has ended the stream. */
  async next(): Promise<GraphQLResponse<R> | "complete"> {
    const { value, done } = await this.messages.next();
    assert.ok(!done, "the stream closed without a complete event");
    if (value.event === "complete") return "complete";
    assert.equal(value.event, "next");
    return JSON.parse(value.data) as GraphQLResponse<R>;
  }

  /** The data of the next result, which must have no errors. */
  async nextData(): Promise<R> {
    const result = await this.next();
    assert.notEqual(result, "complete", "the stream completed");
    const { data, errors } = result as GraphQLResponse<R>;
    assert.equal(errors, undefined, `unexpected errors: ${JSON.stringify(errors)}`);
    return data!;
  }

  /** Disconnects, as a client closing its EventSource does. */
  close(): void {
    this.abort.abort();
  }
}
