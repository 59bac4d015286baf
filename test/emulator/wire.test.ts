// The AWS JSON 1.1 wire protocol, spoken with raw fetch as an unsigned client would.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Harness } from "./fixture.ts";
import { rawCall, startHarness } from "./fixture.ts";

let h: Harness;
before(async () => {
  h = await startHarness({ workspaces: 30 });
});
after(() => h.close());

const TARGET = "WorkspacesService.";

function assertAwsError(
  response: { status: number; body: any; contentType: string | null },
  status: number,
  type: string,
  message?: RegExp,
) {
  assert.equal(response.status, status);
  assert.equal(response.contentType, "application/x-amz-json-1.1");
  assert.deepEqual(Object.keys(response.body).sort(), ["__type", "message"]);
  assert.equal(response.body.__type, type);
  assert.equal(typeof response.body.message, "string");
  assert.ok(response.body.message.length > 0);
  if (message) assert.match(response.body.message, message);
}

describe("wire protocol: valid calls", () => {
  it("answers an unsigned POST with the operation's JSON result", async () => {
    const response = await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaceDirectories`, "{}");
    assert.equal(response.status, 200);
    assert.equal(response.contentType, "application/x-amz-json-1.1");
    assert.match(response.requestId ?? "", /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      response.body.Directories.map((d: any) => d.DirectoryId),
      ["d-906734e2f1", "d-926722edaf", "wsd-3n9qkz7ht"],
    );
  });

  it("treats an empty body as an empty input", async () => {
    const response = await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, "");
    assert.equal(response.status, 200);
    assert.equal(response.body.Workspaces.length, 25);
    assert.equal(typeof response.body.NextToken, "string");
  });

  it("accepts a content type with parameters", async () => {
    const response = await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, '{"Limit":2}', {
      "content-type": "application/x-amz-json-1.1; charset=utf-8",
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.Workspaces.length, 2);
  });

  it("treats JSON null members as absent", async () => {
    const response = await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, '{"Limit":null,"NextToken":null,"DirectoryId":null}');
    assert.equal(response.status, 200);
    assert.equal(response.body.Workspaces.length, 25);
  });

  it("ignores members the model does not declare", async () => {
    const response = await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, '{"Limit":3,"Bogus":{"x":1}}');
    assert.equal(response.status, 200);
    assert.equal(response.body.Workspaces.length, 3);
  });
});

describe("wire protocol: refused calls", () => {
  it("answers an unknown X-Amz-Target with UnknownOperationException", async () => {
    const response = await rawCall(h.emulator.url, `${TARGET}TerminateEverything`, "{}");
    assertAwsError(response, 400, "UnknownOperationException", /TerminateEverything/);
  });

  it("answers a missing X-Amz-Target with UnknownOperationException", async () => {
    assertAwsError(await rawCall(h.emulator.url, undefined, "{}"), 400, "UnknownOperationException");
  });

  it("answers a known operation under another service's prefix with UnknownOperationException", async () => {
    assertAwsError(await rawCall(h.emulator.url, "DynamoDB_20120810.DescribeWorkspaces", "{}"), 400, "UnknownOperationException");
  });

  it("answers a malformed JSON body with SerializationException", async () => {
    assertAwsError(await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, '{"Limit": 5'), 400, "SerializationException");
  });

  for (const body of ["[]", "null", "42", '"DescribeWorkspaces"']) {
    it(`answers a body that is not a JSON object (${body}) with SerializationException`, async () => {
      assertAwsError(await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, body), 400, "SerializationException");
    });
  }

  it("answers a wrong content type with an error, and keeps serving", async () => {
    const response = await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, "{}", { "content-type": "application/json" });
    assertAwsError(response, 400, "UnknownOperationException", /Content-Type/);
    const next = await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, '{"Limit":1}');
    assert.equal(next.status, 200);
    assert.equal(next.body.Workspaces.length, 1);
  });

  const wrongTypes: [string, string, RegExp][] = [
    ["DescribeWorkspaces", '{"Limit":"x"}', /Limit: expected an integer, got string/],
    ["DescribeWorkspaces", '{"Limit":2.5}', /Limit: expected an integer/],
    ["DescribeWorkspaces", '{"WorkspaceIds":"ws-abcdefgh1"}', /WorkspaceIds: expected a list, got string/],
    ["DescribeWorkspaces", '{"WorkspaceIds":[42]}', /WorkspaceIds\[0\]: expected a string, got number/],
    ["DescribeWorkspaces", '{"WorkspaceIds":[null]}', /WorkspaceIds\[0\]/],
    ["DescribeWorkspaces", '{"DirectoryId":{"id":"d-906734e2f1"}}', /DirectoryId: expected a string, got object/],
    ["DescribeWorkspaceBundles", '{"BundleIds":{}}', /BundleIds: expected a list, got object/],
    ["DescribeWorkspaceDirectories", '{"Limit":true}', /Limit: expected an integer, got boolean/],
    ["CreateWorkspaces", '{"Workspaces":{}}', /Workspaces: expected a list, got object/],
    ["CreateWorkspaces", '{"Workspaces":[null]}', /Workspaces\[0\]/],
    ["CreateWorkspaces", '{"Workspaces":["ws"]}', /Workspaces\[0\]: expected an object, got string/],
    ["CreateWorkspaces", '{"Workspaces":[{"UserName":7}]}', /Workspaces\[0\]\.UserName: expected a string, got number/],
    ["CreateWorkspaces", '{"Workspaces":[{"RootVolumeEncryptionEnabled":"true"}]}', /RootVolumeEncryptionEnabled: expected a boolean/],
    ["CreateWorkspaces", '{"Workspaces":[{"Tags":[{"Key":1}]}]}', /Workspaces\[0\]\.Tags\[0\]\.Key: expected a string/],
    ["CreateWorkspaces", '{"Workspaces":[{"Tags":[null]}]}', /Workspaces\[0\]\.Tags\[0\]/],
    [
      "ModifyWorkspaceProperties",
      '{"WorkspaceId":"ws-abcdefgh1","WorkspaceProperties":[]}',
      /WorkspaceProperties: expected an object, got array/,
    ],
    [
      "ModifyWorkspaceProperties",
      '{"WorkspaceId":"ws-abcdefgh1","WorkspaceProperties":{"RootVolumeSizeGib":"175"}}',
      /WorkspaceProperties\.RootVolumeSizeGib: expected an integer, got string/,
    ],
  ];
  for (const [operation, body, message] of wrongTypes) {
    it(`answers ${operation} ${body} with SerializationException`, async () => {
      assertAwsError(await rawCall(h.emulator.url, `${TARGET}${operation}`, body), 400, "SerializationException", message);
    });
  }

  it("answers a wrong member type before any side effect (nothing is created)", async () => {
    const size = h.emulator.world.workspaces.size;
    const body = JSON.stringify({
      Workspaces: [{ DirectoryId: "d-906734e2f1", UserName: "wire-typed", BundleId: "wsb-clj85qzj1", UserVolumeEncryptionEnabled: "no" }],
    });
    assertAwsError(await rawCall(h.emulator.url, `${TARGET}CreateWorkspaces`, body), 400, "SerializationException");
    assert.equal(h.emulator.world.workspaces.size, size);
  });

  for (const [method, path] of [
    ["GET", "/"],
    ["PUT", "/"],
    ["DELETE", "/"],
    ["POST", "/elsewhere"],
    ["GET", "/_emulator/nothing"],
  ] as const) {
    it(`answers ${method} ${path} with an error in AWS's shape`, async () => {
      const response = await fetch(`${h.emulator.url}${path}`, {
        method,
        headers: { "x-amz-target": `${TARGET}DescribeWorkspaces`, "content-type": "application/x-amz-json-1.1" },
        ...(method === "GET" ? {} : { body: "{}" }),
      });
      const body = await response.json();
      assertAwsError(
        { status: response.status, body, contentType: response.headers.get("content-type") },
        404,
        "UnknownOperationException",
      );
    });
  }

  it("answers a body over 4 MiB with 413 SerializationException, not a reset connection", async () => {
    const body = JSON.stringify({ NextToken: "x".repeat(5 * 1024 * 1024) });
    assertAwsError(await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, body), 413, "SerializationException", /too large/);
    assert.equal((await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, '{"Limit":1}')).status, 200);
  });

  it("survives a client that hangs up mid-request", async () => {
    const controller = new AbortController();
    const pending = fetch(`${h.emulator.url}/`, {
      method: "POST",
      headers: { "x-amz-target": `${TARGET}DescribeWorkspaces`, "content-type": "application/x-amz-json-1.1" },
      body: new ReadableStream({
        start(stream) {
          stream.enqueue(new TextEncoder().encode('{"Limit":'));
          setTimeout(() => controller.abort(), 20);
        },
      }),
      duplex: "half",
      signal: controller.signal,
    } as RequestInit);
    await assert.rejects(pending);
    assert.equal((await rawCall(h.emulator.url, `${TARGET}DescribeWorkspaces`, '{"Limit":1}')).status, 200);
  });
});
