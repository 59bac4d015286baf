// The SigV4 credential scope on the wire: the emulator verifies no signature, but it reads the region and key from
// the scope and refuses a malformed one as AWS does, in WorkSpaces' JSON and in STS's XML.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Harness } from "./fixture.ts";
import { DESIGN_DIRECTORY, DIRECTORIES, rawCall, startHarness } from "./fixture.ts";

let h: Harness;
before(async () => {
  h = await startHarness({ workspaces: 3, regions: ["us-east-1", "eu-west-1"] });
});
after(() => h.close());

const DATE = "20250101T000000Z";
const authorization = (credential: string, rest = ", SignedHeaders=host;x-amz-date, Signature=0123abcd") =>
  `AWS4-HMAC-SHA256 Credential=${credential}${rest}`;

function signed(auth: string, headers: Record<string, string> = { "x-amz-date": DATE }) {
  return rawCall(h.emulator.url, "WorkspacesService.DescribeWorkspaceDirectories", "{}", { authorization: auth, ...headers });
}

describe("WorkSpaces (AWS JSON)", () => {
  it("takes the region from the scope, whatever the signature", async () => {
    const east = await signed(authorization("test/20250101/us-east-1/workspaces/aws4_request"));
    assert.equal(east.status, 200);
    assert.deepEqual(
      east.body.Directories.map((d: { DirectoryId: string }) => d.DirectoryId),
      [DIRECTORIES.corp, DIRECTORIES.eng, DESIGN_DIRECTORY],
    );
    const west = await signed(authorization("test/20250101/eu-west-1/workspaces/aws4_request"));
    assert.equal(west.status, 200);
    assert.equal(west.body.Directories.length, 3);
    assert.ok(!west.body.Directories.some((d: { DirectoryId: string }) => d.DirectoryId === DIRECTORIES.corp));
  });

  const refused: [string, string, Record<string, string> | undefined, string, RegExp][] = [
    [
      "another algorithm",
      "AWS4-HMAC-SHA512 Credential=test/20250101/us-east-1/workspaces/aws4_request, SignedHeaders=host, Signature=00",
      undefined,
      "IncompleteSignatureException",
      /^Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'\.$/,
    ],
    [
      "no Signature",
      authorization("test/20250101/us-east-1/workspaces/aws4_request", ", SignedHeaders=host"),
      undefined,
      "IncompleteSignatureException",
      /^Authorization header requires 'Signature' parameter\. Authorization=AWS4-HMAC-SHA256 /,
    ],
    [
      "no date",
      authorization("test/20250101/us-east-1/workspaces/aws4_request"),
      {},
      "IncompleteSignatureException",
      /requires existence of either a 'X-Amz-Date' or a 'Date' header/,
    ],
    [
      "four elements in the scope",
      authorization("test/20250101/us-east-1/aws4_request"),
      undefined,
      "IncompleteSignatureException",
      /^Credential must have exactly 5 slash-delimited elements, e\.g\. keyid\/date\/region\/service\/term, got 'test\/20250101\/us-east-1\/aws4_request'$/,
    ],
    [
      "another terminator",
      authorization("test/20250101/us-east-1/workspaces/aws4_requests"),
      undefined,
      "InvalidSignatureException",
      /^Credential should be scoped with a valid terminator: 'aws4_request', not 'aws4_requests'\. $/,
    ],
    [
      "a scope date that is not the request's",
      authorization("test/20250102/us-east-1/workspaces/aws4_request"),
      undefined,
      "InvalidSignatureException",
      /^Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20250102' != '20250101'/,
    ],
    [
      "another service",
      authorization("test/20250101/us-east-1/sts/aws4_request"),
      undefined,
      "InvalidSignatureException",
      /^Credential should be scoped to correct service: 'workspaces'\. $/,
    ],
    [
      "a region not served",
      authorization("test/20250101/mars-north-1/workspaces/aws4_request"),
      undefined,
      "InvalidSignatureException",
      /^Credential should be scoped to a valid region, not 'mars-north-1'\. $/,
    ],
  ];
  for (const [name, auth, headers, type, message] of refused) {
    it(`refuses ${name} with ${type}`, async () => {
      const response = await signed(auth, headers);
      assert.equal(response.status, 400);
      assert.equal(response.contentType, "application/x-amz-json-1.1");
      assert.equal(response.body.__type, type);
      assert.match(response.body.message, message);
    });
  }

  it("counts a refused request in all, and under a partition only once its caller is known", async () => {
    h.emulator.resetStats();
    await signed(authorization("test/20250101/us-east-1/workspaces/aws4_requests"));
    await signed(authorization("test/20250101/mars-north-1/workspaces/aws4_request"));
    assert.deepEqual(h.emulator.stats(), {
      requests: { DescribeWorkspaceDirectories: 2 },
      partitions: { "123456789012/mars-north-1": { DescribeWorkspaceDirectories: 1 } },
      busiestSecond: { "123456789012/mars-north-1": 1 },
    });
  });
});

describe("STS (AWS Query)", () => {
  const post = async (auth: string) => {
    const response = await fetch(`${h.emulator.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: auth, "x-amz-date": DATE },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    return { status: response.status, body: await response.text() };
  };

  it("accepts any region STS is signed for: its keys work in every region", async () => {
    const response = await post(authorization("test/20250101/ap-south-1/sts/aws4_request"));
    assert.equal(response.status, 200);
    assert.match(response.body, /<Account>123456789012<\/Account>/);
  });

  it("refuses a scope for another service with SignatureDoesNotMatch, 403", async () => {
    const response = await post(authorization("test/20250101/us-east-1/workspaces/aws4_request"));
    assert.equal(response.status, 403);
    assert.match(
      response.body,
      /<Error><Type>Sender<\/Type><Code>SignatureDoesNotMatch<\/Code><Message>Credential should be scoped to correct service: &apos;sts&apos;\. <\/Message><\/Error>/,
    );
  });

  it("refuses a malformed scope with IncompleteSignature, 400", async () => {
    const response = await post(authorization("test/us-east-1/sts/aws4_request"));
    assert.equal(response.status, 400);
    assert.match(response.body, /<Code>IncompleteSignature<\/Code><Message>Credential must have exactly 5 slash-delimited elements/);
  });
});
