// gc/roots.ts: which links are roots (direct, indirect, profiles and generations, chains of
// links, logical vs physical store dir), stale indirect roots, and temp roots of live and dead
// processes. In process, on a real LMDB store.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout, LocalStore } from "../../store/index.js";
import { findPermanentRoots, findRuntimeRoots, resolveRootLink, sweepStaleTempRoots } from "../../gc/roots.js";
import { buildDirOwner } from "../../gc/collect.js";
import { rmTree, tmpDir } from "../helpers/cli.js";

let scratch: string;
let store: LocalStore;
let a: string;
let b: string;

beforeAll(() => {
  scratch = tmpDir("cairn-gc-roots-");
  // A logical store dir that differs from ROOT/store, as when sharing paths with /nix/store.
  store = LocalStore.open(new Layout(path.join(scratch, "root"), "/cairn-roots-test/store"));
  a = store.addText("a", "a");
  b = store.addText("b", "b");
});
afterAll(async () => {
  await store.close();
  rmTree(scratch);
});

function link(target: string, at: string): string {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at);
  return at;
}

describe("findRoots", () => {
  it("finds direct, indirect and profile roots, through chains of links and into store subpaths", () => {
    const { gcrootsDir, profilesDir } = store.layout;
    const direct = link(`${a}/bin/x`, path.join(gcrootsDir, "nested/dir/app"));
    const result = link(b, path.join(scratch, "work/result"));
    const indirect = link(result, path.join(gcrootsDir, "auto/0123"));
    const gen = link(a, path.join(profilesDir, "per-user/me/default-3-link"));
    const prof = link("default-3-link", path.join(profilesDir, "per-user/me/default"));
    const dangling = link(path.join(scratch, "gone"), path.join(gcrootsDir, "auto/dead"));
    const physical = link(path.join(store.layout.realStoreDir, path.basename(b)), path.join(gcrootsDir, "physical"));
    fs.writeFileSync(path.join(gcrootsDir, "not-a-link"), "x");
    const roots = findPermanentRoots(store, { removeDeadIndirect: false });
    const got = roots.map((r) => [r.kind, r.link, r.path]).sort();
    expect(got).toEqual(
      [
        ["direct", direct, a],
        ["direct", physical, b],
        ["indirect", indirect, b],
        ["profile", gen, a],
        ["profile", prof, a],
      ].sort(),
    );
    expect(fs.lstatSync(dangling).isSymbolicLink()).toBe(true); // only a deleting gc removes it
    // A deleting gc removes the stale indirect root; a direct root to nowhere is left alone.
    const broken = link(path.join(scratch, "nowhere"), path.join(gcrootsDir, "broken"));
    findPermanentRoots(store, { removeDeadIndirect: true });
    expect(fs.existsSync(path.join(gcrootsDir, "auto/dead"))).toBe(false);
    expect(fs.lstatSync(broken).isSymbolicLink()).toBe(true);
    expect(resolveRootLink(store, path.join(gcrootsDir, "not-a-link"))).toBe("outside");
    // A loop of links is no root and does not hang.
    link(path.join(scratch, "loop2"), path.join(scratch, "loop1"));
    link(path.join(scratch, "loop1"), path.join(scratch, "loop2"));
    expect(resolveRootLink(store, path.join(scratch, "loop1"))).toBe("missing");
  });

  it("temp roots count while their owner lives; a dead owner's are swept", () => {
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, "latin1");
    const start = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    // Ours: addText took temp roots on a and b (this process is alive). A "reused pid" one on c,
    // written by hand.
    const c = `${store.storeDir}/${"c".repeat(32)}-c`;
    fs.writeFileSync(path.join(store.layout.tempRootsDir, `${process.pid}-${start + 3}`), `${c}\n`);
    const temp = (rs: { kind: string; path: string }[]) => rs.filter((r) => r.kind === "temp").map((r) => r.path).sort();
    expect(temp(findRuntimeRoots(store))).toEqual([a, b].sort());
    // Before sweeping, a gc run would honour all (see sweepStaleTempRoots); after, only ours.
    expect(temp(findRuntimeRoots(store, { includeDeadOwners: true }))).toEqual([a, b, c].sort());
    expect(sweepStaleTempRoots(store)).toBe(1);
    expect(temp(findRuntimeRoots(store, { includeDeadOwners: true }))).toEqual([a, b].sort());
  });

  it("reads the owner of a build directory from its name", () => {
    expect(buildDirOwner("123-456-hello")).toEqual({ pid: 123, start: 456 });
    expect(buildDirOwner(".tmp-123-456-x")).toEqual({ pid: 123, start: 456 });
    expect(buildDirOwner("build-123-456")).toEqual({ pid: 123, start: 456 });
    expect(buildDirOwner("untagged")).toBeUndefined();
  });
});
