// Deterministic file trees for the differential tests against Nix 2.8 (test/nix/differential.test.ts)
// and for scripts/gen-nix-goldens.mjs, which records Nix's answers for them in
// test/fixtures/nix/goldens.json.
//
// Every byte that a NAR records is fixed here: file contents, the owner-execute bit (every mode is
// set with chmod after creation, so the umask never matters), symlink targets (stored verbatim,
// never resolved against the machine) and entry names (Buffers where they are not UTF-8).
// What a NAR does not record (timestamps, owners, other mode bits, hard links, creation order)
// is deliberately varied where it is cheap, to show that it does not leak into hashes.
//
// Changing anything here changes Nix's answers: rerun `node scripts/gen-nix-goldens.mjs`.
import fs from "node:fs";
import path from "node:path";

export type Name = string | Buffer;

export type Node =
  | { type: "regular"; mode: number; contents: string | Buffer }
  /** `size` pseudo-random bytes from `seed` (see bigContents). */
  | { type: "generated"; mode: number; size: number; seed: number }
  /** Entries are created in the order given (not sorted); the mode is applied after them. */
  | { type: "directory"; mode: number; entries: Array<[Name, Node]> }
  | { type: "symlink"; target: string | Buffer }
  /** A hard link to an earlier regular file, given as name components from the tree's top. */
  | { type: "hardlink"; to: Name[] };

export interface TreeDef {
  /** The top-level file name; also the store name, so only `A-Za-z0-9+-._?=`. */
  name: string;
  about: string;
  /** Large enough that tests should touch it once per mode only. */
  big?: boolean;
  root: Node;
}

export type TreeKind = "regular" | "directory" | "symlink";

// --- small constructors --------------------------------------------------------------------
const file = (contents: string | Buffer, mode = 0o644): Node => ({ type: "regular", mode, contents });
const exe = (contents: string | Buffer, mode = 0o755): Node => ({ type: "regular", mode, contents });
const dir = (entries: Array<[Name, Node]>, mode = 0o755): Node => ({ type: "directory", mode, entries });
const link = (target: string | Buffer): Node => ({ type: "symlink", target });

export const MiB = 1 << 20;

// --- pseudo-random bytes -------------------------------------------------------------------
/** mulberry32: a tiny 32-bit PRNG; `size` must be a multiple of 4. */
export function prngBlock(seed: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let a = seed >>> 0;
  for (let i = 0; i < size; i += 4) {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    b.writeUInt32LE((t ^ (t >>> 14)) >>> 0, i);
  }
  return b;
}

/**
 * Writes `size` bytes to fd: one 1 MiB PRNG block, repeated, with the block number and the page
 * number stamped into the first 8 bytes of every 4 KiB page, so no two pages of the file are
 * equal (the file is not periodic) while generation stays at memcpy speed.
 */
function writeGenerated(fd: number, size: number, seed: number): void {
  const base = prngBlock(seed, MiB);
  const buf = Buffer.allocUnsafe(MiB);
  for (let off = 0, block = 0; off < size; off += MiB, block++) {
    base.copy(buf);
    for (let page = 0; page < MiB / 4096; page++) {
      buf.writeUInt32LE((block ^ base.readUInt32LE(page * 4096)) >>> 0, page * 4096);
      buf.writeUInt32LE((page * 0x9e3779b1) >>> 0, page * 4096 + 4);
    }
    const n = Math.min(MiB, size - off);
    let done = 0;
    while (done < n) done += fs.writeSync(fd, buf, done, n - done);
  }
}

// --- the trees -----------------------------------------------------------------------------
/** Names whose byte order (what Nix uses) differs from UTF-16 and from locale order. */
const SORT_NAMES: string[] = [
  "a", "Z", "_", "a.b", "A", "a-b", "ä", "a\u0308", "\uFB01" /* ﬁ */, "\u{1F980}" /* 🦀 */,
  "aa", "a0", "B", "~", "0", "\u00FF", "\u0100", "\uE000", "\uFFFD", "ab", "a_b", "AB",
];

function sortNamesTree(): Node {
  const entries: Array<[Name, Node]> = SORT_NAMES.map((n, i): [Name, Node] => {
    if (i % 5 === 3) return [n, link(`target-of-${i}`)];
    return [n, file(`${i}:${n}\n`, i % 4 === 0 ? 0o755 : 0o644)];
  });
  // The same names again one level down, as directories holding one entry each.
  entries.push(["sub", dir(SORT_NAMES.map((n, i): [Name, Node] => [n, dir([["x", file(String(i))]])]).reverse())]);
  return dir(entries);
}

function nestedTree(): Node {
  // nested/l1/l2/l3/l4/l5/l6: six directory levels, something at every level.
  let below: Node | undefined;
  for (let level = 6; level >= 1; level--) {
    const entries: Array<[Name, Node]> = [[`f${level}.txt`, file(`level ${level}\n`.repeat(level))]];
    if (level % 2 === 0) entries.push([`x${level}`, exe(`#!/bin/sh\nexit ${level}\n`)]);
    if (below) entries.unshift([`l${level + 1}`, below]);
    else entries.push(["leaf.txt", file("the bottom\n")], ["empty", dir([])], ["up", link("../../../../../../top.txt")]);
    below = dir(entries);
  }
  return dir([["top.txt", file("top\n")], ["l1", below!]]);
}

function symlinksTree(): Node {
  return dir([
    ["target.txt", file("I am the target\n")],
    ["rel", link("target.txt")],
    ["rel-dot", link("./target.txt")],
    ["up", link("../symlinks/target.txt")],
    ["abs", link("/nix/store/00000000000000000000000000000000-none/bin/sh")],
    ["abs-root", link("/")],
    ["dangling", link("does/not/exist")],
    ["dot", link(".")],
    ["dotdot", link("..")],
    ["self", link("self")],
    ["loop-a", link("loop-b")],
    ["loop-b", link("loop-a")],
    ["dir-link", link("sub")],
    ["sub", dir([["inner", link("../rel")], ["file", file("in sub\n")]])],
    ["trailing-slash", link("sub/")],
    ["spaces", link("a b  c")],
    ["utf8", link("ünïcödé/\u{1F980}")],
    ["newline", link("line1\nline2")],
    ["long", link("x/".repeat(1999) + "y")], // 3999 bytes, under PATH_MAX
  ]);
}

function manySmallTree(): Node {
  const dirs: Array<[Name, Node]> = [];
  for (let d = 0; d < 5; d++) {
    const entries: Array<[Name, Node]> = [];
    for (let i = 0; i < 100; i++) {
      const n = d * 100 + i;
      const size = (n * 7) % 41;
      const contents = Buffer.alloc(size, 0x61 + (n % 26));
      // Created in a scrambled order: the NAR order must not depend on creation order.
      entries.push([`f${String((i * 37) % 100).padStart(2, "0")}-${n}`, n % 10 === 0 ? exe(contents) : file(contents)]);
    }
    dirs.push([`d${d}`, dir(entries)]);
  }
  return dir(dirs);
}

function padSizesTree(): Node {
  // Contents of 0..17 bytes and names of 1..18 bytes: every padding length, twice.
  const entries: Array<[Name, Node]> = [];
  for (let i = 0; i <= 17; i++) {
    const contents = Buffer.alloc(i);
    for (let j = 0; j < i; j++) contents[j] = (j * 31 + i) & 0xff;
    entries.push(["n".repeat(i) + String.fromCharCode(0x61 + (i % 26)), file(contents)]);
  }
  return dir(entries);
}

function oddNamesTree(): Node {
  const names = [
    " leading space", "trailing space ", "tab\there", "new\nline", "cr\rhere", "back\\slash", "quote\"'`",
    ".hidden", "...", "..a", ".-x", "-rf", "*", "?", ":", "#", "%41", "=", "a=b", "$HOME", "日本語",
    "n".repeat(255), // NAME_MAX bytes
    "\u00e9".repeat(127), // 254 bytes of 2-byte UTF-8
  ];
  return dir(names.map((n, i): [Name, Node] => [n, i % 7 === 6 ? dir([["x", file(n)]]) : file(`${i}\n`)]));
}

function nonUtf8Tree(): Node {
  return dir([
    [Buffer.from([0xff]), file("ff\n")],
    [Buffer.from([0x80]), file("80\n")],
    [Buffer.from([0xc3, 0x28]), file("c3 28\n")],
    [Buffer.from("caf\xe9", "latin1"), file("latin-1\n")],
    [Buffer.from([0xed, 0xa0, 0x80]), file("lone surrogate, CESU style\n")],
    [Buffer.from("caf\u00e9"), file("utf-8\n")],
    ["ok", link(Buffer.from([0x2e, 0x2f, 0xfe, 0xff]))], // non-UTF-8 symlink target
  ]);
}

function modesTree(): Node {
  return dir([
    ["0600", file("0600\n", 0o600)],
    ["0644", file("0644\n", 0o644)],
    ["0664", file("0664\n", 0o664)],
    ["0670", file("0670 is not executable (no u+x)\n", 0o670)],
    ["0677", file("0677\n", 0o677)],
    ["0700", file("0700\n", 0o700)],
    ["0711", file("0711 is executable\n", 0o711)],
    ["0744", file("0744\n", 0o744)],
    ["0755", file("0755\n", 0o755)],
    ["0500", file("0500\n", 0o500)],
    ["0444", file("0444\n", 0o444)],
    ["4755", file("setuid\n", 0o4755)],
    ["empty-exec", file("", 0o755)],
    ["dir-0700", dir([["f", file("in 0700 dir\n")]], 0o700)],
    ["dir-0555", dir([["f", file("in read-only dir\n")]], 0o555)],
    ["dir-1777", dir([], 0o1777)],
  ]);
}

function hardlinksTree(): Node {
  return dir([
    ["original", file("shared inode\n")],
    ["again", { type: "hardlink", to: ["original"] }],
    ["sub", dir([["third", { type: "hardlink", to: ["original"] }]])],
    ["exec", exe("#!/bin/sh\n")],
    ["exec-link", { type: "hardlink", to: ["exec"] }],
  ]);
}

function binaryContents(): Buffer {
  const b = Buffer.alloc(1029);
  for (let i = 0; i < b.length; i++) b[i] = (i * 167 + (i >> 8)) & 0xff;
  return b;
}

export const TREES: readonly TreeDef[] = [
  { name: "regular.txt", about: "a regular file, 0644", root: file("Hello, cairn!\nThis is a regular file.\n") },
  { name: "executable.sh", about: "an executable file, 0755", root: exe("#!/bin/sh\necho hello\n") },
  { name: "empty-file", about: "an empty regular file", root: file("") },
  { name: "empty-exec", about: "an empty executable file", root: exe("") },
  { name: "binary.bin", about: "1029 bytes covering every byte value", root: file(binaryContents()) },
  { name: "mode-0670", about: "mode 0670: group/other x, no owner x, so not executable", root: file("rw-rwx---\n", 0o670) },
  { name: "mode-0711", about: "mode 0711: executable", root: file("rwx--x--x\n", 0o711) },
  { name: "odd+name=1.0_x-y", about: "a store name using + = . _ -", root: file("odd name\n") },
  {
    name: "big.bin",
    about: "64 MiB + 5 bytes of pseudo-random data (not periodic), 0644",
    big: true,
    root: { type: "generated", mode: 0o644, size: 64 * MiB + 5, seed: 0xca1e },
  },
  { name: "empty-dir", about: "an empty directory", root: dir([]) },
  { name: "nested", about: "directories 6 deep with files, an empty dir and a symlink at the bottom", root: nestedTree() },
  { name: "symlinks", about: "relative, absolute, dangling, looping, long and odd symlinks", root: symlinksTree() },
  { name: "top-link", about: "a top-level symlink (relative, to a sibling tree)", root: link("regular.txt") },
  { name: "top-link-abs", about: "a top-level dangling absolute symlink", root: link("/nonexistent/cairn/target") },
  { name: "sort-names", about: "names whose byte order differs from UTF-16 and locale order", root: sortNamesTree() },
  {
    name: "demo",
    about: "NIX-COMPAT.md §3.3: README, bin/run (exec), link -> README",
    root: dir([
      ["link", link("README")],
      ["bin", dir([["run", exe("echo\n")]])],
      ["README", file("x")],
    ]),
  },
  { name: "modes", about: "files and directories in many modes (only u+x of files counts)", root: modesTree() },
  { name: "many-small", about: "500 small files in 5 directories, created out of order", root: manySmallTree() },
  { name: "pad-sizes", about: "contents of 0..17 bytes, names of 1..18 bytes", root: padSizesTree() },
  { name: "odd-names", about: "names with spaces, control characters, shell metacharacters, 255 bytes", root: oddNamesTree() },
  { name: "non-utf8-names", about: "entry names and a symlink target that are not valid UTF-8", root: nonUtf8Tree() },
  { name: "hardlinks", about: "hard links (not recorded by NARs)", root: hardlinksTree() },
];

export function treeKind(def: TreeDef): TreeKind {
  const t = def.root.type;
  if (t === "directory" || t === "symlink") return t;
  return "regular";
}

// --- materialising -------------------------------------------------------------------------
const SLASH = Buffer.from("/");
const join = (a: Buffer, b: Name): Buffer => Buffer.concat([a, SLASH, typeof b === "string" ? Buffer.from(b) : b]);

function materialise(p: Buffer, node: Node, top: Buffer): void {
  switch (node.type) {
    case "regular":
      fs.writeFileSync(p, node.contents, { mode: 0o600 });
      fs.chmodSync(p, node.mode);
      return;
    case "generated": {
      const fd = fs.openSync(p, "w", 0o600);
      try {
        writeGenerated(fd, node.size, node.seed);
      } finally {
        fs.closeSync(fd);
      }
      fs.chmodSync(p, node.mode);
      return;
    }
    case "directory":
      fs.mkdirSync(p, { mode: 0o700 });
      for (const [name, child] of node.entries) materialise(join(p, name), child, top);
      fs.chmodSync(p, node.mode); // last, so read-only directories can be filled first
      return;
    case "symlink":
      fs.symlinkSync(node.target, p);
      return;
    case "hardlink":
      fs.linkSync(node.to.reduce(join, top), p);
      return;
  }
}

/** Creates `parentDir/def.name` (which must not exist) and returns its path. */
export function buildTree(parentDir: string, def: TreeDef): string {
  const p = path.join(parentDir, def.name);
  const pb = Buffer.from(p);
  materialise(pb, def.root, pb);
  return p;
}

/** Builds every tree (or those `only` accepts) under `parentDir`; tree name -> path. */
export function buildTrees(parentDir: string, only: (def: TreeDef) => boolean = () => true): Map<string, string> {
  fs.mkdirSync(parentDir, { recursive: true });
  const out = new Map<string, string>();
  for (const def of TREES) if (only(def)) out.set(def.name, buildTree(parentDir, def));
  return out;
}
