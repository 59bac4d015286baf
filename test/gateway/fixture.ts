// A real gateway over HTTP on a real emulator, and a typed client for the documents codegen generated.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import type { GatewayConfig } from "../../src/config.ts";
import { loadConfig } from "../../src/config.ts";
import type { EmulatorSettings } from "../../src/emulator/index.ts";
import { startGateway } from "../../src/server.ts";
import type { RunningGateway } from "../../src/server.ts";

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface TestGateway extends RunningGateway {
  execute<R, V>(document: TypedDocumentNode<R, V>, variables?: V): Promise<GraphQLResponse<R>>;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Calls the emulator received, by operation, since the last reset. */
  awsCalls(): Promise<Record<string, number>>;
  resetAwsCalls(): Promise<void>;
}

export async function startTestGateway(
  emulator: Partial<EmulatorSettings> = {},
  overrides: Partial<GatewayConfig> = {},
): Promise<TestGateway> {
  const base = loadConfig({});
  const gateway = await startGateway({
    ...base,
    port: 0,
    ...overrides,
    emulator: { ...base.emulator, port: 0, workspaces: 60, ...emulator },
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const emulatorUrl = gateway.emulator!.url;
  return {
    ...gateway,
    post,
    async execute(document, variables) {
      const response = await post({ query: print(document), variables });
      return (await response.json()) as GraphQLResponse<never>;
    },
    async awsCalls() {
      const response = await fetch(`${emulatorUrl}/_emulator/stats`);
      return ((await response.json()) as { requests: Record<string, number> }).requests;
    },
    async resetAwsCalls() {
      await fetch(`${emulatorUrl}/_emulator/reset-stats`, { method: "POST" });
    },
  };
}
