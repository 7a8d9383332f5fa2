// store/add-tree.ts, which user environments are written with: the path is Nix's source path with
// references, the object is valid with those references, adding twice is a no-op, and a reference
// that is not valid is refused before anything is written. Real LMDB and files, in-process.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../../store/layout.js";
import { LocalStore } from "../../store/local-store.js";
import { addTree, hashTree } from "../../store/add-tree.js";
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
  it("registers a source path with references, as Nix computes it", () => {
    const t = hashTree(store, "user-environment", tree(dep), [dep]);
    expect(addTree(store, t, tree(dep))).toBe(t.path);
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
    expect(addTree(store, t, tree(dep))).toBe(t.path);
  });

  it("refuses a reference that is not valid, writing nothing", () => {
    const bogus = `${store.storeDir}/${"0".repeat(32)}-missing`;
    const t = hashTree(store, "user-environment", tree(bogus), [bogus]);
    const before = fs.readdirSync(store.layout.realStoreDir).sort();
    let e: unknown;
    try {
      addTree(store, t, tree(bogus));
    } catch (x) {
      e = x;
    }
    expect(isCairnError(e, "E_BAD_REFERENCE")).toBe(true);
    expect(fs.readdirSync(store.layout.realStoreDir).sort()).toEqual(before);
    expect(store.isValidPath(t.path)).toBe(false);
  });
});
