// GATEWAY_API_KEYS: the formats accepted, errors that never show a key, matching a presented key to its principal,
// and the authenticator built on it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findApiKey, parseApiKeys } from "../../src/auth/api-keys.ts";
import { createAuthenticator } from "../../src/auth/authenticator.ts";
import { OPEN_ACCESS } from "../../src/auth/principal.ts";

const READER = "rk_live_7Qx2Lm9Pz4Wv8Ns1";
const WRITER = "wk_live_3Hd6Jt0Yc5Bq2Fg7";
const ADMIN = "ak_live_9Kp1Rs4Ue8Xo6Ti3";

const scopesOf = (principal: { scopes: ReadonlySet<string> } | undefined) => [...(principal?.scopes ?? [])].sort();

/** Asserts `spec` is refused with an error naming neither the spec nor any secret in it. */
function assertRefusedWithoutLeak(spec: string, secrets: string[], position: number) {
  assert.throws(
    () => parseApiKeys(spec),
    (error: unknown) => {
      assert.ok(error instanceof Error);
      for (const secret of secrets) {
        assert.ok(!error.message.includes(secret), `the error shows the key: ${error.message}`);
        assert.ok(!String(error.stack).includes(secret), "the stack shows the key");
      }
      assert.match(error.message, new RegExp(`entry ${position}\\b`));
      assert.match(error.message, /GATEWAY_API_KEYS/);
      return true;
    },
  );
}

describe("parseApiKeys", () => {
  it("reads nothing from an empty setting", () => {
    assert.deepEqual(parseApiKeys(""), []);
    assert.deepEqual(parseApiKeys(" , ,, "), []);
  });

  it("reads key:read, key:write and key:read+write", () => {
    const [reader, writer, both] = parseApiKeys(`${READER}:read,${WRITER}:write,${ADMIN}:read+write`);
    assert.deepEqual(scopesOf(reader?.principal), ["read"]);
    assert.deepEqual(scopesOf(writer?.principal), ["write"]);
    assert.deepEqual(scopesOf(both?.principal), ["read", "write"]);
    assert.deepEqual(scopesOf(parseApiKeys(`${ADMIN}:write+read`)[0]?.principal), ["read", "write"]);
    assert.deepEqual(scopesOf(parseApiKeys(`${ADMIN}:read+read`)[0]?.principal), ["read"]);
  });

  it("ignores whitespace around entries and empty entries", () => {
    const keys = parseApiKeys(`  ${READER}:read ,\n\t${WRITER}:read+write  ,, `);
    assert.equal(keys.length, 2);
    assert.ok(findApiKey(keys, READER));
    assert.deepEqual(scopesOf(findApiKey(keys, WRITER)), ["read", "write"]);
  });

  it("splits the scopes at the last colon, so a key may hold colons", () => {
    const key = "urn:gateway:key:0123456789";
    const keys = parseApiKeys(`${key}:write`);
    assert.deepEqual(scopesOf(findApiKey(keys, key)), ["write"]);
  });

  it("accepts a key of exactly 16 characters and refuses 15", () => {
    assert.equal(parseApiKeys("abcdefghijklmnop:read").length, 1);
    assertRefusedWithoutLeak("abcdefghijklmno:read", ["abcdefghijklmno"], 1);
  });

  it("refuses a short key, an unknown or empty scope, and a missing colon, naming the entry by position only", () => {
    assertRefusedWithoutLeak("s3cr3t-short:read", ["s3cr3t-short"], 1);
    assertRefusedWithoutLeak(`${READER}:read,${WRITER}:admin`, [READER, WRITER], 2);
    assertRefusedWithoutLeak(`${READER}:read+admin`, [READER], 1);
    assertRefusedWithoutLeak(`${READER}:`, [READER], 1);
    assertRefusedWithoutLeak(`${READER}:read+`, [READER], 1);
    assertRefusedWithoutLeak(`${READER}:READ`, [READER], 1);
    assertRefusedWithoutLeak(READER, [READER, READER.slice(0, -1)], 1);
    assertRefusedWithoutLeak(`${WRITER}:write, ${ADMIN}`, [WRITER, ADMIN, ADMIN.slice(0, -1)], 2);
    assertRefusedWithoutLeak(":read", [], 1);
    assertRefusedWithoutLeak(`${READER} read`, [READER], 1);
  });

  it("refuses a key listed twice, whatever its scopes", () => {
    assertRefusedWithoutLeak(`${READER}:read,${WRITER}:write,${READER}:read+write`, [READER, WRITER], 3);
  });
});

describe("findApiKey", () => {
  const keys = parseApiKeys(`${READER}:read,${WRITER}:write,${ADMIN}:read+write`);

  it("finds the principal of each configured key", () => {
    assert.deepEqual(scopesOf(findApiKey(keys, READER)), ["read"]);
    assert.deepEqual(scopesOf(findApiKey(keys, WRITER)), ["write"]);
    assert.deepEqual(scopesOf(findApiKey(keys, ADMIN)), ["read", "write"]);
    assert.equal(findApiKey(keys, READER), keys[0]!.principal);
    assert.equal(findApiKey(keys, ADMIN), keys[2]!.principal);
  });

  it("finds nothing for a wrong, partial, padded or differently cased key", () => {
    for (const presented of ["", "x", READER.slice(0, -1), `${READER}x`, ` ${READER}`, READER.toUpperCase(), `${READER}:read`]) {
      assert.equal(findApiKey(keys, presented), undefined, JSON.stringify(presented));
    }
    assert.equal(findApiKey([], READER), undefined);
  });

  it("names principals by a digest prefix that shows nothing of the key", () => {
    const ids = keys.map((key) => key.principal.id);
    assert.equal(new Set(ids).size, 3, "one ID per key");
    for (const id of ids) {
      assert.match(id, /^key:[0-9a-f]{12}$/);
      for (const secret of [READER, WRITER, ADMIN]) {
        assert.ok(!id.includes(secret) && !secret.includes(id.slice(4)), `${id} reveals a key`);
      }
    }
    assert.equal(parseApiKeys(`${READER}:write`)[0]!.principal.id, ids[0], "the ID depends on the key only");
  });

  it("keeps only a digest: the parsed keys hold no copy of the key", () => {
    const text = JSON.stringify(keys, (_k, v: unknown) => (v instanceof Set ? [...v] : v));
    for (const secret of [READER, WRITER, ADMIN]) assert.ok(!text.includes(secret));
    for (const key of keys) assert.equal(key.digest.length, 32);
  });
});

describe("createAuthenticator", () => {
  it("lets everyone in with every scope when nothing is configured", async () => {
    const open = createAuthenticator({ apiKeys: [], jwt: undefined });
    assert.equal(await open.authenticate(null), OPEN_ACCESS);
    assert.equal(await open.authenticate("Bearer anything"), OPEN_ACCESS);
  });

  it("takes a configured key from Authorization: Bearer, and nothing else", async () => {
    const keys = parseApiKeys(`${READER}:read,${WRITER}:read+write`);
    const auth = createAuthenticator({ apiKeys: keys, jwt: undefined });
    assert.deepEqual(scopesOf(await auth.authenticate(`Bearer ${READER}`)), ["read"]);
    assert.deepEqual(scopesOf(await auth.authenticate(`bearer ${WRITER}`)), ["read", "write"]);
    assert.deepEqual(scopesOf(await auth.authenticate(`BEARER   ${WRITER}`)), ["read", "write"]);
    for (const header of [
      null,
      "",
      READER,
      `Basic ${READER}`,
      `Bearer ${READER}x`,
      `Bearer ${READER} extra`,
      "Bearer ",
      `Token ${READER}`,
    ]) {
      assert.equal(await auth.authenticate(header), undefined, JSON.stringify(header));
    }
  });

  it("does not try a JWT when none is configured", async () => {
    const auth = createAuthenticator({ apiKeys: parseApiKeys(`${READER}:read`), jwt: undefined });
    assert.equal(await auth.authenticate("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), undefined);
  });
});
