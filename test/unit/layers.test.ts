// The layers hold: src/emulator (a fake AWS), src/aws (the one wrapper that calls AWS) and src/cluster (what gateways
// share through Redis, behind src/aws's interfaces) return data and know nothing of GraphQL; only src/schema and above
// make GraphQL errors. A file that imports across the line fails here.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module a file imports (static or dynamic), as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/(?:^|\s)(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)/gm)].map((m) => (m[1] ?? m[2])!);
}

/** Where an import lands: a package's name, or a path under the repository. */
function targetOf(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
  return relative(ROOT, resolve(ROOT, file, "..", specifier));
}

/** Packages that are GraphQL, or serve it. */
const GRAPHQL = /^(graphql|graphql-yoga|@graphql-yoga\/.*|@pothos\/.*|@envelop\/.*|@escape\.tech\/.*|dataloader-graphql)$/;

function crossings(layer: string, forbidden: (target: string) => boolean): string[] {
  return sourceFiles(layer).flatMap((file) =>
    importsOf(file)
      .map((specifier) => targetOf(file, specifier))
      .filter(forbidden)
      .map((target) => `${file} imports ${target}`),
  );
}

describe("layers", () => {
  it("finds the imports it checks (the check itself works)", () => {
    assert.ok(importsOf("src/server.ts").includes("graphql-yoga"));
    assert.equal(targetOf("src/aws/session.ts", "./upstream.ts"), "src/aws/upstream.ts");
    assert.ok(crossings("src/schema", (target) => GRAPHQL.test(target)).length > 0, "the schema layer imports GraphQL");
  });

  it("src/aws imports neither GraphQL nor anything above it", () => {
    const above = /^src\/(cluster|schema|http|auth|server|main|config)/;
    assert.deepEqual(
      crossings("src/aws", (target) => GRAPHQL.test(target) || above.test(target)),
      [],
    );
  });

  it("src/cluster (state shared through Redis) builds on src/aws alone, and knows nothing of GraphQL", () => {
    const above = /^src\/(schema|http|auth|server|main|config)/;
    assert.deepEqual(
      crossings("src/cluster", (target) => GRAPHQL.test(target) || above.test(target)),
      [],
    );
  });

  it("src/emulator is usable alone: no GraphQL, and nothing of the gateway but the shared WorkSpaces facts", () => {
    assert.deepEqual(
      crossings(
        "src/emulator",
        (target) => GRAPHQL.test(target) || (target.startsWith("src/") && !/^src\/(emulator\/|constraints\.ts$)/.test(target)),
      ),
      [],
    );
  });
});
