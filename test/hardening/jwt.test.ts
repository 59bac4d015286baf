// Single sign-on: JWT bearer tokens verified against a real JWKS endpoint served over HTTP.
import assert from "node:assert/strict";
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import type { CryptoKey } from "jose";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { TestGateway } from "../gateway/fixture.ts";
import { settingsFrom, startTestGateway } from "../gateway/fixture.ts";

const ISSUER = "https://sso.example.com/";
const AUDIENCE = "workspaces-gateway";
const CREATE = `mutation { createWorkspaces(input: { workspaces: [{ directoryId: "d-906734e2f1", userName: "jwt-user", bundleId: "wsb-8vbljg4r6" }] }) {
  __typename } }`;

describe("JWT bearer tokens", () => {
  let gateway: TestGateway;
  let jwks: Server;
  let signingKey: CryptoKey;
  let strangerKey: CryptoKey;

  const token = (
    claims: Record<string, unknown>,
    options: { key?: CryptoKey; audience?: string; issuer?: string; expires?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "main" })
      .setSubject("alice@example.com")
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.expires ?? "5m")
      .sign(options.key ?? signingKey);

  const send = async (query: string, jwt: string) => {
    const response = await gateway.post({ query }, { authorization: `Bearer ${jwt}` });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
  };

  before(async () => {
    const pair = await generateKeyPair("RS256");
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair("RS256")).privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: "main", alg: "RS256", use: "sig" };
    jwks = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    gateway = await startTestGateway(
      {},
      settingsFrom({
        JWT_JWKS_URL: jwksUrl,
        JWT_ISSUER: ISSUER,
        JWT_AUDIENCE: AUDIENCE,
        JWT_SCOPE_CLAIM: "scope",
        JWT_SCOPE_PREFIX: "workspaces:",
      }),
    );
  });
  after(async () => {
    await gateway.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  it("accepts a valid token and grants the scopes its claim names", async () => {
    const reader = await token({ scope: "openid workspaces:read" });
    const query = await send("{ workspaces(first: 1) { edges { node { workspaceId } } } }", reader);
    assert.equal(query.status, 200);
    assert.equal(query.body.errors, undefined);
    const forbidden = await send(CREATE, reader);
    assert.equal(forbidden.body.errors?.[0]?.extensions?.code, "FORBIDDEN");
    const writer = await token({ scope: "workspaces:read workspaces:write" });
    assert.deepEqual((await send(CREATE, writer)).body, { data: { createWorkspaces: { __typename: "CreateWorkspacesPayload" } } });
  });

  it("answers 401 for a wrong audience, a wrong issuer, an expired token and a foreign signature", async () => {
    const claims = { scope: "workspaces:read" };
    const bad = [
      await token(claims, { audience: "someone-else" }),
      await token(claims, { issuer: "https://evil.example.com/" }),
      await token(claims, { expires: "-1m" }),
      await token(claims, { key: strangerKey }),
    ];
    for (const jwt of bad) {
      const { status, body } = await send("{ __typename }", jwt);
      assert.equal(status, 401);
      assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    }
  });

  it("answers 401 for a token without a subject", async () => {
    const anonymous = await new SignJWT({ scope: "workspaces:read" })
      .setProtectedHeader({ alg: "RS256", kid: "main" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(signingKey);
    assert.equal((await send("{ __typename }", anonymous)).status, 401);
  });

  it('answers 401 for a subject that is not a string: the number 12345 must not pass as the caller "12345"', async () => {
    for (const sub of [12345, ["alice"], ""]) {
      const odd = await new SignJWT({ scope: "workspaces:read", sub: sub as string })
        .setProtectedHeader({ alg: "RS256", kid: "main" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime("5m")
        .sign(signingKey);
      assert.equal((await send("{ __typename }", odd)).status, 401, `sub ${JSON.stringify(sub)}`);
    }
  });

  it("answers 401 for a token that never expires", async () => {
    const forever = await new SignJWT({ scope: "workspaces:read" })
      .setProtectedHeader({ alg: "RS256", kid: "main" })
      .setSubject("alice@example.com")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(signingKey);
    assert.equal((await send("{ __typename }", forever)).status, 401);
  });

  it("grants nothing for scopes without the prefix", async () => {
    const { body } = await send("{ workspaces(first: 1) { edges { cursor } } }", await token({ scope: "read write" }));
    assert.equal(body.errors?.[0]?.extensions?.code, "FORBIDDEN");
  });
});

describe("JWT bearer tokens while the issuer's key set is unreachable", () => {
  it("answers 503, not 401: the credentials cannot be checked, which says nothing against them", async () => {
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const jwksUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/.well-known/jwks.json`;
    await new Promise((resolve) => gone.close(resolve));
    const gateway = await startTestGateway({}, settingsFrom({ JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }));
    try {
      const { privateKey } = await generateKeyPair("RS256");
      const jwt = await new SignJWT({ scope: "read" })
        .setProtectedHeader({ alg: "RS256", kid: "main" })
        .setSubject("alice@example.com")
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime("5m")
        .sign(privateKey);
      const response = await gateway.post({ query: "{ __typename }" }, { authorization: `Bearer ${jwt}` });
      assert.equal(response.status, 503);
      assert.equal(
        ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code,
        "AUTHENTICATION_UNAVAILABLE",
      );
    } finally {
      await gateway.close();
    }
  });
});
