// profiles/user-env.ts's fsTreeReader on a real directory: names come back as latin1 strings of
// their bytes (ASCII, other UTF-8, and bytes that are not UTF-8 at all), symlinks count as
// directories when they lead to one, and the union of such trees hashes and writes as the bytes
// say (buildenv.ts's unionTree against the NAR of what add-tree wrote).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fsTreeReader } from "../../profiles/user-env.js";
import { buildUnion, toLatin1, unionTree } from "../../profiles/buildenv.js";
import { narBytes } from "../../store/format/index.js";
import { rmTree, tmpDir } from "../helpers/cli.js";

let dir: string;
const latin1 = (b: Buffer) => b.toString("latin1");
const bad = Buffer.from([0x66, 0xff, 0x6f]); // "f\xffo": not UTF-8
const fffd = Buffer.from("x\ufffdy"); // valid UTF-8 that contains U+FFFD itself

beforeAll(() => {
  dir = tmpDir("cairn-tree-reader-");
  const a = path.join(dir, "a");
  fs.mkdirSync(path.join(a, "bin"), { recursive: true });
  fs.writeFileSync(path.join(a, "bin", "plain"), "");
  fs.writeFileSync(path.join(a, "bin", "héllo"), "");
  fs.mkdirSync(path.join(a, "share"));
  fs.symlinkSync("../bin", path.join(a, "share", "to-dir"));
  fs.symlinkSync("nowhere", path.join(a, "share", "dangling"));
  fs.symlinkSync("../bin/plain", path.join(a, "share", "to-file"));
  const b = Buffer.from(path.join(dir, "b/"));
  fs.mkdirSync(b, { recursive: true });
  fs.mkdirSync(Buffer.concat([b, bad]));
  fs.writeFileSync(Buffer.concat([b, bad, Buffer.from("/in-bad")]), "");
  fs.writeFileSync(Buffer.concat([b, fffd]), "");
  fs.writeFileSync(Buffer.concat([b, Buffer.from("ok")]), "");
  fs.mkdirSync(Buffer.concat([b, Buffer.from("bin")]));
  fs.writeFileSync(Buffer.concat([b, Buffer.from("bin/other")]), "");
});
afterAll(() => rmTree(dir));

const sorted = <T extends { name: string }>(xs: T[]) => [...xs].sort((x, y) => (x.name < y.name ? -1 : 1));

describe("fsTreeReader", () => {
  it("reads ASCII and other UTF-8 names as latin1 strings of their bytes; symlinks to directories are directories", () => {
    const bin = toLatin1(path.join(dir, "a", "bin"));
    expect(sorted(fsTreeReader.readDir(bin)!)).toEqual(sorted([
      { name: "plain", isDir: false },
      { name: latin1(Buffer.from("héllo")), isDir: false },
    ]));
    expect(sorted(fsTreeReader.readDir(toLatin1(path.join(dir, "a", "share")))!)).toEqual([
      { name: "dangling", isDir: false },
      { name: "to-dir", isDir: true },
      { name: "to-file", isDir: false },
    ]);
    // not a directory, or missing: undefined (buildUnion's "not a directory" refusal)
    expect(fsTreeReader.readDir(`${bin}/plain`)).toBeUndefined();
    expect(fsTreeReader.readDir(`${bin}/missing`)).toBeUndefined();
    expect(fsTreeReader.readDir(toLatin1(path.join(dir, "a", "share", "to-dir")))).toBeDefined();
  });

  it("names that are not UTF-8 keep their bytes, and can be read below", () => {
    const b = toLatin1(path.join(dir, "b"));
    expect(sorted(fsTreeReader.readDir(b)!)).toEqual(sorted([
      { name: latin1(bad), isDir: true },
      { name: latin1(fffd), isDir: false },
      { name: "ok", isDir: false },
      { name: "bin", isDir: true },
    ]));
    expect(fsTreeReader.readDir(`${b}/${latin1(bad)}`)).toEqual([{ name: "in-bad", isDir: false }]);
  });

  it("the union's NAR names the bytes on disk", () => {
    const pkg = (x: string) => ({ storePath: `/s/${x}`, realPath: path.join(dir, x), label: x, priority: 5 });
    const nar = Buffer.from(narBytes(unionTree(buildUnion([pkg("a"), pkg("b")], fsTreeReader), new Map())));
    // bin/ is in both, so merged: héllo is a name in the NAR, and a target
    for (const n of [bad, fffd, Buffer.from("héllo"), Buffer.from("/s/a/bin/héllo"), Buffer.from("/s/b/bin/other")]) expect(nar.includes(n), n.toString("hex")).toBe(true);
    // the second read of the union tree gives the same bytes (entries are made once and kept)
    const t = unionTree(buildUnion([pkg("a"), pkg("b")], fsTreeReader), new Map([["manifest.json", Buffer.from("{}")]]));
    expect(Buffer.compare(Buffer.from(narBytes(t)), Buffer.from(narBytes(t)))).toBe(0);
  });
});
