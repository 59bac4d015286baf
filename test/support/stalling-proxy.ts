// An HTTP proxy in front of an endpoint (the emulator's STS) that can be told to hang: it then takes each request and
// never answers, as a proxy or an endpoint that accepts connections but is stuck would; told to pass, it forwards
// again. It says which actions (a query-protocol body's Action) it received, and when a client gave up a hung request.
import { EventEmitter, once } from "node:events";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export class StallingProxy extends EventEmitter {
  /** Whether requests are now held unanswered. */
  hanging = false;
  /** Every request's action, in arrival order. */
  readonly actions: string[] = [];
  /** Requests held unanswered whose client has closed the connection. */
  abandoned = 0;
  private readonly held = new Set<ServerResponse>();
  private readonly server: Server;
  private constructor(private readonly target: URL) {
    super();
    this.server = createServer((incoming, outgoing) => void this.serve(incoming, outgoing));
  }

  static async start(target: string): Promise<StallingProxy> {
    const proxy = new StallingProxy(new URL(target));
    proxy.server.listen(0, "127.0.0.1");
    await once(proxy.server, "listening");
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves at the next request of `action` received from now on. */
  next(action: string): Promise<void> {
    return new Promise((resolve) => {
      const seen = (received: string) => {
        if (received !== action) return;
        this.off("action", seen);
        resolve();
      };
      this.on("action", seen);
    });
  }

  async close(): Promise<void> {
    for (const response of this.held) response.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async serve(incoming: IncomingMessage, outgoing: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const action = new URLSearchParams(body.toString("utf8")).get("Action") ?? "";
    this.actions.push(action);
    this.emit("action", action);
    if (this.hanging) {
      this.held.add(outgoing);
      outgoing.on("close", () => {
        this.held.delete(outgoing);
        this.abandoned += 1;
        this.emit("abandoned");
      });
      return;
    }
    const forward = request(
      { host: this.target.hostname, port: this.target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    forward.end(body);
  }
}
