// cli/code-cache.ts: the bundled CLI runs with a V8 code cache in $XDG_CACHE_HOME/cairn/code, one
// file per command, written after the command first succeeds. A cache only ever costs or saves
// time: whatever is in the directory, the command's output is the same. Real CLI processes.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheNames } from "../../cli/code-cache.js";
import { cairn, rmTree, tmpDir } from "../helpers/cli.js";

let dir: string;
let file: string;
beforeAll(() => {
  dir = tmpDir("cairn-code-cache-");
  file = path.join(dir, "hello.txt");
  fs.writeFileSync(file, "hello\n");
});
afterAll(() => rmTree(dir));

/** A fresh cache home and store; runs `args` there. */
function setup(name: string) {
  const home = path.join(dir, name);
  const env = { XDG_CACHE_HOME: path.join(home, "cache"), CAIRN_ROOT: path.join(home, "root"), CAIRN_CODE_CACHE: undefined };
  const codeDir = path.join(home, "cache", "cairn", "code");
  const run = (args: string[], extra: Record<string, string | undefined> = {}) => cairn(args, { env: { ...env, ...extra } });
  // The files' names, from the subdirectories they sit in by their first two characters.
  const files = () => (fs.existsSync(codeDir) ? fs.readdirSync(codeDir).flatMap((d) => fs.readdirSync(path.join(codeDir, d))).sort() : []);
  const pathOf = (name: string) => path.join(codeDir, name.slice(0, 2), name);
  return { run, files, pathOf, codeDir };
}

function digestOk(bytes: Buffer): boolean {
  return createHash("sha256").update(bytes.subarray(32)).digest().equals(bytes.subarray(0, 32));
}

describe("the code cache", () => {
  it("is written when a command first succeeds, then loaded and left as it is", () => {
    const { run, files, pathOf } = setup("first");
    const a = run(["add", file]);
    expect(a.status, a.stderr).toBe(0);
    const written = files();
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^[0-9a-f]{32}-add\.v8$/);
    const p = pathOf(written[0]!);
    const bytes = fs.readFileSync(p);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(digestOk(bytes)).toBe(true);
    const before = fs.statSync(p);

    const b = run(["add", file]);
    expect(b.status, b.stderr).toBe(0);
    expect(b.out).toBe(a.out);
    // Accepted by V8, so not written again (a rejected or unread cache is rewritten: below), but
    // marked used.
    const after = fs.statSync(p);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBeGreaterThanOrEqual(before.mtimeMs);
  });

  it("names a command of two words by both", () => {
    const { run, files } = setup("two-words");
    expect(run(["profile", "list"]).status).toBe(0);
    expect(files()).toEqual([expect.stringMatching(/^[0-9a-f]{32}-profile-list\.v8$/)]);
  });

  it("is not written for a command that fails, or for a usage error", () => {
    const { run, files } = setup("fails");
    expect(run(["add", path.join(dir, "missing")]).status).not.toBe(0);
    expect(run(["nosuch"]).status).not.toBe(0);
    expect(files()).toEqual([]);
  });

  it("a damaged file is ignored and replaced", () => {
    const { run, files, pathOf } = setup("damaged");
    const good = run(["add", file]);
    const p = pathOf(files()[0]!);
    const bytes = fs.readFileSync(p);
    bytes[bytes.length >> 1]! ^= 0xff;
    fs.writeFileSync(p, bytes);
    const r = run(["add", file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.out).toBe(good.out);
    expect(digestOk(fs.readFileSync(p))).toBe(true);

    fs.truncateSync(p, 10);
    expect(run(["add", file]).out).toBe(good.out);
    expect(digestOk(fs.readFileSync(p))).toBe(true);
  });

  it("a file V8 rejects (whole, but not V8's data for this script) is compiled over and replaced", () => {
    const { run, files, pathOf } = setup("rejected");
    const good = run(["add", file]);
    const p = pathOf(files()[0]!);
    const junk = Buffer.alloc(50_000, 7);
    fs.writeFileSync(p, Buffer.concat([createHash("sha256").update(junk).digest(), junk]));
    const r = run(["add", file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.out).toBe(good.out);
    const now = fs.readFileSync(p);
    expect(digestOk(now)).toBe(true);
    expect(now.subarray(32).equals(junk)).toBe(false);
  });

  it("writing a cache removes the files not used for a day: other builds', and writes cut short", () => {
    const { run, files, pathOf } = setup("others");
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    const make = (name: string, old: boolean) => {
      fs.mkdirSync(path.dirname(pathOf(name)), { recursive: true });
      fs.writeFileSync(pathOf(name), "x");
      if (old) fs.utimesSync(pathOf(name), dayAgo, dayAgo);
    };
    const other = "f".repeat(32);
    make(`${other}-add.v8`, true); // another build's, unused for a day
    make(`${other}-build.v8`, false); // another installation's, in use
    make(`${other}-gc.v8.123.0.tmp`, true); // a write cut short a day ago
    make(`${other}-gc.v8.456.0.tmp`, false); // another process's write under way
    expect(run(["verify"]).status).toBe(0);
    const left = files();
    expect(left.filter((f) => /^[0-9a-f]{32}-verify\.v8$/.test(f))).toHaveLength(1);
    expect(left.filter((f) => !f.endsWith("-verify.v8"))).toEqual([`${other}-build.v8`, `${other}-gc.v8.456.0.tmp`]);
  });

  it("CAIRN_CODE_CACHE=0 reads and writes nothing", () => {
    const { run, files } = setup("off");
    expect(run(["add", file], { CAIRN_CODE_CACHE: "0" }).status).toBe(0);
    expect(files()).toEqual([]);
  });

  it("a cache directory that cannot be made costs nothing but the cache", () => {
    const { run } = setup("unwritable");
    const blocker = path.join(dir, "unwritable-file");
    fs.writeFileSync(blocker, "not a directory");
    const r = run(["add", file], { XDG_CACHE_HOME: blocker });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.out).toMatch(/-hello\.txt\n$/);
  });
});

describe("cacheNames", () => {
  it("tries the first two words, then the first; options are skipped and odd words never name a file", () => {
    expect(cacheNames(["profile", "install", "--profile", "p", "x.ts"])).toEqual(["profile-install", "profile"]);
    expect(cacheNames(["build", "-A", "hello", "x.ts"])).toEqual(["build-hello", "build"]);
    expect(cacheNames(["build", "./x.ts"])).toEqual(["build"]);
    expect(cacheNames(["--version"])).toEqual([]);
    expect(cacheNames(["../../etc", "passwd"])).toEqual([]);
    expect(cacheNames(["Add", "x"])).toEqual([]);
  });
});
