// The pool of input mount points: recycled inodes, never anything a builder could have touched.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MountPointPool } from "../../builder/mountpoints.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-mp-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("MountPointPool", () => {
  it("places empty files and directories, and reuses the same inodes after reclaim", () => {
    const pool = new MountPointPool(path.join(dir, "pool1"));
    const store1 = fs.mkdirSync(path.join(dir, "s1"), { recursive: true })!;
    const f = pool.place(path.join(store1, "aaa-file"), "file");
    const d = pool.place(path.join(store1, "bbb-dir"), "dir");
    expect(fs.statSync(f.at).isFile() && fs.statSync(f.at).size === 0).toBe(true);
    expect(fs.statSync(d.at).isDirectory() && fs.readdirSync(d.at)).toEqual([]);
    const inodes = { file: fs.statSync(f.at).ino, dir: fs.statSync(d.at).ino };
    pool.reclaim([f, d]);
    expect(fs.readdirSync(store1)).toEqual([]);
    const store2 = fs.mkdirSync(path.join(dir, "s2"), { recursive: true })!;
    const f2 = pool.place(path.join(store2, "ccc-other-name"), "file");
    const d2 = pool.place(path.join(store2, "ddd-other-dir"), "dir");
    expect(fs.statSync(f2.at).ino).toBe(inodes.file);
    expect(fs.statSync(d2.at).ino).toBe(inodes.dir);
    expect(fs.readdirSync(store2).sort()).toEqual(["ccc-other-name", "ddd-other-dir"]);
    expect(pool.dispose()).toBe(path.join(dir, "pool1"));
  });

  it("leaves behind entries that are no longer pristine (written, filled, replaced, linked)", () => {
    const pool = new MountPointPool(path.join(dir, "pool2"));
    const store = fs.mkdirSync(path.join(dir, "s3"), { recursive: true })!;
    const written = pool.place(path.join(store, "w"), "file");
    const filled = pool.place(path.join(store, "d"), "dir");
    const replaced = pool.place(path.join(store, "r"), "dir");
    const linked = pool.place(path.join(store, "l"), "file");
    const gone = pool.place(path.join(store, "g"), "file");
    fs.chmodSync(written.at, 0o644);
    fs.writeFileSync(written.at, "x");
    fs.writeFileSync(path.join(filled.at, "inside"), "y");
    fs.rmdirSync(replaced.at);
    fs.writeFileSync(replaced.at, "");
    fs.linkSync(linked.at, path.join(dir, "outside-link"));
    fs.unlinkSync(gone.at);
    pool.reclaim([written, filled, replaced, linked, gone]);
    expect(fs.readdirSync(store).sort()).toEqual(["d", "l", "r", "w"]);
    // Nothing went to the pool: the next placements are new inodes.
    const next = pool.place(path.join(store, "n"), "file");
    expect([written, filled, replaced, linked].map((p) => fs.lstatSync(p.at).ino)).not.toContain(fs.lstatSync(next.at).ino);
    expect(pool.dispose()).toBeUndefined();
  });
});
