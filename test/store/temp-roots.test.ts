// Temp roots as files (store/temp-roots.ts): one append-only file per process, named by its owner
// tag, no LMDB commit; only complete lines count; the file goes at close unless a gc is running;
// taking a root fences reads (they see commits made before it). In process, on a real store.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout, LocalStore } from "../../store/index.js";
import { GC_MARKER } from "../../store/local-store.js";
import { readTempRoots, removeDeadTempRoots, tempRootedPaths } from "../../store/temp-roots.js";
import { ownerTag, startTimeOf } from "../../store/process-id.js";
import { REPO, rmTree, tmpDir } from "../helpers/cli.js";

let scratch: string;
let counter = 0;
beforeAll(() => {
  scratch = tmpDir("cairn-temp-roots-");
});
afterAll(() => {
  if (scratch !== undefined) rmTree(scratch);
});

const open = () => LocalStore.open(new Layout(path.join(scratch, `root${counter++}`)));
const fileOf = (s: LocalStore) => path.join(s.layout.tempRootsDir, ownerTag());

describe("temp roots files", () => {
  it("appends each root once to this process's file, and removes the file at close", async () => {
    const store = open();
    expect(fs.existsSync(store.layout.tempRootsDir)).toBe(false); // nothing until the first root
    const a = store.addText("a", "a");
    const b = `${store.storeDir}/${"b".repeat(32)}-b`;
    store.addTempRoots([b, a, b]);
    store.addTempRoot(a);
    expect(fs.readFileSync(fileOf(store), "utf8").split("\n").sort()).toEqual(["", a, b].sort());
    expect(readTempRoots(store.layout.tempRootsDir)).toEqual(new Map([[ownerTag(), [a, b]]]));
    await store.close();
    expect(fs.readdirSync(store.layout.tempRootsDir)).toEqual([]);
  });

  it("reads complete lines only: a line still being written is not a root yet", () => {
    const dir = path.join(scratch, "partial");
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "1-2"), "/s/aaa-x\n/s/bbb-y\n/s/cc");
    fs.writeFileSync(path.join(dir, "3-4"), "/s/dd");
    expect(readTempRoots(dir)).toEqual(
      new Map([
        ["1-2", ["/s/aaa-x", "/s/bbb-y"]],
        ["3-4", []],
      ]),
    );
    expect([...tempRootedPaths(dir)].sort()).toEqual(["/s/aaa-x", "/s/bbb-y"]);
    expect(tempRootedPaths(path.join(scratch, "none")).size).toBe(0);
  });

  it("removes the files of dead owners only (a reused pid with another start time is dead)", () => {
    const dir = path.join(scratch, "sweep");
    fs.mkdirSync(dir);
    const start = startTimeOf(process.pid)!;
    fs.writeFileSync(path.join(dir, `${process.pid}-${start}`), "/s/live\n");
    fs.writeFileSync(path.join(dir, `${process.pid}-${start + 1}`), "/s/reused\n");
    fs.writeFileSync(path.join(dir, "junk"), "/s/junk\n");
    expect(removeDeadTempRoots(dir)).toBe(2);
    expect(fs.readdirSync(dir)).toEqual([`${process.pid}-${start}`]);
  });

  it("keeps the file at close while another live process holds the gc marker", async () => {
    const store = open();
    const a = store.addText("a", "kept while a gc runs");
    // The parent of this process is alive: as a running gc's marker.
    const ppid = process.ppid;
    store.db.write(() => {
      store.db.claims.put(GC_MARKER, { pid: ppid, start: startTimeOf(ppid)! });
    });
    const file = fileOf(store);
    await store.close();
    expect(fs.readFileSync(file, "utf8")).toBe(`${a}\n`);
  });

  it("taking a root fences reads: they see what another process committed before it", async () => {
    const store = open();
    store.addText("warm", "a write first: its commit leaves lmdb-js a read snapshot to reuse");
    // Another process adds a text object, synchronously: this thread's reads may still be on the
    // snapshot of its last read meanwhile. The root taken before the check makes the check see it.
    const script = `
      const { LocalStore, Layout } = await import(${JSON.stringify(path.join(REPO, "dist/store/index.js"))});
      const s = LocalStore.open(new Layout(${JSON.stringify(store.layout.root)}));
      console.log(s.addText("other", "added by another process"));
      await s.close();`;
    expect(store.isValidPath(`${store.storeDir}/${"0".repeat(32)}-other`)).toBe(false); // a read: a snapshot now
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const added = r.stdout.trim();
    expect(store.isValidPath(added)).toBe(false); // the premise: without a fence, the old snapshot
    store.addTempRoot(added);
    expect(store.isValidPath(added)).toBe(true);
    await store.close();
  });
});
