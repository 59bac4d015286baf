// A gateway whose network path to AWS loses answers: the request reaches AWS (the emulator applies it), but the
// answer of each call `loses` picks never comes back, as a reset connection after a write would do.
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import type { GatewayConfig } from "../../src/config.ts";
import { loadConfig } from "../../src/config.ts";
import type { RunningGateway } from "../../src/server.ts";
import { startGateway } from "../../src/server.ts";
import { restoreAwsEnvironment, useAwsEnvironment } from "../gateway/fixture.ts";

export interface LossyGateway {
  gateway: RunningGateway;
  close(): Promise<void>;
}

/** `loses` gets each call's operation (CreateWorkspaces, ...) and says whether its answer is lost; `settings` override the defaults. */
export async function startGatewayWithLossyNetwork(
  emulatorUrl: string,
  loses: (operation: string) => boolean,
  settings: Partial<GatewayConfig> = {},
): Promise<LossyGateway> {
  const upstream = new URL(emulatorUrl);
  const proxy = createServer((incoming, outgoing) => {
    const operation =
      String(incoming.headers["x-amz-target"] ?? "")
        .split(".")
        .at(-1) ?? "";
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        if (loses(operation)) {
          answer.resume();
          answer.on("end", () => outgoing.socket?.destroy());
          return;
        }
        outgoing.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  useAwsEnvironment(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  const gateway = await startGateway({
    ...loadConfig({ WORKSPACES_BACKEND: "aws", AWS_REGION: "us-east-1" }),
    port: 0,
    logLevel: "silent",
    ...settings,
  });
  return {
    gateway,
    async close() {
      await gateway.close();
      restoreAwsEnvironment();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
