// The AWS CLI for the tests. Each `aws` process spends about a second of CPU starting (a Python program importing
// botocore and every customization), so a file's commands run in one Python process through the CLI's own entry point
// (aws-cli.py), on each command's own arguments and environment; one `aws` process per command where the CLI's Python
// cannot import it (a frozen build, as AWS's own installer ships).
import { execFile, spawn } from "node:child_process";
import { accessSync, closeSync, constants, openSync, readSync, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";

/** `aws` on PATH, as scripts/test.mjs installs it (Debian's awscli) where it is missing. */
export const AWS = (process.env.PATH ?? "")
  .split(delimiter)
  .map((dir) => join(dir, "aws"))
  .find(executable);

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface AwsCli {
  /** `aws <args>` with exactly `env` as its environment. */
  run(args: readonly string[], env: Record<string, string | undefined>): Promise<CliResult>;
  close(): Promise<void>;
}

/** The Python `aws` runs on: its script's interpreter (Debian's, a virtualenv's), else python3 (as behind pyenv's shim). */
function interpreterOf(aws: string): string {
  const head = Buffer.alloc(256);
  const fd = openSync(realpathSync(aws), "r");
  try {
    readSync(fd, head);
  } finally {
    closeSync(fd);
  }
  const [, program = "", argument = ""] = /^#!\s*(\S+)[ \t]*(\S*)/.exec(head.toString("latin1")) ?? [];
  if (program.includes("python")) return program;
  if (program.endsWith("/env") && argument.includes("python")) return argument;
  return "python3";
}

function perProcess(aws: string): AwsCli {
  return {
    run: (args, env) =>
      new Promise((resolve) => {
        execFile(aws, args, { env }, (error, stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
        });
      }),
    close: async () => {},
  };
}

export async function startAwsCli(aws: string): Promise<AwsCli> {
  const child = spawn(interpreterOf(aws), [join(import.meta.dirname, "aws-cli.py")], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  // A write after the process ended fails here; the command's answer reports it.
  child.stdin.on("error", () => {});
  const ended = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    child.once("error", () => resolve());
  });
  const waiting: ((line: string | undefined) => void)[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.(line));
  void ended.then(() => {
    for (const waiter of waiting.splice(0)) waiter(undefined);
  });
  const next = () => new Promise<string | undefined>((resolve) => waiting.push(resolve));
  if ((await next()) === undefined) return perProcess(aws);
  return {
    async run(args, env) {
      const answer = next();
      child.stdin.write(`${JSON.stringify({ args, env })}\n`);
      const line = await answer;
      if (line === undefined) throw new Error(`the AWS CLI's Python process ended during aws ${args.join(" ")}: ${stderr}`);
      return JSON.parse(line) as CliResult;
    },
    async close() {
      child.stdin.end();
      await ended;
    },
  };
}
