// GC-1..GC-6 of RELIABILITY.md §5: deterministic interleavings of `cairn gc` with store clients,
// driven by the FIFO sync points CAIRN_TEST_GC_SYNC_1 (after the gc marker), _2 (after the root
// scan) and _3 (before each deletion), as Nix's gc-non-blocking.sh does.
//
// The builder, `profile install` and `copy --from` are being written on other branches, so the
// clients here are small processes using the store library the way those commands will: temp
// root first, then a validity check, then the write (addText / addPath / addFromNar), and for
// GC-3 the profile layout written by hand (`profiles/<name>-<N>-link` -> store path, then an
// atomic rename of `profiles/<name>`), exactly as DESIGN.md and RELIABILITY.md §2.3 describe it.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { narBytes, narDigest, nix32, type PathInfoJson } from "../helpers/checker.js";
import {
  addTree,
  assertConsistent,
  isValid,
  mkfifo,
  ok,
  passAll,
  reachSyncPoint,
  spawnCairn,
  spawnClient,
  scratchPerTest,
} from "./helpers.js";

const dirs = scratchPerTest("cairn-gc-il-");

const fifo = (n: number) => mkfifo(path.join(dirs.scratch, `sync${n}`));

/** A client that adds a text object referring to `refs` and exits (T_WAIT=0). */
async function addTextClient(name: string, refs: string[]): Promise<string> {
  const c = spawnClient(
    dirs.root,
    dirs.scratch,
    `const refs = ${JSON.stringify(refs)};
console.log("path " + store.addText(${JSON.stringify(name)}, "uses " + refs.join(" "), refs));`,
    { T_WAIT: "0" },
  );
  const line = await c.line(/^path /);
  const r = await c.done;
  expect(r.status, r.err).toBe(0);
  return line.slice(5);
}

describe("gc interleavings (GC-1..GC-6)", () => {
  it("GC-1: a client takes a temp root on a path the gc found dead: the path and its closure survive", async () => {
    const q = addTree(dirs.root, dirs.scratch, "q", "q content");
    const p = await addTextClient("p", [q]);
    const gc = spawnCairn(dirs.root, ["gc", "--json"], { CAIRN_TEST_GC_SYNC_2: fifo(2) });
    const go = await reachSyncPoint(path.join(dirs.scratch, "sync2"), gc.proc);
    // The root scan is over: p and q are dead for this gc.
    const client = spawnClient(dirs.root, dirs.scratch, `store.addTempRoot(${JSON.stringify(p)}); console.log("valid " + store.isValidPath(${JSON.stringify(p)}));`);
    expect(await client.line(/^valid /)).toBe("valid true");
    await client.line(/^ready/);
    go();
    const r = await gc.done;
    expect(r.status, r.err).toBe(0);
    const res = JSON.parse(r.out) as { deleted: string[]; kept: { path: string; why: string }[] };
    expect(res.deleted).toEqual([]);
    expect(res.kept).toEqual(expect.arrayContaining([{ path: p, why: "temp-root" }, { path: q, why: "referrer" }]));
    expect(isValid(dirs.root, p) && isValid(dirs.root, q)).toBe(true);
    expect(fs.readFileSync(path.join(dirs.root, "store", path.basename(p)), "utf8")).toBe(`uses ${q}`);
    client.proc.stdin!.end();
    expect((await client.done).status).toBe(0);
    // The temp root ended with its process: the next gc takes both.
    ok(dirs.root, ["gc"]);
    expect(isValid(dirs.root, p) || isValid(dirs.root, q)).toBe(false);
    await assertConsistent(dirs.root);
  });

  it("GC-2: a path registered between mark and sweep, referring to a dead path, keeps it", async () => {
    const q = addTree(dirs.root, dirs.scratch, "q2", "q2 content");
    const other = addTree(dirs.root, dirs.scratch, "other", "garbage");
    const gc = spawnCairn(dirs.root, ["gc", "--json"], { CAIRN_TEST_GC_SYNC_2: fifo(2) });
    const go = await reachSyncPoint(path.join(dirs.scratch, "sync2"), gc.proc);
    // An "output" registered now (the client exits before the sweep: its temp root must hold).
    const out = await addTextClient("out", [q]);
    go();
    const r = await gc.done;
    expect(r.status, r.err).toBe(0);
    const res = JSON.parse(r.out) as { deleted: string[] };
    expect(res.deleted).toEqual([other]);
    expect(isValid(dirs.root, out) && isValid(dirs.root, q)).toBe(true);
    await assertConsistent(dirs.root);
    ok(dirs.root, ["gc"]);
    expect(isValid(dirs.root, out) || isValid(dirs.root, q)).toBe(false);
    await assertConsistent(dirs.root);
  });

  it("GC-3: a profile generation made during the sweep keeps its path", async () => {
    const g1 = addTree(dirs.root, dirs.scratch, "gen1", "generation 1");
    const g2 = addTree(dirs.root, dirs.scratch, "gen2", "generation 2");
    const junk = [addTree(dirs.root, dirs.scratch, "j1", "j1"), addTree(dirs.root, dirs.scratch, "j2", "j2")];
    const profiles = path.join(dirs.root, "var/cairn/profiles");
    fs.mkdirSync(profiles, { recursive: true });
    fs.symlinkSync(g1, path.join(profiles, "default-1-link"));
    fs.symlinkSync("default-1-link", path.join(profiles, "default"));
    const gc = spawnCairn(dirs.root, ["gc", "--json"], { CAIRN_TEST_GC_SYNC_3: fifo(3) });
    const go = await reachSyncPoint(path.join(dirs.scratch, "sync3"), gc.proc);
    // Paused before its first deletion. The "installer": temp root, check, links, rename; exits.
    const installer = spawnClient(
      dirs.root,
      dirs.scratch,
      `const p = ${JSON.stringify(g2)}, dir = ${JSON.stringify(profiles)};
store.addTempRoot(p);
if (!store.isValidPath(p)) throw new Error("gone");
fs.symlinkSync(p, path.join(dir, "default-2-link.tmp"));
fs.renameSync(path.join(dir, "default-2-link.tmp"), path.join(dir, "default-2-link"));
fs.symlinkSync("default-2-link", path.join(dir, "default.tmp"));
fs.renameSync(path.join(dir, "default.tmp"), path.join(dir, "default"));`,
      { T_WAIT: "0" },
    );
    expect((await installer.done).status).toBe(0);
    go();
    await passAll(path.join(dirs.scratch, "sync3"), gc.proc);
    const r = await gc.done;
    expect(r.status, r.err).toBe(0);
    expect((JSON.parse(r.out) as { deleted: string[] }).deleted.sort()).toEqual([...junk].sort());
    expect(isValid(dirs.root, g1) && isValid(dirs.root, g2)).toBe(true);
    expect(fs.readlinkSync(path.join(profiles, fs.readlinkSync(path.join(profiles, "default"))))).toBe(g2);
    await assertConsistent(dirs.root);
    // Both generations are roots from now on.
    ok(dirs.root, ["gc"]);
    expect(isValid(dirs.root, g1) && isValid(dirs.root, g2)).toBe(true);
  });

  it("GC-4: a client that starts while the gc is starting keeps what it adds; ./result keeps it after", async () => {
    const dead = addTree(dirs.root, dirs.scratch, "dead4", "dead");
    const src = path.join(dirs.scratch, "src4");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "f"), "new content");
    const gc = spawnCairn(dirs.root, ["gc", "--json"], { CAIRN_TEST_GC_SYNC_1: fifo(1) });
    const go = await reachSyncPoint(path.join(dirs.scratch, "sync1"), gc.proc);
    const result = path.join(dirs.scratch, "result");
    const client = spawnClient(
      dirs.root,
      dirs.scratch,
      `const p = store.addPath(${JSON.stringify(src)});
console.log("path " + p);`,
    );
    const added = (await client.line(/^path /)).slice(5);
    await client.line(/^ready/);
    go();
    const r = await gc.done;
    expect(r.status, r.err).toBe(0);
    expect((JSON.parse(r.out) as { deleted: string[] }).deleted).toEqual([dead]);
    expect(isValid(dirs.root, added)).toBe(true);
    // The client makes ./result and its indirect root (as `cairn build` will), then exits.
    fs.symlinkSync(added, result);
    fs.mkdirSync(path.join(dirs.root, "var/cairn/gcroots/auto"), { recursive: true });
    fs.symlinkSync(result, path.join(dirs.root, "var/cairn/gcroots/auto/r4"));
    client.proc.stdin!.end();
    await client.done;
    ok(dirs.root, ["gc"]);
    expect(isValid(dirs.root, added)).toBe(true);
    // Removing ./result frees it, and the dead indirect root is removed.
    fs.unlinkSync(result);
    ok(dirs.root, ["gc"]);
    expect(isValid(dirs.root, added)).toBe(false);
    expect(fs.existsSync(path.join(dirs.root, "var/cairn/gcroots/auto/r4"))).toBe(false);
    await assertConsistent(dirs.root);
  });

  it("GC-5: an import (copy --from) that finishes during the sweep keeps its paths", async () => {
    const c = addTree(dirs.root, dirs.scratch, "c5", "already here");
    const junk = addTree(dirs.root, dirs.scratch, "junk5", "junk");
    const dsrc = path.join(dirs.scratch, "d5");
    fs.mkdirSync(dsrc);
    fs.writeFileSync(path.join(dsrc, "x"), "imported while the gc sweeps");
    const cNar = path.join(dirs.scratch, "c.nar");
    const dNar = path.join(dirs.scratch, "d.nar");
    fs.writeFileSync(cNar, narBytes(path.join(dirs.root, "store", path.basename(c))));
    fs.writeFileSync(dNar, narBytes(dsrc));
    const cInfo = JSON.parse(ok(dirs.root, ["path-info", "--json", c])) as PathInfoJson[];
    const dDigest = narDigest(dsrc);
    const gc = spawnCairn(dirs.root, ["gc", "--json"], { CAIRN_TEST_GC_SYNC_3: fifo(3) });
    const go = await reachSyncPoint(path.join(dirs.scratch, "sync3"), gc.proc);
    const importer = spawnClient(
      dirs.root,
      dirs.scratch,
      `function imp(file, p, narHash) {
  const nar = fs.readFileSync(file); let off = 0;
  const read = (n) => { const b = nar.subarray(off, off + n); off += b.length; return b; };
  return store.addFromNar(read, () => off >= nar.length, { path: p, narHash: lib.parseHash(narHash), narSize: nar.length });
}
console.log("c " + imp(${JSON.stringify(cNar)}, ${JSON.stringify(c)}, ${JSON.stringify(cInfo[0]!.narHash)}));
const d = lib.makeFixedOutputPath(store.storeDir, "d5", { method: "recursive", hash: lib.parseHash(${JSON.stringify(`sha256:${nix32(dDigest.sha256)}`)}) });
console.log("d " + imp(${JSON.stringify(dNar)}, store.layout.printPath(d), ${JSON.stringify(`sha256:${nix32(dDigest.sha256)}`)}));`,
      { T_WAIT: "0" },
    );
    const cl = await importer.line(/^d /);
    const d = cl.slice(2);
    expect((await importer.done).status).toBe(0);
    go();
    await passAll(path.join(dirs.scratch, "sync3"), gc.proc);
    const r = await gc.done;
    expect(r.status, r.err).toBe(0);
    expect(isValid(dirs.root, c) && isValid(dirs.root, d)).toBe(true);
    expect(isValid(dirs.root, junk)).toBe(false);
    await assertConsistent(dirs.root);
  });

  it("GC-6: temp roots and claims of a dead owner (pid reused with another start time) do not count", async () => {
    const stale = addTree(dirs.root, dirs.scratch, "stale6", "stale");
    const claimed = addTree(dirs.root, dirs.scratch, "claimed6", "claimed");
    const kept = addTree(dirs.root, dirs.scratch, "kept6", "kept");
    // This test process is alive: its pid with a wrong start time is "a reused pid".
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, "latin1");
    const start = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const writer = spawnClient(
      dirs.root,
      dirs.scratch,
      `fs.writeFileSync(path.join(store.layout.tempRootsDir, "${process.pid}-${start + 1}"), ${JSON.stringify(`${stale}\n`)});
fs.writeFileSync(path.join(store.layout.tempRootsDir, "${process.pid}-${start}"), ${JSON.stringify(`${kept}\n`)});
store.db.write(() => {
  store.db.claims.put(${JSON.stringify(path.basename(claimed))}, { pid: ${process.pid}, start: ${start + 7} });
});`,
      { T_WAIT: "0" },
    );
    expect((await writer.done).status).toBe(0);
    const roots = JSON.parse(ok(dirs.root, ["gc", "--print-roots", "--json"])) as { path: string; kind: string }[];
    expect(roots.map((r) => r.path)).toEqual([kept]);
    const r = JSON.parse(ok(dirs.root, ["gc", "--json"])) as { deleted: string[] };
    expect(r.deleted.sort()).toEqual([claimed, stale].sort());
    expect(isValid(dirs.root, kept)).toBe(true);
    await assertConsistent(dirs.root);
  });
});
