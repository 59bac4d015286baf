// The security settings loadConfig checks at start-up: no open gateway in production unless asked, no production
// start on made-up data or a per-process cursor secret, /metrics no more open than the API, GraphiQL and introspection
// off in production by default, complete JWT settings, and numbers in range.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config.ts";

const KEY = "prod_key_5Vb8Nc2Mx7Lz1Qa4";
const KEYS = `${KEY}:read+write`;
/** Production as the README starts it, but for what a test is about. */
const PRODUCTION = { NODE_ENV: "production", WORKSPACES_BACKEND: "emulator", CURSOR_SECRET: "c".repeat(64) };
const JWT = {
  JWT_JWKS_URL: "https://issuer.example.com/.well-known/jwks.json",
  JWT_ISSUER: "https://issuer.example.com/",
  JWT_AUDIENCE: "workspaces-gateway",
};

describe("loadConfig: authentication in production", () => {
  it("refuses to start in production without API keys or a JWT issuer", () => {
    assert.throws(() => loadConfig({ NODE_ENV: "production" }), /NODE_ENV=production needs GATEWAY_API_KEYS or JWT_JWKS_URL/);
    assert.throws(() => loadConfig({ NODE_ENV: "production", GATEWAY_API_KEYS: "" }), /GATEWAY_ALLOW_OPEN/);
    assert.throws(() => loadConfig({ NODE_ENV: "production", GATEWAY_API_KEYS: " , " }), /GATEWAY_ALLOW_OPEN/);
    assert.throws(() => loadConfig({ NODE_ENV: "production", GATEWAY_ALLOW_OPEN: "false" }), /GATEWAY_ALLOW_OPEN/);
    assert.throws(() => loadConfig({ NODE_ENV: "production", GATEWAY_ALLOW_OPEN: "0" }), /GATEWAY_ALLOW_OPEN/);
  });

  it("starts open in production only with GATEWAY_ALLOW_OPEN=true (or 1)", () => {
    for (const value of ["true", "1"]) {
      const config = loadConfig({ ...PRODUCTION, GATEWAY_ALLOW_OPEN: value });
      assert.equal(config.production, true);
      assert.deepEqual(config.apiKeys, []);
      assert.equal(config.jwt, undefined);
    }
  });

  it("refuses a GATEWAY_ALLOW_OPEN that is not a boolean", () => {
    for (const value of ["yes", "TRUE", "on", " true"]) {
      assert.throws(
        () => loadConfig({ NODE_ENV: "production", GATEWAY_ALLOW_OPEN: value }),
        /GATEWAY_ALLOW_OPEN must be true or false/,
        value,
      );
    }
  });

  it("starts in production with API keys, or with a JWT issuer", () => {
    const withKeys = loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS });
    assert.equal(withKeys.apiKeys.length, 1);
    const withJwt = loadConfig({ ...PRODUCTION, ...JWT });
    assert.equal(withJwt.jwt?.jwksUrl, JWT.JWT_JWKS_URL);
  });

  it("runs open outside production, for local development", () => {
    const config = loadConfig({});
    assert.equal(config.production, false);
    assert.deepEqual(config.apiKeys, []);
    assert.equal(config.host, "127.0.0.1", "and listens on loopback only by default");
  });

  it("names a bad API key entry without showing the key", () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: "production", GATEWAY_API_KEYS: `${KEY}:read,${KEY}x:admin` }),
      (error: unknown) => error instanceof Error && /entry 2/.test(error.message) && !error.message.includes(KEY),
    );
    assert.throws(
      () => loadConfig({ GATEWAY_API_KEYS: "tooshort:read" }),
      (error: unknown) => error instanceof Error && !error.message.includes("tooshort"),
    );
  });
});

describe("loadConfig: GraphiQL and introspection", () => {
  it("turns both on outside production", () => {
    const config = loadConfig({});
    assert.equal(config.graphiql, true);
    assert.equal(config.introspection, true);
  });

  it("turns both off in production by default", () => {
    const config = loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS });
    assert.equal(config.graphiql, false);
    assert.equal(config.introspection, false);
  });

  it("lets GRAPHIQL=true and INTROSPECTION=true turn each back on in production, separately", () => {
    const graphiql = loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS, GRAPHIQL: "true" });
    assert.equal(graphiql.graphiql, true);
    assert.equal(graphiql.introspection, false);
    const introspection = loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS, INTROSPECTION: "1" });
    assert.equal(introspection.graphiql, false);
    assert.equal(introspection.introspection, true);
  });

  it("lets GRAPHIQL=false and INTROSPECTION=false turn them off in development", () => {
    const config = loadConfig({ GRAPHIQL: "false", INTROSPECTION: "0" });
    assert.equal(config.graphiql, false);
    assert.equal(config.introspection, false);
  });

  it("refuses flags that are not booleans", () => {
    assert.throws(() => loadConfig({ GRAPHIQL: "yes" }), /GRAPHIQL must be true or false/);
    assert.throws(() => loadConfig({ INTROSPECTION: "off" }), /INTROSPECTION/);
  });
});

describe("loadConfig: CORS origins", () => {
  it("reads the origins CORS_ORIGINS lists, comma-separated", () => {
    assert.deepEqual(loadConfig({ CORS_ORIGINS: "https://console.example.com, http://localhost:5173" }).cors.origins, [
      "https://console.example.com",
      "http://localhost:5173",
    ]);
    assert.deepEqual(loadConfig({}).cors.origins, []);
  });

  it("refuses an entry that is not an origin as a browser sends it, naming CORS_ORIGINS and the rule", () => {
    const rule = 'each must be http\\(s\\)://host\\[:port\\], with no path \\(not even "/"\\), as browsers send it in the Origin header';
    assert.throws(
      () => loadConfig({ CORS_ORIGINS: "example.com" }),
      new RegExp(`^Error: CORS_ORIGINS: "example\\.com" is not an origin: ${rule}$`),
    );
    assert.throws(
      () => loadConfig({ CORS_ORIGINS: "https://a.example/" }),
      new RegExp(`^Error: CORS_ORIGINS: "https://a\\.example/" is not an origin: ${rule} \\(here "https://a\\.example"\\)$`),
    );
    assert.throws(() => loadConfig({ CORS_ORIGINS: "https://a.example/app" }), /"https:\/\/a\.example\/app" is not an origin/);
    assert.throws(() => loadConfig({ CORS_ORIGINS: "https://A.example:443" }), /\(here "https:\/\/a\.example"\)$/);
  });

  it("allows http://localhost and http://127.0.0.1 origins outside production, unless CORS_ALLOW_LOCALHOST=false", () => {
    assert.equal(loadConfig({}).cors.localhost, true);
    assert.equal(loadConfig({ CORS_ALLOW_LOCALHOST: "false" }).cors.localhost, false);
    assert.equal(loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS }).cors.localhost, false);
    assert.equal(loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS, CORS_ALLOW_LOCALHOST: "true" }).cors.localhost, true);
  });

  it('refuses "*", saying why', () => {
    assert.throws(
      () => loadConfig({ CORS_ORIGINS: "https://console.example.com,*" }),
      /^Error: CORS_ORIGINS: "\*" is not accepted: list the origins of the frontends that call the gateway \(with "\*" any web page could call it/,
    );
  });
});

describe("loadConfig: JWT settings", () => {
  it("needs JWT_ISSUER and JWT_AUDIENCE with JWT_JWKS_URL", () => {
    assert.throws(() => loadConfig({ JWT_JWKS_URL: JWT.JWT_JWKS_URL }), /JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE/);
    assert.throws(() => loadConfig({ JWT_JWKS_URL: JWT.JWT_JWKS_URL, JWT_ISSUER: JWT.JWT_ISSUER }), /JWT_AUDIENCE/);
    assert.throws(() => loadConfig({ JWT_JWKS_URL: JWT.JWT_JWKS_URL, JWT_AUDIENCE: JWT.JWT_AUDIENCE }), /JWT_ISSUER/);
    assert.throws(() => loadConfig({ ...JWT, JWT_ISSUER: "" }), /JWT_ISSUER/);
  });

  it("needs JWT_JWKS_URL to be a URL", () => {
    assert.throws(() => loadConfig({ ...JWT, JWT_JWKS_URL: "not a url" }), /JWT_JWKS_URL must be a URL/);
  });

  it("reads the JWT settings, with the scope claim defaulting to `scope`", () => {
    const config = loadConfig({ ...JWT });
    assert.deepEqual(config.jwt, {
      jwksUrl: JWT.JWT_JWKS_URL,
      issuer: JWT.JWT_ISSUER,
      audience: JWT.JWT_AUDIENCE,
      scopeClaim: "scope",
      scopePrefix: "",
    });
    const custom = loadConfig({ ...JWT, JWT_SCOPE_CLAIM: "scp", JWT_SCOPE_PREFIX: "workspaces:" });
    assert.equal(custom.jwt?.scopeClaim, "scp");
    assert.equal(custom.jwt?.scopePrefix, "workspaces:");
  });

  it("configures no JWT without JWT_JWKS_URL, whatever else is set", () => {
    assert.equal(loadConfig({ JWT_ISSUER: "x", JWT_AUDIENCE: "y" }).jwt, undefined);
  });
});

describe("loadConfig: numbers", () => {
  it("reads the query limits, with defaults", () => {
    const { limits } = loadConfig({});
    assert.deepEqual(limits, {
      depth: 12,
      aliases: 20,
      tokens: 3_000,
      directives: 20,
      cost: 100,
      batch: 10,
      bodyBytes: 256 * 1024,
      fields: 1_000,
      fieldPairs: 2_000,
      listItems: 2_500,
    });
    const custom = loadConfig({ MAX_DEPTH: "5", MAX_COST: "500", MAX_BATCH: "1", MAX_BODY_BYTES: "1024", MAX_ALIASES: "0" });
    assert.equal(custom.limits.depth, 5);
    assert.equal(custom.limits.cost, 500);
    assert.equal(custom.limits.batch, 1);
    assert.equal(custom.limits.bodyBytes, 1024);
    assert.equal(custom.limits.aliases, 0);
    assert.equal(custom.limits.listItems, 500 * 25, "as many IDs as nodes(ids:) can look up within MAX_COST");
    assert.equal(loadConfig({ MAX_LIST_ITEMS: "100" }).limits.listItems, 100);
  });

  it("refuses numbers that are not integers, or out of range", () => {
    const bad: [string, string][] = [
      ["MAX_DEPTH", "0"],
      ["MAX_DEPTH", "1001"],
      ["MAX_DEPTH", "1.5"],
      ["MAX_DEPTH", "deep"],
      ["MAX_COST", "-1"],
      ["MAX_COST", "0"],
      ["MAX_COST", "NaN"],
      ["MAX_COST", "Infinity"],
      ["MAX_TOKENS", "0"],
      ["MAX_ALIASES", "-5"],
      ["MAX_BATCH", "0"],
      ["MAX_BODY_BYTES", String(100 * 1024 * 1024 + 1)],
      ["REQUEST_DEADLINE_MS", "0"],
      ["REQUEST_TIMEOUT_MS", "-100"],
      ["AWS_MAX_ATTEMPTS", "0"],
      ["AWS_MAX_ATTEMPTS", "21"],
      ["AWS_RATE_LIMIT", "-1"],
      ["AWS_RATE_LIMIT", "2.5"],
      ["SHUTDOWN_TIMEOUT_MS", "soon"],
      ["PORT", "65536"],
    ];
    for (const [name, value] of bad) {
      assert.throws(() => loadConfig({ [name]: value }), new RegExp(`^Error: ${name} must be an integer`), `${name}=${value}`);
    }
  });

  it("treats an empty number as unset", () => {
    assert.equal(loadConfig({ MAX_DEPTH: "" }).limits.depth, 12);
    assert.equal(loadConfig({ AWS_RATE_LIMIT: "" }).awsRateLimit, 50);
  });

  it("refuses an unknown log level", () => {
    assert.throws(() => loadConfig({ LOG_LEVEL: "verbose" }), /LOG_LEVEL must be one of/);
    assert.equal(loadConfig({ LOG_LEVEL: "silent" }).logLevel, "silent");
  });
});

describe("loadConfig: NODE_ENV and the cursor secret", () => {
  it("refuses a NODE_ENV other than production, development or test, naming the three", () => {
    for (const nodeEnv of ["prod", "Production", "staging"]) {
      assert.throws(() => loadConfig({ NODE_ENV: nodeEnv }), /NODE_ENV must be one of production, development, test, got "/);
    }
    for (const nodeEnv of ["development", "test", ""]) assert.equal(loadConfig({ NODE_ENV: nodeEnv }).production, false);
  });

  it("refuses production without CURSOR_SECRET, saying why and how to make one", () => {
    const { CURSOR_SECRET: _secret, ...production } = { ...PRODUCTION, GATEWAY_API_KEYS: KEYS };
    assert.throws(
      () => loadConfig(production),
      /^Error: NODE_ENV=production needs CURSOR_SECRET, the same on every instance, at least 32 bytes \(make one with: openssl rand -hex 32\)$/,
    );
    assert.match(loadConfig({}).cursorSecret, /^[0-9a-f]{64}$/, "outside production a process makes its own");
  });

  it("refuses in production a CURSOR_SECRET shorter than 32 bytes, which could be guessed", () => {
    const production = { ...PRODUCTION, GATEWAY_API_KEYS: KEYS };
    assert.throws(
      () => loadConfig({ ...production, CURSOR_SECRET: "s".repeat(31) }),
      /CURSOR_SECRET must be at least 32 bytes in production \(make one with: openssl rand -hex 32\)/,
    );
    assert.equal(loadConfig({ ...production, CURSOR_SECRET: "s".repeat(32) }).cursorSecret, "s".repeat(32));
    assert.equal(loadConfig({ CURSOR_SECRET: "short" }).cursorSecret, "short", "outside production a short secret is allowed");
  });
});

describe("loadConfig: the backend in production", () => {
  it("refuses production without WORKSPACES_BACKEND, naming both choices", () => {
    const { WORKSPACES_BACKEND: _backend, ...production } = { ...PRODUCTION, GATEWAY_API_KEYS: KEYS };
    assert.throws(
      () => loadConfig(production),
      /^Error: NODE_ENV=production needs WORKSPACES_BACKEND=aws \(or WORKSPACES_BACKEND=emulator, to serve the embedded emulator's invented WorkSpaces on purpose\)$/,
    );
    assert.equal(loadConfig({}).backend, "emulator", "outside production the emulator is the default");
  });

  it("runs the emulator in production only when WORKSPACES_BACKEND=emulator says so", () => {
    assert.equal(loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS }).backend, "emulator");
    assert.equal(loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS, WORKSPACES_BACKEND: "aws", AWS_REGION: "eu-west-1" }).backend, "aws");
  });
});

describe("loadConfig: /metrics", () => {
  it("is open on the API's port only for an open gateway outside production", () => {
    assert.deepEqual(loadConfig({}).metrics, { listener: undefined, onApiPort: "open" });
    assert.equal(loadConfig({ GATEWAY_API_KEYS: KEYS }).metrics.onApiPort, "off", "not with API keys");
    assert.equal(loadConfig({ ...JWT }).metrics.onApiPort, "off", "not with tokens");
    assert.equal(loadConfig({ ...PRODUCTION, GATEWAY_ALLOW_OPEN: "true" }).metrics.onApiPort, "off", "not in production");
  });

  it("has a listener of its own on METRICS_PORT, on loopback unless METRICS_HOST says otherwise", () => {
    const own = loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS, METRICS_PORT: "9464" }).metrics;
    assert.deepEqual(own, { listener: { port: 9464, host: "127.0.0.1" }, onApiPort: "off" });
    const anywhere = loadConfig({ METRICS_PORT: "9464", METRICS_HOST: "0.0.0.0" }).metrics;
    assert.deepEqual(anywhere, { listener: { port: 9464, host: "0.0.0.0" }, onApiPort: "off" }, "and then not on the API's port");
    assert.throws(() => loadConfig({ METRICS_HOST: "0.0.0.0" }), /^Error: METRICS_HOST needs METRICS_PORT/);
    assert.throws(() => loadConfig({ METRICS_PORT: "99999" }), /METRICS_PORT must be an integer from 0 to 65535/);
  });

  it("is served beside the API to a bearer of METRICS_TOKEN, at least 32 bytes", () => {
    const token = "m".repeat(32);
    assert.deepEqual(loadConfig({ ...PRODUCTION, GATEWAY_API_KEYS: KEYS, METRICS_TOKEN: token }).metrics, {
      listener: undefined,
      onApiPort: { token },
    });
    assert.throws(
      () => loadConfig({ METRICS_TOKEN: "short" }),
      /^Error: METRICS_TOKEN must be at least 32 bytes \(make one with: openssl rand -hex 32\)$/,
    );
  });
});
