// gc/remove.ts: the gc's deleting threads. The same jobs in worker threads and in the calling
// thread: entries leave their names (files unlinked, directories renamed into the trash), trees
// go without following a symlink out of them, failures come back after every entry is done; and
// a gc big enough to use the threads leaves exactly the live paths behind.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DeletePool, PARALLEL_FROM } from "../../gc/remove.js";
import { addTexts, addTrees, assertConsistent, isValid, ok, scratchPerTest } from "./helpers.js";

const dirs = scratchPerTest("cairn-gc-remove-");

/** A store-like dir: files, symlinks out to a sentinel, read-only trees holding such symlinks. */
function fill(dir: string, sentinel: string, n: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `e${i}`;
    const p = path.join(dir, name);
    if (i % 3 === 0) fs.writeFileSync(p, `file ${i}\n`);
    else if (i % 3 === 1) fs.symlinkSync(sentinel, p);
    else {
      fs.mkdirSync(path.join(p, "sub"), { recursive: true });
      fs.writeFileSync(path.join(p, "sub", "f"), `tree ${i}\n`);
      fs.symlinkSync(sentinel, path.join(p, "sub", "out")); // to the sentinel dir
      fs.symlinkSync(path.join(sentinel, "keep"), path.join(p, "file-out"));
      fs.chmodSync(path.join(p, "sub"), 0o555);
      fs.chmodSync(p, 0o555);
    }
    names.push(name);
  }
  return names;
}

describe("DeletePool", () => {
  for (const threads of [0, 3]) {
    it(`${threads === 0 ? "in the calling thread" : `on ${threads} threads`}: names, then trees, nothing outside`, async () => {
      const { scratch } = dirs;
      const sentinel = path.join(scratch, "sentinel");
      fs.mkdirSync(sentinel);
      fs.writeFileSync(path.join(sentinel, "keep"), "keep");
      const dir = path.join(scratch, "store");
      const trash = path.join(dir, ".trash");
      const names = fill(dir, sentinel, 100);
      fs.mkdirSync(trash);
      const pool = new DeletePool(threads);
      try {
        expect(pool.parallel).toBe(threads > 0);
        const trashed = await pool.unlinkOrTrash(dir, trash, [...names, "missing"], "t");
        // Every name is gone; the 33 directories wait in the trash under distinct names.
        expect(fs.readdirSync(dir)).toEqual([".trash"]);
        expect(trashed.length).toBe(33);
        expect(new Set(trashed).size).toBe(33);
        expect(fs.readdirSync(trash).sort()).toEqual(trashed.map((t) => path.basename(t)).sort());
        await pool.removeTrees([...trashed, path.join(trash, "missing")]);
        expect(fs.readdirSync(trash)).toEqual([]);
        expect(fs.readdirSync(sentinel)).toEqual(["keep"]);
        expect(fs.readFileSync(path.join(sentinel, "keep"), "utf8")).toBe("keep");
      } finally {
        await pool.close();
      }
    });
  }

  it("unlinkUnused removes the entries no other link shares, and only those", async () => {
    const { scratch } = dirs;
    const links = path.join(scratch, ".links");
    const other = path.join(scratch, "other");
    fs.mkdirSync(links);
    fs.mkdirSync(other);
    const names = Array.from({ length: 70 }, (_, i) => `h${i}`);
    for (const [i, n] of names.entries()) {
      fs.writeFileSync(path.join(links, n), n);
      if (i % 2 === 0) fs.linkSync(path.join(links, n), path.join(other, n)); // still shared
    }
    const pool = new DeletePool(2);
    try {
      await pool.unlinkUnused(links, [...names, "missing"]);
    } finally {
      await pool.close();
    }
    expect(fs.readdirSync(links).sort()).toEqual(names.filter((_, i) => i % 2 === 0).sort());
    expect(fs.readdirSync(other).length).toBe(35);
  });

  it("a failure is reported once every other entry is done", async () => {
    const { scratch } = dirs;
    const dir = path.join(scratch, "store");
    const names = Array.from({ length: 40 }, (_, i) => `f${i}`);
    fs.mkdirSync(dir);
    for (const n of names) fs.writeFileSync(path.join(dir, n), n);
    const pool = new DeletePool(2);
    try {
      // A name too long for the file system: unlink fails with ENAMETOOLONG, not ENOENT.
      const bad = "x".repeat(300);
      await expect(pool.unlinkOrTrash(dir, path.join(dir, ".trash"), [...names.slice(0, 20), bad, ...names.slice(20)], "t")).rejects.toThrow(
        /cannot delete '.*x{300}': ENAMETOOLONG/,
      );
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});

describe("a gc that deletes on threads", () => {
  it(`deletes ${PARALLEL_FROM + 44} dead paths (texts and trees) and keeps the live ones`, async () => {
    const { root, scratch } = dirs;
    const n = PARALLEL_FROM + 44;
    const specs = Array.from({ length: n - 40 }, (_, i) => ({ name: `t${i}`, text: `text ${i}`, refs: i > 0 && i % 2 === 0 ? [i - 1] : [] }));
    const texts = await addTexts(root, scratch, specs);
    // Trees (directories in the store, renamed into the trash and removed there).
    const trees = await addTrees(root, scratch, "tree", 40);
    const keep = [texts[10]!, texts[9]!, trees[0]!]; // texts[10] refers to texts[9]
    fs.mkdirSync(path.join(root, "var/cairn/gcroots"), { recursive: true });
    fs.symlinkSync(texts[10]!, path.join(root, "var/cairn/gcroots/t"));
    fs.symlinkSync(trees[0]!, path.join(root, "var/cairn/gcroots/tree"));
    const r = JSON.parse(ok(root, ["gc", "--json"])) as { deleted: string[]; bytesFreed: number };
    expect(r.deleted.length).toBe(n - keep.length);
    expect(new Set(r.deleted)).toEqual(new Set([...texts, ...trees].filter((p) => !keep.includes(p))));
    expect(r.bytesFreed).toBeGreaterThan(0);
    const left = fs.readdirSync(path.join(root, "store")).filter((x) => !x.startsWith("."));
    expect(left.sort()).toEqual(keep.map((p) => path.basename(p)).sort());
    expect(fs.readdirSync(path.join(root, "store/.trash"))).toEqual([]);
    expect(keep.every((p) => isValid(root, p))).toBe(true);
    await assertConsistent(root);
  }, 120_000);
});
