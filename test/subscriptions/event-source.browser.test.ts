// A subscription from a real browser: Chromium's EventSource, as docs/clients.md shows it, against the gateway.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../browser.ts";
import type { TestGateway } from "../gateway/fixture.ts";
import { HOME, startTestGateway } from "../gateway/fixture.ts";
import { SeededPool, UNKNOWN_WORKSPACE } from "../mutations/helpers.ts";
import { TIMEOUT_MS } from "./helpers.ts";

describe("EventSource in Chromium", { timeout: TIMEOUT_MS }, () => {
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

  it("receives each WorkSpace's state, the not-found error, and the complete event that ends the stream", async () => {
    const workspace = (await SeededPool.load(gateway.client)).take();
    const page = await browser.newPage();
    await page.goto(`${gateway.origin}/health`);
    const events = await page.evaluate(
      async ({ endpoint, ids, region }) => {
        // docs/clients.md's example, collecting what arrives until the server completes the stream.
        const query = `subscription ($workspaces: [WorkspaceLocatorInput!]) {
        workspaceStateChanged(workspaces: $workspaces) {
          __typename
          ... on Workspace { workspaceId state }
          ... on Error { code message }
        }
      }`;
        const url = new URL(endpoint);
        url.searchParams.set("query", query);
        url.searchParams.set("variables", JSON.stringify({ workspaces: ids.map((workspaceId) => ({ workspaceId, region })) }));
        const received: unknown[] = [];
        await new Promise<void>((resolve) => {
          const source = new EventSource(url);
          source.addEventListener("next", (event) => {
            received.push(JSON.parse(event.data));
            if (received.length < 2) return;
            source.close();
            resolve();
          });
        });
        const completed = await new Promise((resolve) => {
          url.searchParams.set("variables", JSON.stringify({ workspaces: [{ workspaceId: ids[1], region }] }));
          const source = new EventSource(url);
          source.addEventListener("next", (event) => received.push(JSON.parse(event.data)));
          source.addEventListener("complete", () => {
            source.close();
            resolve(true);
          });
        });
        return { received, completed };
      },
      { endpoint: gateway.url, ids: [workspace.WorkspaceId!, UNKNOWN_WORKSPACE], region: HOME.region },
    );
    const notFound = {
      data: {
        workspaceStateChanged: {
          __typename: "WorkspaceNotFoundError",
          code: "NOT_FOUND",
          message: `AWS has no WorkSpace ${UNKNOWN_WORKSPACE}.`,
        },
      },
    };
    assert.deepEqual(events, {
      received: [
        { data: { workspaceStateChanged: { __typename: "Workspace", workspaceId: workspace.WorkspaceId, state: workspace.State } } },
        notFound,
        notFound,
      ],
      completed: true,
    });
    await page.close();
  });
});
