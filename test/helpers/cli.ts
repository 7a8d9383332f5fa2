// Runs the built CLI (dist/cli/main.js, made by `npm run build`, which `npm test` runs first)
// as a real process, and makes scratch directories.
import { spawnSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const CLI = path.join(REPO, "dist/cli/main.js");

export interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  out: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: Uint8Array | string;
  cwd?: string;
}

function mergedEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CAIRN_CRASH_AT;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function cairn(args: string[], opts: RunOptions = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: mergedEnv(opts.env),
    input: opts.input,
    cwd: opts.cwd,
    maxBuffer: 1 << 30,
  });
  if (r.error) throw r.error;
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr.toString(),
    out: r.stdout.toString(),
  };
}

/** Like cairn(), but throws with stderr unless the command succeeds. */
export function cairnOk(args: string[], opts: RunOptions = {}): string {
  const r = cairn(args, opts);
  if (r.status !== 0) throw new Error(`cairn ${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.out;
}

export function cairnSpawn(args: string[], opts: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: mergedEnv(opts.env), cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
}

export function tmpDir(prefix = "cairn-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Remove a scratch tree even where store objects made it read-only. */
export function rmTree(p: string): void {
  spawnSync("chmod", ["-R", "u+w", p]);
  fs.rmSync(p, { recursive: true, force: true });
}

export function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}
