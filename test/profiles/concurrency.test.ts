// PR-1 (RELIABILITY.md §5): 8 concurrent installs into one profile all land, as 8 distinct
// generations, each made from the one before it, the last holding everything.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { runCairn } from "../helpers/checker.js";
import { currentGen, makeTree } from "./helpers.js";

let dir: string;
let env: Record<string, string>;
let base: string;
let pkgs: string[];

beforeAll(() => {
  dir = tmpDir("cairn-profile-conc-");
  env = { CAIRN_ROOT: path.join(dir, "root") };
  const trees = [makeTree(dir, "base-1.0", "base", "base"), ...Array.from({ length: 8 }, (_, i) => makeTree(dir, `c${i}-1.0`, `c${i}`, `c${i}`))];
  [base, ...pkgs] = cairnOk(["add", ...trees], { env }).trim().split("\n") as [string, ...string[]];
  cairnOk(["profile", "install", base], { env });
});
afterAll(() => rmTree(dir));

interface Hist {
  generation: number;
  parent: number | null;
  storePath: string;
  current: boolean;
  changes: { added: { name: string }[]; removed: unknown[]; changed: unknown[] };
}

describe("PR-1: concurrent installs into one profile", () => {
  it("8 at once: 8 new generations in a chain, none lost", async () => {
    const rs = await Promise.all(pkgs.map((p) => runCairn(["profile", "install", p], { env })));
    for (const r of rs) expect(r.status, r.stderr).toBe(0);
    const h = JSON.parse(cairnOk(["profile", "history", "--json"], { env })) as Hist[];
    expect(h.map((g) => g.generation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(h.map((g) => g.storePath)).size).toBe(9);
    for (const g of h.slice(1)) {
      // each made from the one before, adding exactly its own package
      expect(g.parent).toBe(g.generation - 1);
      expect(g.changes.added).toHaveLength(1);
      expect(g.changes.removed).toEqual([]);
    }
    expect(h.slice(1).map((g) => g.changes.added[0]!.name).sort()).toEqual(pkgs.map((_, i) => `c${i}`).sort());
    expect(currentGen(path.join(dir, "root/var/cairn/profiles/default"))).toBe(9);
    const l = JSON.parse(cairnOk(["profile", "list", "--json"], { env })) as { storePaths: string[] }[];
    expect(l.flatMap((e) => e.storePaths).sort()).toEqual([base, ...pkgs].sort());
    const v = cairn(["verify", "--all", "--check-contents", "--json"], { env });
    expect(JSON.parse(v.out).problems).toEqual([]);
  });

  it("a rollback racing installs is serialised with them", async () => {
    // Installs of new packages (a remove could find its package gone after the rollback, which
    // goes to a generation that depends on the order the 8 installs above landed in).
    const [d0, d1] = cairnOk(["add", makeTree(dir, "d0-1.0", "d0", "d0"), makeTree(dir, "d1-1.0", "d1", "d1")], { env }).trim().split("\n") as [string, string];
    const rs = await Promise.all([
      runCairn(["profile", "install", d0], { env }),
      runCairn(["profile", "rollback"], { env }),
      runCairn(["profile", "install", d1], { env }),
    ]);
    for (const r of rs) expect(r.status, r.stderr).toBe(0);
    const h = JSON.parse(cairnOk(["profile", "history", "--json"], { env })) as Hist[];
    expect(h.map((g) => g.generation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // every generation's parent existed when it was made, and the profile is on a real generation
    for (const g of h.slice(9)) expect(g.parent).not.toBeNull();
    expect(h.filter((g) => g.current)).toHaveLength(1);
  });

  it("two spellings of one profile (through a symlinked directory) share the lock", async () => {
    const real = path.join(dir, "real");
    fs.mkdirSync(real);
    fs.symlinkSync("real", path.join(dir, "alias"));
    const rs = await Promise.all(
      pkgs.slice(0, 6).map((p, i) => runCairn(["profile", "install", "--profile", path.join(dir, i % 2 ? "alias" : "real", "p"), p], { env })),
    );
    for (const r of rs) expect(r.status, r.stderr).toBe(0);
    const h = JSON.parse(cairnOk(["profile", "history", "--json", "--profile", path.join(real, "p")], { env })) as Hist[];
    expect(h.map((g) => [g.generation, g.parent])).toEqual([
      [1, null],
      [2, 1],
      [3, 2],
      [4, 3],
      [5, 4],
      [6, 5],
    ]);
  });
});
