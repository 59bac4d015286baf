// Subscriptions in the multipart HTTP protocol Apollo Client's HttpLink speaks (Apollo Router's): a subscription asked
// with `Accept: multipart/mixed;subscriptionSpec=1.0` streams each event as a part `{"payload": <result>}` under the
// boundary "graphql", with an empty `{}` part every few seconds so that proxies do not close a quiet stream. yoga
// streams subscriptions over SSE only (multipart is its @defer format) and answered such clients 406.
import type { ExecutionResult } from "graphql";
import type { FetchAPI, Plugin } from "graphql-yoga";
import { isAsyncIterable, processRegularResult } from "graphql-yoga";

const SUBSCRIPTION_SPEC = /(?:^|,)\s*multipart\/mixed\s*;[^,]*subscriptionspec\s*=\s*"?1\.0"?/i;

/** Apollo Router's heartbeat. */
const HEARTBEAT_MS = 5_000;

function multipartStream(events: AsyncIterable<ExecutionResult>, fetchAPI: FetchAPI): Response {
  const encoder = new fetchAPI.TextEncoder();
  const part = (json: string) => encoder.encode(`\r\n--graphql\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${json}`);
  const iterator = events[Symbol.asyncIterator]();
  let heartbeat: NodeJS.Timeout | undefined;
  const stop = () => clearInterval(heartbeat);
  const body = new fetchAPI.ReadableStream<Uint8Array>({
    start(controller) {
      heartbeat = setInterval(() => controller.enqueue(part("{}")), HEARTBEAT_MS);
    },
    async pull(controller) {
      // A stream that fails ends its heartbeat, which would otherwise write to it still.
      const { done, value } = await iterator.next().catch((error: unknown) => {
        stop();
        throw error;
      });
      if (done) {
        stop();
        controller.enqueue(encoder.encode("\r\n--graphql--\r\n"));
        controller.close();
        return;
      }
      // Each event as yoga writes a JSON response: without its `http` extensions, meant for a response's status.
      const result = await processRegularResult(value, fetchAPI, "application/json").text();
      controller.enqueue(part(`{"payload":${result}}`));
    },
    async cancel() {
      stop();
      await iterator.return?.();
    },
  });
  return new fetchAPI.Response(body, {
    headers: { "content-type": 'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"', "cache-control": "no-cache" },
  });
}

export function useMultipartSubscriptions(): Plugin {
  return {
    // After yoga's own processors (its plugins come first): a client that accepts SSE as well gets SSE.
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      if (resultProcessor || !isAsyncIterable(result) || !SUBSCRIPTION_SPEC.test(request.headers.get("accept") ?? "")) return;
      setResultProcessor((events, fetchAPI) => multipartStream(events as AsyncIterable<ExecutionResult>, fetchAPI), "multipart/mixed");
    },
  };
}
