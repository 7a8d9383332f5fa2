// store/add-tree.ts, which user environments are written with: the path is Nix's source path with
// references, the object is valid with those references, adding twice is a no-op, and a reference
// that is not valid is refused before anything is written. Real LMDB and files, in-process.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../../store/layout.js";
import { LocalStore } from "../../store/local-store.js";
import { addTree, commitTree, hashTree, stageTree } from "../../store/add-tree.js";
import { isCairnError, memTree } from "../../store/format/index.js";
import { rmTree, tmpDir } from "../helpers/cli.js";
import { narDigest, sourcePath } from "../helpers/checker.js";

let dir: string;
let store: LocalStore;
let dep: string;

beforeAll(() => {
  dir = tmpDir("cairn-add-tree-");
  store = LocalStore.open(new Layout(path.join(dir, "root")));
  dep = store.addText("dep", "a dependency\n");
});
afterAll(async () => {
  await store.close();
  rmTree(dir);
});

const tree = (target: string) =>
  memTree({
    type: "directory",
    entries: {
      bin: { type: "directory", entries: { x: { type: "symlink", target: `${target}/bin/x` } } },
      "manifest.json": { type: "regular", contents: "{}\n" },
      run: { type: "regular", executable: true, contents: "#!/bin/sh\n" },
    },
  });

describe("addTree", () => {
  it("registers a source path with references, as Nix computes it", async () => {
    const t = hashTree(store, "user-environment", tree(dep), [dep]);
    expect(await addTree(store, t, tree(dep))).toBe(t.path);
    const info = store.queryPathInfo(t.path)!;
    expect(info.references).toEqual([dep]);
    const real = store.realPath(t.path);
    const d = narDigest(real);
    expect(sourcePath(store.storeDir, "user-environment", d.sha256, [dep])).toBe(t.path);
    expect(info.narSize).toBe(d.size);
    expect(fs.readlinkSync(path.join(real, "bin/x"))).toBe(`${dep}/bin/x`);
    expect(fs.statSync(path.join(real, "run")).mode & 0o777).toBe(0o555);
    expect(fs.lstatSync(path.join(real, "bin")).mtimeMs).toBe(1000);
    // again: already valid, nothing written
    expect(await addTree(store, t, tree(dep))).toBe(t.path);
  });

  it("refuses a reference that is not valid, writing nothing", async () => {
    const bogus = `${store.storeDir}/${"0".repeat(32)}-missing`;
    const t = hashTree(store, "user-environment", tree(bogus), [bogus]);
    const before = fs.readdirSync(store.layout.realStoreDir).sort();
    let e: unknown;
    try {
      await addTree(store, t, tree(bogus));
    } catch (x) {
      e = x;
    }
    expect(isCairnError(e, "E_BAD_REFERENCE")).toBe(true);
    expect(fs.readdirSync(store.layout.realStoreDir).sort()).toEqual(before);
    expect(store.isValidPath(t.path)).toBe(false);
  });

  it("a tree staged before it is hashed: committed, or dropped when already valid or refused", async () => {
    const names = () => fs.readdirSync(store.layout.realStoreDir).sort();
    const before = names();
    const mt = (x: string) =>
      memTree({ type: "directory", entries: { x: { type: "symlink", target: `${dep}/${x}` }, "m.json": { type: "regular", contents: x } } });
    // staged, then hashed while its sync runs, then committed
    const staged = stageTree(store, mt("a"));
    expect(fs.readlinkSync(path.join(staged.tmp, "x"))).toBe(`${dep}/a`);
    const t = hashTree(store, "env", mt("a"), [dep]);
    expect(await commitTree(store, t, staged)).toBe(t.path);
    expect(store.queryPathInfo(t.path)!.references).toEqual([dep]);
    expect(sourcePath(store.storeDir, "env", narDigest(store.realPath(t.path)).sha256, [dep])).toBe(t.path);
    expect(fs.existsSync(staged.tmp)).toBe(false);
    // the same tree again: the staged copy goes, the valid object stays
    const again = stageTree(store, mt("a"));
    expect(fs.existsSync(again.tmp)).toBe(true);
    expect(await commitTree(store, t, again)).toBe(t.path);
    expect(fs.existsSync(again.tmp)).toBe(false);
    // a reference that is not valid: refused, the staged copy goes, nothing registered
    const bogus = `${store.storeDir}/${"1".repeat(32)}-missing`;
    const bad = stageTree(store, mt("b"));
    const tb = hashTree(store, "env", mt("b"), [bogus]);
    await expect(commitTree(store, tb, bad)).rejects.toMatchObject({ code: "E_BAD_REFERENCE" });
    expect(fs.existsSync(bad.tmp)).toBe(false);
    expect(store.isValidPath(tb.path)).toBe(false);
    expect(names()).toEqual([...before, path.basename(t.path)].sort());
    expect(store.db.claims.get(path.basename(tb.path))).toBeUndefined();
  });
});
