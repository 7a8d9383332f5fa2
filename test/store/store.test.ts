// LocalStore through the library, in process: text objects with references (and their Nix
// paths), referrers and closures, invalidation, NAR import refusals that leave nothing behind,
// the pinned logical store dir, name checks, unsupported sources, vanished paths.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CairnError,
  Layout,
  LocalStore,
  hashBytes,
  makeFixedOutputPath,
  makeTextPath,
  memTree,
  narBytes,
  printHash,
  verifyStore,
  type Hash,
  type MemTree,
  type NarImport,
} from "../../store/index.js";
import { referrersOf } from "../../store/db.js";
import { rmTree, tmpDir } from "../helpers/cli.js";
import { narDigest } from "../helpers/checker.js";

const NOW = 1_700_000_000;
let scratch: string;
let counter = 0;

beforeAll(() => {
  scratch = tmpDir("cairn-store-");
});
afterAll(() => {
  if (scratch !== undefined) rmTree(scratch);
});

function freshRoot(): string {
  return path.join(scratch, `root${counter++}`);
}

async function withStore<T>(layout: Layout, f: (s: LocalStore) => T | Promise<T>): Promise<T> {
  const store = LocalStore.open(layout, { now: () => NOW });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

function caught(f: () => unknown): CairnError {
  try {
    f();
  } catch (e) {
    if (e instanceof CairnError) return e;
    throw e;
  }
  throw new Error("no error was thrown");
}

/** Entries of the physical store dir other than the trash. */
function storeEntries(store: LocalStore): string[] {
  return fs.readdirSync(store.layout.realStoreDir).filter((n) => n !== ".trash").sort();
}

function claims(store: LocalStore): string[] {
  return [...store.db.claims.getKeys({ snapshot: false })].map(String);
}

/** What a refused operation leaves: valid paths and garbage that verify reports; no claims, no trash. */
function expectNothingBehind(store: LocalStore): void {
  const report = verifyStore(store, { checkContents: true });
  expect(report.problems).toEqual([]);
  for (const e of storeEntries(store)) {
    if (!store.isValidPath(`${store.storeDir}/${e}`)) expect(report.garbage).toContain(e);
  }
  expect(claims(store)).toEqual([]);
  expect(fs.readdirSync(store.layout.trashDir)).toEqual([]);
}

const reader = (bytes: Uint8Array) => {
  let off = 0;
  return {
    read: (n: number) => {
      const b = bytes.subarray(off, off + n);
      off += b.length;
      return b;
    },
    atEnd: () => off >= bytes.length,
  };
};

function importNar(store: LocalStore, nar: Uint8Array, expected: NarImport): string {
  const r = reader(nar);
  return store.addFromNar(r.read, r.atEnd, expected);
}

describe("addText (builtins.toFile)", () => {
  it("computes Nix's paths (NIX-COMPAT.md §2.3) and records references, referrers and closures", async () => {
    await withStore(new Layout(freshRoot(), "/nix/store"), (store) => {
      const foo = store.addText("foo", "bar");
      expect(foo).toBe("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo");
      const baz = store.addText("baz", foo, [foo]);
      expect(baz).toBe("/nix/store/5xd714cbfnkz02h2vbsj4fm03x3f15nf-baz");
      expect(baz).toBe(
        store.layout.printPath(makeTextPath("/nix/store", "baz", hashBytes("sha256", foo).bytes, [store.parsePath(foo)])),
      );
      // NIX-COMPAT.md §6.3: nix path-info --json of baz.
      const info = store.queryPathInfo(baz)!;
      expect(printHash(hashBytes("sha256", "x"), "nix32").length).toBe(52);
      expect(info).toMatchObject({
        path: baz,
        narSize: 160,
        references: [foo],
        registrationTime: NOW,
        sigs: [],
      });
      expect(info.ca).toMatch(/^text:sha256:190k[0-9a-z]+immw$/);
      const fooReal = store.realPath(foo);
      expect(fs.readFileSync(fooReal, "utf8")).toBe("bar");
      expect(narDigest(store.realPath(baz)).sri).toBe("sha256-0b2SFLWWKIp8mR75fQuB6o8CFfD7YN8KrcWpemDfSVQ=");
      const st = fs.lstatSync(fooReal);
      expect([st.mode & 0o7777, st.mtimeMs]).toEqual([0o444, 1000]);

      // A third object referring to both (duplicates and order in the argument do not matter).
      const qux = store.addText("qux", `${baz} ${foo}`, [foo, baz, foo]);
      expect(store.queryReferences(qux)).toEqual([baz, foo].sort());
      expect(store.queryReferrers(foo)).toEqual([baz, qux].sort());
      expect(store.queryReferrers(baz)).toEqual([qux]);
      expect(store.queryReferrers(qux)).toEqual([]);
      // the same inside a write transaction (where lmdb-js's getValues may decode stale keys)
      expect(store.db.write(() => referrersOf(store.db, foo).sort())).toEqual([baz, qux].sort());
      expect(store.db.write(() => referrersOf(store.db, qux))).toEqual([]);
      expect(store.computeClosure([qux])).toEqual([foo, baz, qux].sort());
      expect(store.computeClosure([baz])).toEqual([foo, baz].sort());
      // Adding again is a no-op returning the same path.
      expect(store.addText("baz", foo, [foo])).toBe(baz);
      expect(storeEntries(store)).toEqual([foo, baz, qux].map((p) => path.basename(p)).sort());
      expect(verifyStore(store, { checkContents: true })).toEqual({ checked: 3, problems: [], garbage: [] });
    });
  });

  it("refuses to invalidate a path that valid paths refer to", async () => {
    await withStore(new Layout(freshRoot()), (store) => {
      const a = store.addText("a", "alpha");
      const b = store.addText("b", `uses ${a}`, [a]);
      const e = caught(() => store.invalidatePath(a));
      expect(e.code).toBe("E_HAS_REFERRERS");
      expect(e.data).toEqual({ path: a, referrers: [b] });
      expect(store.isValidPath(a)).toBe(true);
      store.invalidatePath(b);
      expect(store.isValidPath(b)).toBe(false);
      expect(store.queryReferrers(a)).toEqual([]);
      store.invalidatePath(a);
      expect(store.isValidPath(a)).toBe(false);
      expect(caught(() => store.queryReferences(a)).code).toBe("E_INVALID_PATH");
      // The files stay, as garbage for the GC.
      expect(verifyStore(store).garbage).toEqual([a, b].map((p) => path.basename(p)).sort());
      // Re-adding makes them valid again.
      expect(store.addText("a", "alpha")).toBe(a);
      expect(verifyStore(store, { checkContents: true }).problems).toEqual([]);
    });
  });

  it("refuses a reference that is not valid, leaving nothing behind", async () => {
    await withStore(new Layout(freshRoot()), (store) => {
      const ghost = `${store.storeDir}/${"0".repeat(32)}-ghost`;
      const e = caught(() => store.addText("t", `uses ${ghost}`, [ghost]));
      expect(e.code).toBe("E_BAD_REFERENCE");
      expect(e.data).toMatchObject({ reference: ghost });
      expect(verifyStore(store).checked).toBe(0);
      expectNothingBehind(store);
      expect(storeEntries(store)).toEqual([]);
    });
  });

  it("rejects invalid names and references outside the store", async () => {
    await withStore(new Layout(freshRoot()), (store) => {
      for (const name of ["", "a/b", "..", ".", ".-x", "..-y", "sp ace", "é", "x".repeat(212)]) {
        const e = caught(() => store.addText(name, "x"));
        expect(e.code, JSON.stringify(name)).toBe("E_BAD_NAME");
        expect(e.data.input).toBe(name);
      }
      expect(store.addText("x".repeat(211), "ok")).toMatch(/-x{211}$/);
      expect(caught(() => store.addText("t", "x", ["/elsewhere/00000000000000000000000000000000-x"])).code).toBe(
        "E_BAD_STORE_PATH",
      );
      expectNothingBehind(store);
      expect(storeEntries(store)).toHaveLength(1);
    });
  });
});

describe("addFromNar", () => {
  const tree: MemTree = {
    type: "directory",
    entries: {
      README: { type: "regular", contents: "x" },
      bin: { type: "directory", entries: { run: { type: "regular", executable: true, contents: "echo\n" } } },
      link: { type: "symlink", target: "README" },
    },
  };
  const nar = narBytes(memTree(tree));
  const narHash: Hash = hashBytes("sha256", nar);

  it("imports the NIX-COMPAT.md §3.3 demo tree", async () => {
    await withStore(new Layout(freshRoot(), "/nix/store"), (store) => {
      expect(nar.length).toBe(872);
      const p = store.layout.printPath(makeFixedOutputPath("/nix/store", "demo", { method: "recursive", hash: narHash }));
      expect(p).toBe("/nix/store/dplha0nkgwvks5y02kbg0h22xx1x96nc-demo");
      expect(importNar(store, nar, { path: p, narHash, narSize: nar.length, deriver: undefined })).toBe(p);
      expect(store.queryPathInfo(p)).toMatchObject({ narHash: "sha256:0558rlyig55mm50wjmh8n07rb4dps4fagl702ng7qf4d8ziqrcfr", narSize: 872 });
      const real = store.realPath(p);
      expect(fs.readlinkSync(path.join(real, "link"))).toBe("README");
      expect(fs.statSync(path.join(real, "bin/run")).mode & 0o7777).toBe(0o555);
      expect(verifyStore(store, { checkContents: true })).toEqual({ checked: 1, problems: [], garbage: [] });
    });
  });

  it("rejects a wrong hash, a wrong size, trailing data and a truncated NAR, registering nothing", async () => {
    await withStore(new Layout(freshRoot()), (store) => {
      const p = store.layout.printPath(makeFixedOutputPath(store.storeDir, "imp", { method: "recursive", hash: narHash }));
      const other = hashBytes("sha256", "something else");

      const e1 = caught(() => importNar(store, nar, { path: p, narHash: other, narSize: nar.length }));
      expect(e1.code).toBe("E_HASH_MISMATCH");
      expect(e1.data).toEqual({ path: p, expected: printHash(other, "nix32", true), actual: printHash(narHash, "nix32", true) });
      expect(store.isValidPath(p)).toBe(false);
      expectNothingBehind(store);

      const e2 = caught(() => importNar(store, nar, { path: p, narHash, narSize: nar.length + 8 }));
      expect(e2.code).toBe("E_SIZE_MISMATCH");
      expect(e2.data).toEqual({ path: p, expected: nar.length + 8, actual: nar.length });
      expect(store.isValidPath(p)).toBe(false);
      expectNothingBehind(store);

      const trailing = Buffer.concat([nar, Buffer.alloc(8)]);
      const e3 = caught(() => importNar(store, trailing, { path: p, narHash, narSize: nar.length }));
      expect(e3.code).toBe("E_NAR_FORMAT");
      expect(e3.data).toMatchObject({ path: p, reason: "trailing-data" });
      expect(store.isValidPath(p)).toBe(false);
      expectNothingBehind(store);

      const e4 = caught(() => importNar(store, nar.subarray(0, 500), { path: p, narHash }));
      expect(e4.code).toBe("E_NAR_TRUNCATED");
      expect(store.isValidPath(p)).toBe(false);
      expectNothingBehind(store);

      const bad = new Uint8Array(nar);
      bad[16] = 0x5b; // "(" -> "[": not a NAR
      expect(caught(() => importNar(store, bad, { path: p, narHash })).code).toBe("E_NAR_FORMAT");
      expectNothingBehind(store);
      expect(storeEntries(store)).toEqual([]);

      // The right NAR still goes in afterwards.
      expect(importNar(store, nar, { path: p, narHash, narSize: nar.length })).toBe(p);
      expect(verifyStore(store, { checkContents: true })).toEqual({ checked: 1, problems: [], garbage: [] });
    });
  });

  it("records references and refuses an invalid one, leaving nothing behind", async () => {
    await withStore(new Layout(freshRoot()), (store) => {
      const dep = store.addText("dep", "dependency");
      const p = `${store.storeDir}/${"1".repeat(32)}-imp`;
      const ghost = `${store.storeDir}/${"2".repeat(32)}-ghost`;
      const e = caught(() => importNar(store, nar, { path: p, narHash, references: [ghost, dep] }));
      expect(e.code).toBe("E_BAD_REFERENCE");
      expect(store.isValidPath(p)).toBe(false);
      expectNothingBehind(store);
      expect(storeEntries(store)).toEqual([path.basename(dep)]);

      const sigs = ["cache.example.org-1:c2ln"];
      expect(importNar(store, nar, { path: p, narHash, references: [dep, p], deriver: `${store.storeDir}/${"3".repeat(32)}-x.drv`, sigs })).toBe(p);
      expect(store.queryReferences(p)).toEqual([dep, p].sort());
      expect(store.queryReferrers(dep)).toEqual([p]);
      expect(store.queryReferrers(p)).toEqual([]); // itself excluded
      expect(store.queryPathInfo(p)!.sigs).toEqual(sigs);
      expect(caught(() => store.invalidatePath(dep)).code).toBe("E_HAS_REFERRERS");
      store.invalidatePath(p); // a self-reference does not block invalidation
      expect(store.isValidPath(p)).toBe(false);
    });
  });

  it("rejects a path outside the store and references that are not store paths", async () => {
    await withStore(new Layout(freshRoot()), (store) => {
      expect(caught(() => importNar(store, nar, { path: "/tmp/x", narHash })).code).toBe("E_BAD_STORE_PATH");
      expect(caught(() => importNar(store, nar, { path: `${store.storeDir}/short-x`, narHash })).code).toBe("E_BAD_STORE_PATH");
      const p = `${store.storeDir}/${"1".repeat(32)}-imp`;
      expect(caught(() => importNar(store, nar, { path: p, narHash, references: ["/nix/store/x"] })).code).toBe("E_BAD_STORE_PATH");
      expectNothingBehind(store);
      expect(storeEntries(store)).toEqual([]);
    });
  });
});

describe("the logical store dir", () => {
  it("is pinned in the database: a DB made for one store dir refuses another", async () => {
    const root = freshRoot();
    const p = await withStore(new Layout(root, "/nix/store"), (s) => s.addText("foo", "bar"));
    const e = caught(() => LocalStore.open(new Layout(root, "/other/store")));
    expect(e.code).toBe("E_DB_STORE_DIR_MISMATCH");
    expect(e.data).toMatchObject({ expected: "/nix/store", actual: "/other/store" });
    expect(caught(() => LocalStore.open(new Layout(root))).code).toBe("E_DB_STORE_DIR_MISMATCH");
    // The refusal changed nothing: the original store opens and is intact.
    await withStore(new Layout(root, "/nix/store"), (s) => {
      expect(s.isValidPath(p)).toBe(true);
      expect(verifyStore(s, { checkContents: true })).toEqual({ checked: 1, problems: [], garbage: [] });
    });
  });

  it("refuses a store dir that is not absolute and canonical", () => {
    for (const d of ["relative/store", "/nix/store/", "/nix//store", "/nix/./store", "/a b"]) {
      expect(caught(() => new Layout(freshRoot(), d)).code, d).toBe("E_BAD_STORE_DIR");
    }
  });

  it("keeps logical paths apart from physical ones", async () => {
    const root = freshRoot();
    await withStore(new Layout(root, "/nix/store"), (store) => {
      const p = store.addText("foo", "bar");
      expect(store.realPath(p)).toBe(path.join(root, "store", path.basename(p)));
      expect(caught(() => store.queryPathInfo(path.join(root, "store", path.basename(p)))).code).toBe("E_BAD_STORE_PATH");
    });
  });
});

describe("addPath", () => {
  it("adds trees and files (recursive and flat) with Nix's paths", async () => {
    const src = path.join(scratch, "greeting");
    fs.mkdirSync(src);
    const file = path.join(src, "greeting.txt");
    fs.writeFileSync(file, "hi\n", { mode: 0o644 });
    await withStore(new Layout(freshRoot(), "/nix/store"), (store) => {
      expect(store.addPath(file)).toBe("/nix/store/n87axjq24znc0imisqis6k6scgasq94x-greeting.txt");
      expect(store.addPath(file, { method: "flat" })).toBe("/nix/store/0cd9wfphx5i9sly07cr00rzqn22d3lbj-greeting.txt");
      expect(store.queryPathInfo("/nix/store/0cd9wfphx5i9sly07cr00rzqn22d3lbj-greeting.txt")!.ca).toBe(
        `fixed:sha256:${printHash(hashBytes("sha256", "hi\n"), "nix32")}`,
      );
      // An executable source: the path follows from the bytes alone; the copy is canonical
      // (whether the execute bit survives flat ingestion is Nix's business, not this test's).
      fs.chmodSync(file, 0o755);
      const flat = store.addPath(file, { method: "flat", name: "exe" });
      expect(flat).toBe(
        store.layout.printPath(makeFixedOutputPath("/nix/store", "exe", { method: "flat", hash: hashBytes("sha256", "hi\n") })),
      );
      expect([0o444, 0o555]).toContain(fs.statSync(store.realPath(flat)).mode & 0o7777);
      // A second add of the same content is the same path and leaves no temp tree.
      expect(store.addPath(file, { method: "flat", name: "exe" })).toBe(flat);
      expect(storeEntries(store).filter((n) => n.startsWith("."))).toEqual([]);
      expect(verifyStore(store, { checkContents: true })).toEqual({ checked: 3, problems: [], garbage: [] });
    });
  });

  it("rejects bad names, special files, missing sources and flat directories, leaving nothing behind", async () => {
    const src = path.join(scratch, "specials");
    fs.mkdirSync(path.join(src, "sub"), { recursive: true });
    fs.writeFileSync(path.join(src, "a"), "a");
    fs.writeFileSync(path.join(src, "sub/b"), "b");
    expect(spawnSync("mkfifo", [path.join(src, "sub/fifo")]).status).toBe(0);
    await withStore(new Layout(freshRoot()), (store) => {
      const e = caught(() => store.addPath(src));
      expect(e.code).toBe("E_UNSUPPORTED_FILE_TYPE");
      expect(e.data).toMatchObject({ path: path.join(src, "sub/fifo"), type: "FIFO" });
      expectNothingBehind(store);
      expect(storeEntries(store)).toEqual([]);

      for (const name of ["", "a/b", "..", ".-x", "with space"]) {
        expect(caught(() => store.addPath(path.join(src, "a"), { name })).code, name).toBe("E_BAD_NAME");
      }
      expect(caught(() => store.addPath(path.join(src, "nope"))).code).toBe("E_NOT_FOUND");
      expect(caught(() => store.addPath(path.join(src, "sub"), { method: "flat" })).code).toBe("E_USAGE");
      expectNothingBehind(store);
      expect(storeEntries(store)).toEqual([]);
    });
  });
});

describe("verifyStore", () => {
  it("reports a vanished path that valid paths refer to, and keeps it valid", async () => {
    await withStore(new Layout(freshRoot()), (store) => {
      const a = store.addText("a", "alpha");
      const b = store.addText("b", `uses ${a}`, [a]);
      rmTree(store.realPath(a));
      const r = verifyStore(store);
      expect(r.problems).toEqual([{ path: a, kind: "missing", detail: expect.stringContaining("refer"), repaired: false }]);
      expect(store.isValidPath(a)).toBe(true);
      expect(store.isValidPath(b)).toBe(true);
      // Once the referrer is gone, verify invalidates it.
      store.invalidatePath(b);
      const r2 = verifyStore(store);
      expect(r2.problems).toEqual([{ path: a, kind: "missing", detail: expect.stringContaining("invalidated"), repaired: true }]);
      expect(store.isValidPath(a)).toBe(false);
      expect(verifyStore(store).problems).toEqual([]);
    });
  });

  it("drops claims of dead processes and their temp trees at open", async () => {
    const root = freshRoot();
    const layout = new Layout(root);
    const tmpName = ".tmp-999999999-1-abcdef";
    await withStore(layout, (store) => {
      fs.mkdirSync(path.join(layout.realStoreDir, tmpName));
      fs.writeFileSync(path.join(layout.realStoreDir, tmpName, "f"), "x");
      store.db.write(() => {
        store.db.claims.put(`${"4".repeat(32)}-x`, { pid: 999_999_999, start: 1, tmp: tmpName } as never);
      });
      fs.mkdirSync(path.join(layout.trashDir, "old"));
    });
    await withStore(layout, (store) => {
      expect(claims(store)).toEqual([]);
      expect(storeEntries(store)).toEqual([]);
      expect(fs.readdirSync(layout.trashDir)).toEqual([]);
    });
  });
});
