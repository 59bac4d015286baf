// The layers hold, for every file under src/: each belongs to a layer, and a layer's value imports reach only the layers
// below it (type-only imports may cross, as they vanish at run time); the layers below the schema know nothing of
// GraphQL; only the process reads the configuration; what a client is told of errors is decided in src/error-codes.ts,
// which AWS access, the shared services and the watch do not know, and the HTTP plugins reach only through it and the
// schema's errors; and no value imports go round in a cycle. Tests and the bench share test/support/, which imports
// neither back; only the bench's own tests (test/bench/) import the bench.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

const ROOT = resolve(import.meta.dirname, "../..");

/** Bottom to top: what each layer holds, and which layers below it its value imports may reach. */
const LAYERS = [
  {
    name: "facts",
    holds: /^src\/(constraints|error-codes|metrics|fingerprint|logger|configuration-error)\.ts$/,
    reaches: [],
    graphql: false,
  },
  { name: "emulator", holds: /^src\/emulator\//, reaches: ["constraints"], graphql: false },
  { name: "auth", holds: /^src\/auth\//, reaches: ["facts"], graphql: false },
  { name: "aws", holds: /^src\/aws\//, reaches: ["facts"], graphql: false },
  { name: "shared", holds: /^src\/shared\//, reaches: ["facts", "aws"], graphql: false },
  { name: "watch", holds: /^src\/watch\//, reaches: ["facts", "aws", "shared"], graphql: false },
  { name: "schema", holds: /^src\/schema\//, reaches: ["facts", "auth", "aws", "shared", "watch"], graphql: true },
  { name: "http", holds: /^src\/http\//, reaches: ["facts", "auth", "aws", "shared", "watch", "schema"], graphql: true },
  {
    name: "process",
    holds: /^src\/(config|server|main|startup)\.ts$/,
    reaches: ["facts", "emulator", "auth", "aws", "shared", "watch", "schema", "http"],
    graphql: true,
  },
] as const;

/** Packages that are GraphQL, or serve it. */
const GRAPHQL = /^(graphql|graphql-yoga|@graphql-yoga\/.*|@pothos\/.*|@envelop\/.*|@escape\.tech\/.*|@apollo\/subgraph)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ts|mjs)$/.test(entry.name) ? [path] : [];
  });
}

interface Import {
  /** A package's name, or a path under the repository. */
  target: string;
  /** `import type`: gone at run time. */
  typeOnly: boolean;
}

/** Every module a file imports or re-exports (static or dynamic), resolved. */
function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const pattern = /(?:^|\s)(import|export)(\s+type)?\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)|^import\s+"([^"]+)"/gm;
  return [...text.matchAll(pattern)].map((m) => ({ target: targetOf(file, (m[3] ?? m[4] ?? m[5])!), typeOnly: Boolean(m[2]) }));
}

function targetOf(file: string, specifier: string): string {
  if (!specifier.startsWith(".")) return specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]!;
  return relative(ROOT, resolve(ROOT, file, "..", specifier));
}

function layerOf(file: string) {
  return LAYERS.find((layer) => layer.holds.test(file));
}

/** A target's layer name, or the file itself for the emulator's one allowed fact. */
function reachedAs(target: string): string | undefined {
  if (target === "src/constraints.ts") return "constraints";
  return layerOf(target)?.name;
}

const SOURCES = filesUnder("src");

describe("layers", () => {
  it("finds the imports it checks (the check itself works)", () => {
    const server = importsOf("src/server.ts");
    assert.ok(server.some((i) => i.target === "graphql-yoga" && !i.typeOnly));
    assert.ok(importsOf("src/aws/session.ts").some((i) => i.target === "src/aws/upstream.ts" && i.typeOnly));
    assert.equal(layerOf("src/schema/builder.ts")?.name, "schema");
    assert.ok(importsOf("src/error-codes.ts").some((i) => i.target === "src/aws/failure.ts" && i.typeOnly));
    assert.deepEqual(
      cyclesIn(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
      [["a", "b", "c"]],
    );
  });

  it("places every file under src/ in a layer", () => {
    assert.deepEqual(
      SOURCES.filter((file) => !layerOf(file)),
      [],
    );
  });

  it("lets each layer's value imports reach only the layers below it", () => {
    const crossings = SOURCES.flatMap((file) => {
      const layer = layerOf(file)!;
      return importsOf(file)
        .filter((i) => !i.typeOnly && i.target.startsWith("src/"))
        .filter((i) => layerOf(i.target)?.name !== layer.name)
        .filter((i) => {
          const reached = reachedAs(i.target);
          const below: readonly string[] = layer.reaches;
          return !reached || !(below.includes(reached) || (reached === "constraints" && below.includes("facts")));
        })
        .map((i) => `${file} (${layer.name}) imports ${i.target}`);
    });
    assert.deepEqual(crossings, []);
  });

  it("keeps GraphQL out of the emulator, auth, AWS access, the shared services and the watch", () => {
    const crossings = SOURCES.filter((file) => !layerOf(file)!.graphql).flatMap((file) =>
      importsOf(file)
        .filter((i) => GRAPHQL.test(i.target))
        .map((i) => `${file} imports ${i.target}`),
    );
    assert.deepEqual(crossings, []);
  });

  it("lets only the process read the configuration: each consumer owns its settings' type", () => {
    const readers = SOURCES.filter((file) => layerOf(file)!.name !== "process").flatMap((file) =>
      importsOf(file)
        .filter((i) => i.target === "src/config.ts")
        .map(() => file),
    );
    assert.deepEqual(readers, []);
  });

  it("keeps the client's error vocabulary out of AWS access, the shared services and the watch: they describe failures", () => {
    const knowing = SOURCES.filter((file) => ["aws", "shared", "watch"].includes(layerOf(file)!.name)).flatMap((file) =>
      importsOf(file)
        .filter((i) => i.target === "src/error-codes.ts")
        .map(() => file),
    );
    assert.deepEqual(knowing, []);
  });

  it("lets the HTTP plugins tell errors only as src/error-codes.ts does, never from the AWS failure model", () => {
    const readers = SOURCES.filter((file) => layerOf(file)!.name === "http").flatMap((file) =>
      importsOf(file)
        .filter((i) => i.target === "src/aws/failure.ts")
        .map(() => file),
    );
    assert.deepEqual(readers, []);
  });

  it("has no cycle of value imports", () => {
    const graph = new Map(
      SOURCES.map((file) => [file, importsOf(file).flatMap((i) => (!i.typeOnly && i.target.startsWith("src/") ? [i.target] : []))]),
    );
    assert.deepEqual(cyclesIn(graph), []);
  });

  it("shares test/support/ between the tests and the bench, importing neither back; only the bench's own tests (test/bench/) import the bench", () => {
    const crossings = [
      ...filesUnder("test/support").flatMap((file) =>
        importsOf(file)
          .filter((i) => /^(bench\/|test\/)/.test(i.target) && !i.target.startsWith("test/support/"))
          .map((i) => `${file} imports ${i.target}`),
      ),
      ...filesUnder("test")
        .filter((file) => !file.startsWith("test/bench/"))
        .flatMap((file) =>
          importsOf(file)
            .filter((i) => i.target.startsWith("bench/"))
            .map((i) => `${file} imports ${i.target}`),
        ),
      ...filesUnder("bench").flatMap((file) =>
        importsOf(file)
          .filter((i) => i.target.startsWith("test/") && !i.target.startsWith("test/support/"))
          .map((i) => `${file} imports ${i.target}`),
      ),
    ];
    assert.deepEqual(crossings, []);
  });
});

/** The strongly connected components of more than one file (Tarjan's), each sorted, for a readable failure. */
function cyclesIn(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
