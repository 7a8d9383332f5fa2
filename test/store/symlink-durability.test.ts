// A store object holding a symlink is made durable by syncfs before it is renamed into place: no
// file descriptor opens a symlink, and on ext4 without a journal (these machines' work disk)
// fsync of its directory writes the entry, not the symlink's inode. Checked on the system-call
// trace (strace -f follows the `sync -f` child that calls syncfs) of a small `cairn add`, which
// otherwise fsyncs file by file, and of a profile install, whose environment is all symlinks.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cairnOk, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";

let dir: string;
let env: Record<string, string>;

beforeAll(() => {
  dir = tmpDir("cairn-symlink-sync-");
  env = { CAIRN_ROOT: path.join(dir, "root") };
});
afterAll(() => rmTree(dir));

/** The traced calls of `cairn ARGS`, in order, as "call(args" strings (and "<... call resumed>" ones). */
function trace(args: string[]): string[] {
  const out = path.join(dir, `trace-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync("strace", ["-f", "-qq", "-o", out, "-e", "trace=symlink,syncfs,fsync,rename", process.execPath, CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  // A call another thread interrupts is split: "call(args <unfinished ...>" and "<... call resumed>".
  const lines = fs.readFileSync(out, "utf8").split("\n").filter((l) => /^\d+\s+(\w+\(|<\.\.\. \w+ resumed>)/.test(l));
  fs.rmSync(out);
  return lines.map((l) => l.replace(/^\d+\s+/, ""));
}

/** A syncfs that has returned 0 (in one line, or where it resumed). */
const syncfsDone = (c: string) => /^(syncfs\(\d+\)|<\.\.\. syncfs resumed>.*)\s+= 0$/.test(c);

/** Index of the rename of a private temp tree onto `storePath` (its base name). */
function renameInto(calls: string[], storePath: string): number {
  return calls.findIndex((c) => c.startsWith("rename(") && c.includes(`/.tmp-`) && c.includes(`/${path.basename(storePath)}"`));
}

describe("symlinks in store objects", () => {
  it("strace is installed (scripts/setup.sh)", () => {
    expect(hasCommand("strace")).toBe(true);
  });

  it("a small tree with a symlink: syncfs after its last symlink, before it is renamed into place", () => {
    const src = path.join(dir, "tree");
    fs.mkdirSync(path.join(src, "bin"), { recursive: true });
    fs.writeFileSync(path.join(src, "bin/tool"), "#!/bin/sh\n", { mode: 0o755 });
    fs.symlinkSync("tool", path.join(src, "bin/alias"));
    const calls = trace(["add", src]);
    const p = cairnOk(["add", src], { env }).trim();
    const renamed = renameInto(calls, p);
    expect(renamed, calls.join("\n")).toBeGreaterThan(0);
    const lastLink = calls.findLastIndex((c, i) => i < renamed && c.startsWith("symlink("));
    expect(lastLink).toBeGreaterThanOrEqual(0);
    expect(calls.slice(lastLink, renamed).some(syncfsDone)).toBe(true);
  });

  it("a tree without one is still fsynced file by file (no syncfs)", () => {
    const src = path.join(dir, "plain");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "a"), "a\n");
    const calls = trace(["add", src]);
    const p = cairnOk(["add", src], { env }).trim();
    const renamed = renameInto(calls, p);
    expect(renamed).toBeGreaterThan(0);
    expect(calls.slice(0, renamed).filter((c) => c.startsWith("syncfs("))).toEqual([]);
    expect(calls.slice(0, renamed).filter((c) => c.startsWith("fsync(")).length).toBeGreaterThanOrEqual(2);
  });

  it("a user environment: syncfs after its symlinks, before it is renamed into place", () => {
    const pkg = path.join(dir, "pkg");
    fs.mkdirSync(path.join(pkg, "bin"), { recursive: true });
    fs.writeFileSync(path.join(pkg, "bin/hello"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
    const sp = cairnOk(["add", pkg], { env }).trim();
    const calls = trace(["profile", "install", sp, "--profile", path.join(dir, "prof")]);
    const envPath = fs.realpathSync(path.join(dir, "prof"));
    const renamed = renameInto(calls, envPath);
    expect(renamed, calls.join("\n")).toBeGreaterThan(0);
    const lastLink = calls.findLastIndex((c, i) => i < renamed && c.startsWith("symlink("));
    expect(lastLink).toBeGreaterThanOrEqual(0);
    expect(calls.slice(lastLink, renamed).some(syncfsDone)).toBe(true);
  });
});
