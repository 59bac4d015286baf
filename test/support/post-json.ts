// A JSON POST over node:http: its status and text. The bench keeps connections alive (as the AWS SDK does), so a timed
// request carries no more client overhead than a timed SDK call; a fuzz case takes a connection of its own.
import type { Agent } from "node:http";
import { request } from "node:http";

export interface PostOptions {
  agent: Agent | false;
  headers?: Record<string, string>;
  /** Gives up on a connection silent for this long. */
  timeoutMs?: number;
}

export function postJson(url: string, body: string, options: PostOptions): Promise<{ status: number; text: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        hostname,
        port,
        path: pathname,
        method: "POST",
        agent: options.agent,
        ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...options.headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
        response.on("error", reject);
      },
    );
    sent.on("timeout", () => sent.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    sent.on("error", reject);
    sent.end(body);
  });
}
