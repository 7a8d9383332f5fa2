// The parallel tree reader (big trees): forced on for a small tree with a tiny ring that wraps
// many times, it must give exactly the sequential NAR, and an add must give the same object.
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeNar } from "../../store/format/index.js";
import { fsTree } from "../../store/fs-tree.js";
import { openFsTree, parallelTreeSettings } from "../../store/parallel-tree.js";
import { Layout, LocalStore, verifyStore } from "../../store/index.js";
import { rmTree, tmpDir } from "../helpers/cli.js";

const saved = { ...parallelTreeSettings };
const dirs: string[] = [];
afterEach(() => {
  Object.assign(parallelTreeSettings, saved);
  for (const d of dirs.splice(0)) rmTree(d);
});

function narOf(t: ReturnType<typeof fsTree>): Buffer {
  const c: Buffer[] = [];
  writeNar(t, (x) => c.push(Buffer.from(x)));
  return Buffer.concat(c);
}

function makeTree(): string {
  const dir = tmpDir("cairn-ptree-");
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "sub/deeper"), { recursive: true });
  for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(dir, i % 3 ? "sub" : "", `f${i}`), "x".repeat(i * 37));
  fs.writeFileSync(path.join(dir, "sub/deeper/run"), "#!/bin/sh\n", { mode: 0o755 });
  fs.symlinkSync("../f0", path.join(dir, "sub/link"));
  fs.writeFileSync(Buffer.from(dir + "/\xff\xfe", "latin1"), "non-utf8 name");
  return dir;
}

describe("parallel tree reading", () => {
  it("gives the sequential NAR byte for byte, with the worker doing part of the files", () => {
    const dir = makeTree();
    Object.assign(parallelTreeSettings, { minFiles: 1, awaitWorker: true, ringBytes: 1 << 16, maxChunk: 1 << 12 });
    const t = openFsTree(dir);
    let nar: Buffer;
    try {
      nar = narOf(t.root);
    } finally {
      t.close();
    }
    expect(t.parallel).toBe(true);
    expect(t.stats().workerFiles).toBeGreaterThan(0);
    expect(nar.equals(narOf(fsTree(dir)))).toBe(true);
  });

  it("adds the same store object as a sequential add, and verify is clean", async () => {
    const dir = makeTree();
    const seqRoot = tmpDir("cairn-ptree-seq-");
    const parRoot = tmpDir("cairn-ptree-par-");
    dirs.push(seqRoot, parRoot);
    const seq = LocalStore.open(new Layout(seqRoot, "/nix/store"));
    const a = seq.addPath(dir, { name: "t" });
    const infoA = seq.queryPathInfo(a)!;
    await seq.close();
    Object.assign(parallelTreeSettings, { minFiles: 1, awaitWorker: true, ringBytes: 1 << 16, maxChunk: 1 << 12 });
    const par = LocalStore.open(new Layout(parRoot, "/nix/store"));
    const b = par.addPath(dir, { name: "t" });
    expect(b).toBe(a);
    expect(par.queryPathInfo(b)!.narHash).toBe(infoA.narHash);
    const report = verifyStore(par, { checkContents: true });
    expect(report.problems).toEqual([]);
    expect(report.garbage).toEqual([]);
    await par.close();
  });
});
