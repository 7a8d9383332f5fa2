// Shared by the gc tests: scratch stores, FIFO sync points (CAIRN_TEST_GC_SYNC_*), and client
// processes that use the store library as a builder, an installer or a copy would.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, expect } from "vitest";
import { CLI, REPO, cairn, cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { checkStore, runCairn, type VerifyJson } from "../helpers/checker.js";

export const DIST = path.join(REPO, "dist");

export function envOf(root: string, extra: Record<string, string | undefined> = {}) {
  return { CAIRN_ROOT: root, CAIRN_STORE_DIR: undefined, ...extra };
}

export function ok(root: string, args: string[], extra: Record<string, string | undefined> = {}): string {
  return cairnOk(args, { env: envOf(root, extra) });
}

export function run(root: string, args: string[], extra: Record<string, string | undefined> = {}) {
  return cairn(args, { env: envOf(root, extra) });
}

/** Add a small tree named `name` with `content`, return its store path. */
export function addTree(root: string, scratch: string, name: string, content: string): string {
  const d = path.join(scratch, "src", name);
  fs.mkdirSync(path.join(d, "sub"), { recursive: true });
  fs.writeFileSync(path.join(d, "a"), content);
  fs.writeFileSync(path.join(d, "sub", "b"), content + content);
  fs.symlinkSync("../a", path.join(d, "sub", "link"));
  return ok(root, ["add", d]).trim();
}

export function isValid(root: string, p: string): boolean {
  const r = run(root, ["path-info", "--json", p]);
  const arr = JSON.parse(r.out) as { valid?: boolean }[];
  return arr[0]!.valid !== false;
}

export function mkfifo(p: string): string {
  const r = spawnSync("mkfifo", [p]);
  if (r.status !== 0) throw new Error(`mkfifo ${p}: ${r.stderr}`);
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Wait until the gc reads the FIFO (it is paused at that sync point); returns a function that
 * lets it go on. Opening for writing without blocking succeeds only once a reader has it open.
 */
export async function reachSyncPoint(fifo: string, proc?: ChildProcess, timeoutMs = 60_000): Promise<() => void> {
  const t0 = Date.now();
  for (;;) {
    try {
      const fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      return () => fs.closeSync(fd);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENXIO") throw e;
    }
    if (proc !== undefined && proc.exitCode !== null) throw new Error("the gc exited before reaching its sync point");
    if (Date.now() - t0 > timeoutMs) throw new Error(`sync point ${fifo} not reached in ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Let the gc pass a sync point every time it reaches it, until it exits. */
export async function passAll(fifo: string, proc: ChildProcess): Promise<void> {
  while (proc.exitCode === null && proc.signalCode === null) {
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENXIO") throw e;
    }
    await sleep(5);
  }
}

export interface Spawned {
  proc: ChildProcess;
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; out: string; err: string }>;
  /** Resolves with the first stdout line matching `re`. */
  line(re: RegExp): Promise<string>;
}

export function spawnNode(args: string[], env: Record<string, string | undefined>): Spawned {
  const full: NodeJS.ProcessEnv = { ...process.env };
  delete full.CAIRN_CRASH_AT;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  const proc = spawn(process.execPath, args, { env: full, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  proc.stdout!.on("data", (b: Buffer) => {
    out += b.toString();
    for (const w of [...waiters]) {
      const m = out.split("\n").find((l) => w.re.test(l));
      if (m !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  proc.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  proc.stdin!.on("error", () => {});
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; out: string; err: string }>((resolve) =>
    proc.on("close", (status, signal) => resolve({ status, signal, out, err })),
  );
  return {
    proc,
    done,
    line: (re) =>
      new Promise((resolve, reject) => {
        const m = out.split("\n").find((l) => re.test(l));
        if (m !== undefined) return resolve(m);
        waiters.push({ re, resolve });
        void done.then((r) => reject(new Error(`process exited (${r.status ?? r.signal}) before printing ${re}: ${r.err}`)));
      }),
  };
}

export function spawnCairn(root: string, args: string[], extra: Record<string, string | undefined> = {}): Spawned {
  return spawnNode([CLI, ...args], envOf(root, extra));
}

/**
 * A client of the store library (a stand-in for the builder, `profile install` and `copy --from`,
 * which do not exist yet on this branch): runs `body` (module code with `store`, `Layout`, `fs`,
 * `path`, `lib` in scope), prints "ready", then waits for its stdin to close before closing the
 * store (which drops its temp roots) and exiting.
 */
export function spawnClient(root: string, scratch: string, body: string, extra: Record<string, string | undefined> = {}): Spawned {
  const file = path.join(scratch, `client-${Math.random().toString(36).slice(2)}.mjs`);
  fs.writeFileSync(
    file,
    `import fs from "node:fs";
import path from "node:path";
const lib = await import(${JSON.stringify(path.join(DIST, "store/index.js"))});
const { LocalStore, Layout } = lib;
const store = LocalStore.open(new Layout(process.env.CAIRN_ROOT, process.env.CAIRN_STORE_DIR || undefined));
${body}
console.log("ready");
if (process.env.T_WAIT !== "0") for await (const _ of process.stdin) { /* until EOF */ }
await store.close();
`,
  );
  return spawnNode([file], envOf(root, extra));
}

/** verify --check-contents finds no problem, and the independent checker no violation. */
export async function assertConsistent(root: string, storeDir?: string): Promise<VerifyJson> {
  const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env: envOf(root, { CAIRN_STORE_DIR: storeDir }) });
  const rep = JSON.parse(v.out) as VerifyJson;
  expect(rep.problems, JSON.stringify(rep.problems)).toEqual([]);
  expect(v.status, v.stderr).toBe(0);
  const c = await checkStore({ root, storeDir, verifyChecked: rep.checked, env: { CAIRN_STORE_DIR: storeDir } });
  expect(c.violations, c.violations.join("\n")).toEqual([]);
  return rep;
}

/** The paths a client printed as `paths [...]`, once it has exited successfully. */
async function printedPaths(c: Spawned): Promise<string[]> {
  const line = await c.line(/^paths /);
  const r = await c.done;
  if (r.status !== 0) throw new Error(r.err);
  return JSON.parse(line.slice(6)) as string[];
}

/**
 * Add text objects in order through the store library (as `instantiate` writes .drv files); each
 * spec's refs name earlier specs by index. Returns their paths.
 */
export async function addTexts(
  root: string,
  scratch: string,
  specs: { name: string; text: string; refs?: number[] }[],
  extra: Record<string, string | undefined> = {},
): Promise<string[]> {
  const c = spawnClient(
    root,
    scratch,
    `const specs = ${JSON.stringify(specs)};
const out = [];
for (const s of specs) {
  const refs = (s.refs ?? []).map((i) => out[i]);
  out.push(store.addText(s.name, s.text + " " + refs.join(" "), refs));
}
console.log("paths " + JSON.stringify(out));`,
    { T_WAIT: "0", ...extra },
  );
  return printedPaths(c);
}

/**
 * Add `count` small trees (a file, a subdirectory with a file and a relative symlink) through the
 * store library, in one client process. Returns their paths.
 */
export async function addTrees(root: string, scratch: string, prefix: string, count: number, extra: Record<string, string | undefined> = {}): Promise<string[]> {
  const c = spawnClient(
    root,
    scratch,
    `const out = [];
for (let i = 0; i < ${count}; i++) {
  const d = path.join(${JSON.stringify(path.join(scratch, "trees-src"))}, ${JSON.stringify(prefix)} + i);
  fs.mkdirSync(path.join(d, "sub"), { recursive: true });
  fs.writeFileSync(path.join(d, "a"), "a" + i);
  fs.writeFileSync(path.join(d, "sub", "b"), "b" + i);
  fs.symlinkSync("../a", path.join(d, "sub", "l"));
  out.push(store.addPath(d));
}
console.log("paths " + JSON.stringify(out));`,
    { T_WAIT: "0", ...extra },
  );
  return printedPaths(c);
}

/** A fresh scratch dir (and ROOT = scratch/root) for each test of the calling file; all removed at the end. */
export function scratchPerTest(prefix: string): { scratch: string; root: string } {
  const all: string[] = [];
  const cur = { scratch: "", root: "" };
  beforeEach(() => {
    cur.scratch = tmpDir(prefix);
    cur.root = path.join(cur.scratch, "root");
    all.push(cur.scratch);
  });
  afterAll(() => {
    for (const s of all) rmTree(s);
  });
  return cur;
}
