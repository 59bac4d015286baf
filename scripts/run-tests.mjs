// Runs groups of test files with node's test runner, each group after the other, its files in the order given (node
// --test sorts them by name). scripts/test.mjs starts it with --import tsx, which every test file's process inherits.
// Arguments: a JSON list of groups, each { concurrency, files }.
import { run } from "node:test";
import { spec } from "node:test/reporters";

for (const { concurrency, files } of JSON.parse(process.argv[2])) {
  if (files.length === 0) continue;
  const tests = run({ files, concurrency });
  tests.on("test:fail", () => {
    process.exitCode = 1;
  });
  for await (const line of tests.compose(spec)) process.stdout.write(line);
}
