// GraphiQL in real headless Chromium (Debian's), driven by playwright-core: it opens, runs its default query, shows data.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../browser.ts";
import type { TestGateway } from "./fixture.ts";
import { startTestGateway } from "./fixture.ts";

describe("GraphiQL in Chromium", () => {
  let gateway: TestGateway;
  let browser: Browser;

  before(async () => {
    gateway = await startTestGateway();
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await gateway?.close();
  });

  it("opens with the console's main screen, runs it and shows WorkSpaces with their bundles, directories and connections", async () => {
    const page = await browser.newPage();
    const response = await page.goto(gateway.url, { waitUntil: "domcontentloaded" });
    assert.equal(response?.status(), 200);
    await page.getByText("query ConsoleMainScreen").first().waitFor({ timeout: 30_000 });
    // GraphiQL also POSTs its introspection query: wait for the answer to the main screen itself.
    const answered = page.waitForResponse(
      (r) => r.url() === gateway.url && (r.request().postData() ?? "").includes("query ConsoleMainScreen"),
    );
    await page.locator(".graphiql-execute-button").click();
    const body = (await (await answered).json()) as {
      data?: {
        workspaces: {
          edges: {
            node: {
              workspaceId: string;
              bundle: { computeType: { name: string } } | null;
              directory: { alias: string } | null;
              connectionStatus: { connectionState: string } | null;
            };
          }[];
        };
      };
      errors?: unknown;
    };
    assert.equal(body.errors, undefined);
    const nodes = body.data!.workspaces.edges.map((e) => e.node);
    assert.equal(nodes.length, 25);
    assert.ok(
      nodes.every(
        (n) =>
          /^ws-[0-9a-z]{9}$/.test(n.workspaceId) && n.bundle?.computeType.name && n.directory?.alias && n.connectionStatus?.connectionState,
      ),
    );
    const result = page.locator(".graphiql-response");
    await result.getByText(`"workspaceId": "${nodes[0]!.workspaceId}"`).waitFor({ timeout: 30_000 });
    await page.close();
  });
});
