// `npm start` (the gateway) and `npm run emulator`: the compiled JavaScript in dist/ (`npm run build`) when it is there
// and no older than the TypeScript under src/, else that TypeScript through tsx, a dev dependency. A production install
// (`npm prune --omit=dev`) has no tsx, so there the build is what runs; a developer's edits run without a rebuild.
import { existsSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ENTRIES = new Set(["main", "emulator/cli"]);
const [entry] = process.argv.splice(2, 1);
if (!ENTRIES.has(entry)) {
  console.error(`Usage: node scripts/start.mjs <${[...ENTRIES].join("|")}> [arguments]`);
  process.exit(2);
}

const root = new URL("../", import.meta.url);
const compiled = new URL(`dist/${entry}.js`, root);
const sources = fileURLToPath(new URL("src/", root));

/** Whether a module can be imported from here (tsx is absent after `npm prune --omit=dev`). */
function installed(specifier) {
  try {
    import.meta.resolve(specifier);
    return true;
  } catch {
    return false;
  }
}

/** The latest change to any file under src/. */
function newestSource() {
  let newest = 0;
  for (const path of readdirSync(sources, { recursive: true })) newest = Math.max(newest, statSync(`${sources}${path}`).mtimeMs);
  return newest;
}

const tsx = installed("tsx/esm/api");
if (existsSync(compiled) && !(tsx && newestSource() > statSync(compiled).mtimeMs)) {
  await import(compiled.href);
} else if (tsx) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL(`src/${entry}.ts`, root).href);
} else {
  console.error(`${fileURLToPath(compiled)} is missing, and tsx is not installed to run the TypeScript: run npm run build first.`);
  process.exit(2);
}
