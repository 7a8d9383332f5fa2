// End to end, through the real CLI with a fresh CAIRN_ROOT per suite: install (store paths and
// recipes), remove, upgrade, list, history, rollback, switch-generation, delete-generations in
// every spec form, conflicts and priorities, refusals that change nothing (RELIABILITY.md G-4),
// diff, diff-closures, env lines and `cairn shell`.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { addPkg, currentGen, fodRecipeLine, makeTree, snapshotDir, type Pkg } from "./helpers.js";

let dir: string;
let root: string;
let env: Record<string, string>;
let profilesDir: string;
let prof: string;
let hello: Pkg;
let tool: Pkg;
let clash: Pkg;

interface ListEntry {
  index: number;
  name: string;
  version: string;
  storePaths: string[];
  priority: number;
  origin?: { file: string; attr: string };
}
interface HistEntry {
  generation: number;
  parent: number | null;
  current: boolean;
  date: string;
  storePath: string;
  changes?: { added: { name: string }[]; removed: { name: string }[]; changed: { name: string; from: string[]; to: string[] }[] };
}

const list = (p = "default"): ListEntry[] => JSON.parse(cairnOk(["profile", "list", "--json", "--profile", p], { env })) as ListEntry[];
const hist = (p = "default"): HistEntry[] => JSON.parse(cairnOk(["profile", "history", "--json", "--profile", p], { env })) as HistEntry[];
const names = (p = "default") => list(p).map((e) => `${e.name}-${e.version}`);

/** Run a program through `profile env` in a clean shell. */
function runVia(profile: string, cmd: string): { status: number | null; out: string } {
  const lines = cairnOk(["profile", "env", "--profile", profile], { env });
  const r = spawnSync("/bin/sh", ["-c", `${lines}\n${cmd}`], { env: { PATH: "/usr/bin:/bin", HOME: dir } });
  return { status: r.status, out: r.stdout.toString() + r.stderr.toString() };
}

function verifyClean(): void {
  const v = cairn(["verify", "--all", "--check-contents", "--json"], { env });
  expect(v.status, v.stderr).toBe(0);
  expect((JSON.parse(v.out) as { problems: unknown[] }).problems).toEqual([]);
}

beforeAll(() => {
  dir = tmpDir("cairn-profiles-");
  root = path.join(dir, "root");
  env = { CAIRN_ROOT: root, XDG_CACHE_HOME: path.join(dir, "cache"), CAIRN_STORE_DIR: "" };
  delete (env as Record<string, string | undefined>).CAIRN_STORE_DIR;
  profilesDir = path.join(root, "var/cairn/profiles");
  prof = path.join(profilesDir, "default");
  hello = addPkg(env, dir, "hello-1.0", "hello", "hello-1.0");
  tool = addPkg(env, dir, "tool-2.0", "tool", "tool-2.0");
  clash = addPkg(env, dir, "clash-0.1", "hello", "clash-hello");
});
afterAll(() => rmTree(dir));

describe("profile install/remove/list/history/rollback/switch (store paths)", () => {
  it("installs, prints the diff before switching, and the programs run through profile env", () => {
    const r = cairn(["profile", "install", hello.storePath], { env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.out).toContain("Added packages:\n[A]  hello  1.0");
    expect(r.out).toMatch(/Closure size: 0 -> 2 /);
    cairnOk(["profile", "install", tool.storePath], { env });
    expect(names()).toEqual(["hello-1.0", "tool-2.0"]);
    expect(runVia("default", "hello && tool")).toEqual({ status: 0, out: "hello-1.0\ntool-2.0\n" });
    expect(currentGen(prof)).toBe(2);
    const h = hist();
    expect(h.map((g) => [g.generation, g.parent, g.current])).toEqual([
      [1, null, false],
      [2, 1, true],
    ]);
    expect(h[1]!.changes!.added.map((a) => a.name)).toEqual(["tool"]);
    expect(Date.parse(h[0]!.date)).toBeGreaterThan(Date.now() - 600_000);
    // the environment is a valid store object whose references are the packages
    const info = JSON.parse(cairnOk(["path-info", "--json", h[1]!.storePath], { env }))[0];
    expect(info.references).toEqual([hello.storePath, tool.storePath].sort());
    expect(info.ca).toMatch(/^fixed:r:sha256:/);
    verifyClean();
  });

  it("a file two packages provide is refused naming both; --priority resolves it", () => {
    const before = snapshotDir(profilesDir);
    const r = cairn(["profile", "install", clash.storePath], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cairn: profile install: 'bin\/hello' is provided by both 'clash-0.1' .* and 'hello-1.0' /m);
    expect(r.stderr.trim().split("\n").filter((l) => l.startsWith("cairn:"))).toHaveLength(1);
    expect(snapshotDir(profilesDir)).toEqual(before);
    cairnOk(["profile", "install", "--priority", "4", clash.storePath], { env });
    expect(runVia("default", "hello").out).toBe("clash-hello\n");
    expect(list().find((e) => e.name === "clash")!.priority).toBe(4);
    // and the other way round: hello wins when clash has the higher number
    cairnOk(["profile", "install", "--priority", "6", clash.storePath], { env });
    expect(runVia("default", "hello").out).toBe("hello-1.0\n");
    expect(hist().map((g) => g.generation)).toEqual([1, 2, 3, 4]);
  });

  it("remove by name and by index", () => {
    cairnOk(["profile", "remove", "clash"], { env });
    expect(names()).toEqual(["hello-1.0", "tool-2.0"]);
    const idx = list().find((e) => e.name === "tool")!.index;
    const r = cairn(["profile", "remove", String(idx)], { env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.out).toContain("Removed packages:\n[R]  tool  2.0");
    expect(names()).toEqual(["hello-1.0"]);
    expect(runVia("default", "tool").status).not.toBe(0);
    expect(cairn(["profile", "remove", "nonesuch"], { env }).stderr).toMatch(/^cairn: profile remove: 'nonesuch' matches nothing installed/);
  });

  it("rollback goes to the parent, not the next lower number; switch-generation goes anywhere", () => {
    // now: 1 (hello) 2 (+tool) 3 (+clash p4) 4 (clash p6) 5 (-clash) 6 (-tool), current 6
    expect(currentGen(prof)).toBe(6);
    cairnOk(["profile", "switch-generation", "2"], { env });
    expect(names()).toEqual(["hello-1.0", "tool-2.0"]);
    cairnOk(["profile", "install", clash.storePath, "--priority", "1"], { env }); // 7, made from 2
    expect(hist().find((g) => g.generation === 7)!.parent).toBe(2);
    const r = cairn(["profile", "rollback"], { env });
    expect(r.stderr).toContain("switching profile from version 7 to 2");
    expect(currentGen(prof)).toBe(2);
    cairnOk(["profile", "rollback"], { env });
    expect(currentGen(prof)).toBe(1);
    expect(names()).toEqual(["hello-1.0"]);
    expect(hist().filter((g) => g.current).map((g) => g.generation)).toEqual([1]);
  });

  it("refusals change nothing (G-4): rollback at the first, a missing generation, deleting the current one", () => {
    expect(currentGen(prof)).toBe(1);
    const before = snapshotDir(profilesDir);
    const cases: [string[], RegExp][] = [
      [["profile", "rollback"], /^cairn: profile rollback: generation 1 is the first one/],
      [["profile", "switch-generation", "999"], /^cairn: profile switch-generation: .* has no generation 999/],
      [["profile", "delete-generations", "1"], /^cairn: profile delete-generations: cannot delete generation 1: it is the current one/],
      [["profile", "delete-generations", "3", "1"], /current one/],
      [["profile", "delete-generations", "999"], /generation 999 does not exist/],
      [["profile", "delete-generations", "+0"], /keep at least one/],
      [["profile", "delete-generations", "soon"], /not a generation specification/],
      [["profile", "install", "/nonexistent/thing.ts"], /neither a store path nor a recipe file/],
      [["profile"], /^cairn: profile: expected a subcommand: install, remove/],
      [["profile", "frobnicate"], /^cairn: profile: unknown subcommand 'frobnicate'/],
      [["profile", "switch-generation", "two"], /'two' is not a generation number/],
      [["profile", "install", "--priority", "high", "/x"], /--priority 'high': expected an integer/],
    ];
    for (const [args, msg] of cases) {
      const r = cairn(args, { env });
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(msg);
      expect(snapshotDir(profilesDir), args.join(" ")).toEqual(before);
    }
  });

  it("diff: the current generation against its parent, or any two", () => {
    cairnOk(["profile", "switch-generation", "7"], { env });
    const d = cairnOk(["profile", "diff"], { env });
    expect(d).toContain("<<< generation 2: ");
    expect(d).toContain(">>> generation 7: ");
    expect(d).toContain("Added packages:\n[A]  clash  0.1");
    const j = JSON.parse(cairnOk(["profile", "diff", "1", "7", "--json"], { env }));
    expect(j.added.map((a: { name: string }) => a.name)).toEqual(["clash", "tool"]);
    expect(j.closure.before.paths).toBe(2);
    expect(j.closure.after.paths).toBe(4);
  });

  it("diff-closures A B", () => {
    const g1 = fs.readlinkSync(path.join(profilesDir, "default-1-link"));
    const r = cairnOk(["diff-closures", g1, path.join(profilesDir, "default-7-link")], { env });
    expect(r).toContain("clash: ∅ → 0.1");
    expect(r).toContain("tool: ∅ → 2.0");
    expect(r).not.toContain("hello:");
  });

  it("delete-generations: N…, +N, Nd and old", () => {
    // generations 1..7, current 7
    cairnOk(["profile", "delete-generations", "3", "4"], { env });
    expect(hist().map((g) => g.generation)).toEqual([1, 2, 5, 6, 7]);
    cairnOk(["profile", "delete-generations", "+3"], { env });
    expect(hist().map((g) => g.generation)).toEqual([5, 6, 7]);
    // every generation was made just now: nothing is older than 1 day
    cairnOk(["profile", "delete-generations", "1d"], { env });
    expect(hist().map((g) => g.generation)).toEqual([5, 6, 7]);
    // age generation 5 and 6 by their records and link times: 5 is 10 days old, 6 is 3 days old
    for (const [n, days] of [[5, 10], [6, 3]] as const) {
      const rec = path.join(profilesDir, `.default-${n}-link.json`);
      const j = JSON.parse(fs.readFileSync(rec, "utf8"));
      j.created -= days * 86400;
      fs.writeFileSync(rec, JSON.stringify(j));
    }
    // 2d: generation 6 (3 days) was the live one two days ago, so it stays; 5 goes
    cairnOk(["profile", "delete-generations", "2d"], { env });
    expect(hist().map((g) => g.generation)).toEqual([6, 7]);
    cairnOk(["profile", "delete-generations", "old"], { env });
    expect(hist().map((g) => [g.generation, g.current])).toEqual([[7, true]]);
    // 7 was made from 2, which is gone: a clear refusal, nothing changed
    const before = snapshotDir(profilesDir);
    const r = cairn(["profile", "rollback"], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cairn: profile rollback: generation 7 was made from generation 2, which has been deleted/);
    expect(snapshotDir(profilesDir)).toEqual(before);
    expect(names()).toEqual(["clash-0.1", "hello-1.0", "tool-2.0"]);
    verifyClean();
  });

  it("the same packages again: no generation and nothing written; an earlier environment is reused", () => {
    const p = "same";
    const pp = path.join(profilesDir, p);
    const storeDir = path.join(root, "store");
    cairnOk(["profile", "install", "--profile", p, hello.storePath], { env });
    const gen1 = fs.readlinkSync(path.join(profilesDir, `${p}-1-link`));
    const store1 = snapshotDir(storeDir);
    // installing what is installed: the manifest is unchanged, so is the environment, which is
    // not even written (a write would reach the crash point and be killed)
    const r = cairn(["profile", "install", "--profile", p, hello.storePath], { env: { ...env, CAIRN_CRASH_AT: "tree.entry:1" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("unchanged: no new generation");
    expect(currentGen(pp)).toBe(1);
    expect(snapshotDir(storeDir)).toEqual(store1);
    // install tool, remove it: the environment of generation 1 again (its staged copy dropped)
    cairnOk(["profile", "install", "--profile", p, tool.storePath], { env });
    const store2 = snapshotDir(storeDir);
    cairnOk(["profile", "remove", "--profile", p, "tool"], { env });
    expect(currentGen(pp)).toBe(3);
    expect(fs.readlinkSync(path.join(profilesDir, `${p}-3-link`))).toBe(gen1);
    expect(snapshotDir(storeDir)).toEqual(store2); // no new object, no temp tree left
    expect(hist(p).map((g) => [g.generation, g.parent])).toEqual([
      [1, null],
      [2, 1],
      [3, 2],
    ]);
    verifyClean();
  });

  it("a profile given as a path gets indirect GC roots beside the profiles dir", () => {
    const p = path.join(dir, "elsewhere", "myprof");
    cairnOk(["profile", "install", "--profile", p, hello.storePath], { env });
    expect(fs.readlinkSync(p)).toBe("myprof-1-link");
    const auto = path.join(root, "var/cairn/gcroots/auto");
    expect(fs.readdirSync(auto).map((n) => fs.readlinkSync(path.join(auto, n)))).toContain(path.join(dir, "elsewhere", "myprof-1-link"));
    expect(runVia(p, "hello").out).toBe("hello-1.0\n");
  });

  it("cairn shell runs with the packages on PATH and leaves every profile unchanged", () => {
    const before = snapshotDir(profilesDir);
    const r = cairn(["shell", tool.storePath, clash.storePath, "-c", "tool; hello"], { env: { ...env, SHELL: "/bin/sh" } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.out).toBe("tool-2.0\nclash-hello\n");
    expect(snapshotDir(profilesDir)).toEqual(before);
    const f = cairn(["shell", tool.storePath, "-c", "exit 3"], { env: { ...env, SHELL: "/bin/sh" } });
    expect(f.status).toBe(1);
    expect(f.stderr).toMatch(/^cairn: shell: \/bin\/sh exited with 3/);
  });
});

describe("profile install/upgrade from recipes", () => {
  let recipe: string;
  let p: string;
  let v1: string;
  let w1: string;
  beforeAll(() => {
    p = path.join(dir, "recprof");
    recipe = path.join(dir, "recipes", "tools.ts");
    fs.mkdirSync(path.dirname(recipe), { recursive: true });
    v1 = makeTree(dir, "greet-1.0", "greet", "greet-1.0");
    w1 = makeTree(dir, "wave-1.0", "wave", "wave-1.0");
    cairnOk(["add", v1, "--name", "greet-1.0"], { env });
    cairnOk(["add", w1, "--name", "wave-1.0"], { env });
    fs.writeFileSync(
      recipe,
      `import { derivation } from "cairn";\n` +
        fodRecipeLine(env, "greet", "greet-1.0", v1) +
        fodRecipeLine(env, "wave", "wave-1.0", w1) +
        `export const unbuilt = derivation({ name: "unbuilt-1.0", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo > $out"] });\n` +
        `export default { greet, wave };\n`,
    );
  });

  it("installs every derivation of the default export, recording recipe and attribute", () => {
    cairnOk(["profile", "install", "--profile", p, recipe], { env });
    const l = list(p);
    expect(l.map((e) => [e.name, e.version, e.origin])).toEqual([
      ["greet", "1.0", { file: recipe, attr: "greet" }],
      ["wave", "1.0", { file: recipe, attr: "wave" }],
    ]);
    expect(runVia(p, "greet; wave").out).toBe("greet-1.0\nwave-1.0\n");
  });

  it("-A selects; an output whose build fails is a clear error (exit 100) and changes nothing", () => {
    const before = snapshotDir(path.dirname(p));
    // Its builder, the host's /bin/sh, does not exist inside the sandbox.
    const r = cairn(["profile", "install", "--profile", p, recipe, "-A", "unbuilt"], { env });
    expect(r.status).toBe(100);
    expect(r.stderr).toMatch(/^cairn: profile install: builder for '.*-unbuilt-1\.0\.drv' failed/m);
    expect(snapshotDir(path.dirname(p))).toEqual(before);
  });

  it("upgrade re-evaluates the recorded recipe after it changed", () => {
    const v2 = makeTree(dir, "greet-1.1", "greet", "greet-1.1");
    cairnOk(["add", v2, "--name", "greet-1.1"], { env });
    const text = fs.readFileSync(recipe, "utf8").split("\n");
    const i = text.findIndex((l) => l.startsWith("export const greet ="));
    text[i] = fodRecipeLine(env, "greet", "greet-1.1", v2).trimEnd();
    fs.writeFileSync(recipe, text.join("\n"));
    const r = cairn(["profile", "upgrade", "--profile", p], { env });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("upgrading 'greet-1.0' to 'greet-1.1'");
    expect(r.out).toContain("Version changes:\n[U]  greet  1.0 -> 1.1");
    expect(runVia(p, "greet; wave").out).toBe("greet-1.1\nwave-1.0\n");
    expect(hist(p).map((g) => [g.generation, g.parent])).toEqual([
      [1, null],
      [2, 1],
    ]);
    // nothing changed since: no new generation
    const again = cairn(["profile", "upgrade", "--profile", p], { env });
    expect(again.stderr).toContain("nothing to upgrade");
    expect(hist(p)).toHaveLength(2);
    cairnOk(["profile", "rollback", "--profile", p], { env });
    expect(runVia(p, "greet").out).toBe("greet-1.0\n");
    verifyClean();
  });
});
