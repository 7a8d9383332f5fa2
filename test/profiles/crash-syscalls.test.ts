// CR-2 for profiles (RELIABILITY.md §5): strace kills `profile install`, `switch-generation` and
// `rollback` (SIGKILL injected) at the n-th rename, symlink, fsync, fdatasync, mkdir and unlink,
// n taken from a dry trace of the same operation (every n for the rare calls, a sample of the
// thousands of symlinks an environment is made of). After each kill the profile points at the old
// or the new generation, every generation link resolves to a valid path, and the store verifies.
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cairnOk, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";
import { runCairn, type VerifyJson } from "../helpers/checker.js";
import { Limiter } from "../helpers/proc.js";
import { currentGen, makeTree } from "./helpers.js";

const SYSCALLS = ["rename", "symlink", "fsync", "fdatasync", "mkdir", "unlink"];
const HAVE_STRACE = hasCommand("strace");

let dir: string;
let env: Record<string, string>;
let pkgs: string[] = [];
let next = 0;
let runNo = 0;
let tmpl1: string;
let tmpl2: string;
const stats = { runs: 0, killed: 0, dry: {} as Record<string, Record<string, number>> };
const limiter = new Limiter(2);

function fromTemplate(tmpl: string): string {
  const d = path.join(dir, "runs", String(runNo++));
  fs.mkdirSync(path.dirname(d), { recursive: true });
  fs.cpSync(tmpl, d, { recursive: true, verbatimSymlinks: true });
  return path.join(d, "p");
}

/** Run the CLI under strace; `inject` as "SYSCALL:N" kills it at that call. Returns the trace lines. */
function straced(args: string[], inject?: string): Promise<{ signal: string | null; status: number | null; trace: string[] }> {
  return limiter.run(
    () =>
      new Promise((resolve, reject) => {
        const out = path.join(dir, `trace-${runNo}-${Math.random().toString(36).slice(2)}`);
        const sargs = ["-f", "-qq", "-o", out, "-e", `trace=${SYSCALLS.join(",")}`];
        if (inject) {
          const [sc, n] = inject.split(":");
          sargs.push("-e", `inject=${sc}:signal=SIGKILL:when=${n}`);
        }
        const child = spawn("strace", [...sargs, process.execPath, CLI, ...args], { env: { ...process.env, ...env }, stdio: "ignore" });
        child.on("error", reject);
        child.on("close", (status, signal) => {
          const trace = fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n") : [];
          fs.rmSync(out, { force: true });
          // strace reports the tracee's death by signal as its own exit status 128+9 = 137
          resolve({ status, signal: signal ?? (status === 137 ? "SIGKILL" : null), trace });
        });
      }),
  );
}

/** How many times each traced syscall ran (successful or not) in a dry trace. */
function counts(trace: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of trace) {
    const mm = /^\d+\s+(\w+)\(/.exec(line);
    if (mm && SYSCALLS.includes(mm[1]!)) m.set(mm[1]!, (m.get(mm[1]!) ?? 0) + 1);
  }
  return m;
}

/** Every n for rare calls; for frequent ones (symlinks) first, second, middle and last. */
function points(n: number): number[] {
  if (n <= 20) return Array.from({ length: n }, (_, i) => i + 1);
  return [...new Set([1, 2, Math.floor(n / 2), n - 1, n])];
}

async function checkProfile(profile: string, allowed: number[]): Promise<void> {
  expect(allowed).toContain(currentGen(profile));
  const d = path.dirname(profile);
  const targets = fs
    .readdirSync(d)
    .filter((n) => /^p-\d+-link$/.test(n))
    .map((n) => fs.readlinkSync(path.join(d, n)));
  const r = await runCairn(["path-info", "--json", ...targets], { env });
  const infos = JSON.parse(r.out) as { path: string; valid?: boolean }[];
  for (const t of targets) expect(infos.find((i) => i.path === t && i.valid !== false), `generation link to ${t}`).toBeDefined();
}

async function verifyStore(): Promise<void> {
  const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env });
  expect((JSON.parse(v.out) as VerifyJson).problems).toEqual([]);
  expect(v.status, v.stderr).toBe(0);
}

beforeAll(() => {
  if (!HAVE_STRACE) return;
  dir = tmpDir("cairn-profile-strace-");
  env = { CAIRN_ROOT: path.join(dir, "root") };
  const trees = [makeTree(dir, "base-1.0", "base", "base"), makeTree(dir, "extra-1.0", "extra", "extra")];
  for (let i = 0; i < 80; i++) trees.push(makeTree(dir, `s${i}-1.0`, `s${i}`, `s${i}`));
  const paths = cairnOk(["add", ...trees], { env }).trim().split("\n");
  pkgs = paths.slice(2);
  tmpl1 = path.join(dir, "tmpl1");
  tmpl2 = path.join(dir, "tmpl2");
  cairnOk(["profile", "install", "--profile", path.join(tmpl1, "p"), paths[0]!], { env });
  cairnOk(["profile", "install", "--profile", path.join(tmpl2, "p"), paths[0]!], { env });
  cairnOk(["profile", "install", "--profile", path.join(tmpl2, "p"), paths[1]!], { env });
});
afterAll(() => {
  if (!HAVE_STRACE) return;
  console.log(`profile strace crash runs: ${JSON.stringify(stats)}`);
  rmTree(dir);
});

describe.skipIf(!HAVE_STRACE)("CR-2: SIGKILL at the n-th syscall", () => {
  it("install", async () => {
    const dry = await straced(["profile", "install", "--profile", fromTemplate(tmpl1), pkgs[next++]!]);
    expect(dry.status).toBe(0);
    const c = counts(dry.trace);
    stats.dry.install = Object.fromEntries(c);
    const jobs: Promise<void>[] = [];
    for (const [sc, n] of c) {
      for (const k of points(n)) {
        jobs.push(
          (async () => {
            const prof = fromTemplate(tmpl1);
            const r = await straced(["profile", "install", "--profile", prof, pkgs[next++]!], `${sc}:${k}`);
            stats.runs++;
            if (r.signal === "SIGKILL") stats.killed++;
            await checkProfile(prof, [1, 2]);
          })(),
        );
      }
    }
    await Promise.all(jobs);
    await verifyStore();
  }, 600_000);

  it("switch-generation and rollback", async () => {
    for (const args of [["profile", "switch-generation", "1"], ["profile", "rollback"]]) {
      const dry = await straced([...args, "--profile", fromTemplate(tmpl2)]);
      expect(dry.status).toBe(0);
      stats.dry[args[1]!] = Object.fromEntries(counts(dry.trace));
      for (const [sc, n] of counts(dry.trace)) {
        for (const k of points(n)) {
          const prof = fromTemplate(tmpl2);
          const r = await straced([...args, "--profile", prof], `${sc}:${k}`);
          stats.runs++;
          if (r.signal === "SIGKILL") stats.killed++;
          await checkProfile(prof, [1, 2]);
        }
      }
    }
    await verifyStore();
  }, 300_000);
});
