// NAR writer over an abstract tree. Nix: src/libutil/archive.cc (dump).
// The tree is lazy (fs adapters read files only when the writer reaches them); output goes to a
// sink in chunks that are only valid during the call, batched so hashing sees few big updates.
import { CairnError } from "./errors.js";
import { compareBytes } from "./bytes.js";

/** Deepest directory nesting a NAR may have (CVE-2026-44028: unbounded recursion). */
export const NAR_MAX_DEPTH = 64;
export const NAR_MAX_NAME = 255;
export const NAR_MAX_TARGET = 4095;

export type TreeNode = RegularNode | SymlinkNode | DirectoryNode;
export interface RegularNode {
  readonly type: "regular";
  readonly executable: boolean;
  readonly size: number;
  /** Yields the contents; the chunks must add up to exactly `size` bytes. */
  contents(): Iterable<Uint8Array>;
}
export interface SymlinkNode {
  readonly type: "symlink";
  readonly target: Uint8Array;
}
export interface DirectoryNode {
  readonly type: "directory";
  /** Entries in any order (the writer sorts by name bytes); nodes are built lazily. */
  entries(): Iterable<readonly [name: Uint8Array, node: () => TreeNode]>;
  /** Called after the directory's last entry has been written. */
  end?(): void;
}

export type ByteSink = (chunk: Uint8Array) => void;

const BUF_SIZE = 1 << 16;

/** Buffers small tokens; passes big content chunks straight through. */
class TokenWriter {
  private buf = Buffer.allocUnsafe(BUF_SIZE);
  private pos = 0;
  size = 0;
  constructor(private readonly sink: ByteSink) {}

  private room(n: number): void {
    if (this.pos + n > BUF_SIZE) this.flush();
  }
  flush(): void {
    if (this.pos > 0) {
      this.sink(this.buf.subarray(0, this.pos));
      // The sink may not keep the chunk; a fresh buffer makes that safe even if it does.
      this.buf = Buffer.allocUnsafe(BUF_SIZE);
      this.pos = 0;
    }
  }
  int(n: number): void {
    this.room(8);
    // Two 32-bit halves: BigInt conversion is measurably slower on 20k-file trees.
    this.buf.writeUInt32LE(n % 0x100000000, this.pos);
    this.buf.writeUInt32LE(Math.floor(n / 0x100000000), this.pos + 4);
    this.pos += 8;
    this.size += 8;
  }
  bytes(b: Uint8Array): void {
    if (b.length >= BUF_SIZE / 4) {
      this.flush();
      this.sink(b);
    } else {
      this.room(b.length);
      this.buf.set(b, this.pos);
      this.pos += b.length;
    }
    this.size += b.length;
  }
  pad(len: number): void {
    const p = (8 - (len % 8)) % 8;
    if (p > 0) {
      this.room(p);
      this.buf.fill(0, this.pos, this.pos + p);
      this.pos += p;
      this.size += p;
    }
  }
  str(b: Uint8Array): void {
    this.int(b.length);
    this.bytes(b);
    this.pad(b.length);
  }
}

const T = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const MAGIC = T("nix-archive-1");
const OPEN = T("(");
const CLOSE = T(")");
const TYPE = T("type");
const REGULAR = T("regular");
const EXECUTABLE = T("executable");
const EMPTY = new Uint8Array(0);
const CONTENTS = T("contents");
const SYMLINK = T("symlink");
const TARGET = T("target");
const DIRECTORY = T("directory");
const ENTRY = T("entry");
const NAME = T("name");
const NODE = T("node");

function checkEntryName(name: Uint8Array, path: string): void {
  const bad =
    name.length === 0 ||
    name.length > NAR_MAX_NAME ||
    name.includes(0x2f) ||
    name.includes(0) ||
    (name.length === 1 && name[0] === 0x2e) ||
    (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
  if (bad) throw new CairnError("E_NAR_FORMAT", `invalid file name in '${path}'`, { path, reason: "bad-name" });
}

function writeNode(w: TokenWriter, node: TreeNode, depth: number, path: string): void {
  w.str(OPEN);
  w.str(TYPE);
  switch (node.type) {
    case "regular": {
      w.str(REGULAR);
      if (node.executable) {
        w.str(EXECUTABLE);
        w.str(EMPTY);
      }
      w.str(CONTENTS);
      w.int(node.size);
      let n = 0;
      for (const chunk of node.contents()) {
        n += chunk.length;
        if (n > node.size) break;
        w.bytes(chunk);
      }
      if (n !== node.size) {
        throw new CairnError("E_IO", `file '${path}' changed size while being read (${node.size} -> ${n} bytes)`, {
          path,
        });
      }
      w.pad(n);
      break;
    }
    case "symlink":
      if (node.target.length === 0 || node.target.length > NAR_MAX_TARGET || node.target.includes(0)) {
        throw new CairnError("E_NAR_FORMAT", `symlink '${path}' has an invalid target`, { path, reason: "bad-target" });
      }
      w.str(SYMLINK);
      w.str(TARGET);
      w.str(node.target);
      break;
    case "directory": {
      if (depth >= NAR_MAX_DEPTH) {
        throw new CairnError("E_NAR_FORMAT", `'${path}' exceeds the maximum directory depth of ${NAR_MAX_DEPTH}`, {
          path,
          reason: "too-deep",
        });
      }
      w.str(DIRECTORY);
      const entries = [...node.entries()].sort((a, b) => compareBytes(a[0], b[0]));
      let prev: Uint8Array | undefined;
      for (const [name, child] of entries) {
        const childPath = `${path}/${Buffer.from(name).toString()}`;
        checkEntryName(name, childPath);
        // Two entries with one name would make a NAR that no reader accepts ("not sorted").
        if (prev !== undefined && compareBytes(prev, name) === 0) {
          throw new CairnError("E_NAR_FORMAT", `duplicate file name '${childPath}'`, { path: childPath, reason: "duplicate-name" });
        }
        prev = name;
        w.str(ENTRY);
        w.str(OPEN);
        w.str(NAME);
        w.str(name);
        w.str(NODE);
        writeNode(w, child(), depth + 1, childPath);
        w.str(CLOSE);
      }
      node.end?.();
      break;
    }
  }
  w.str(CLOSE);
}

/** Serialise `root` as a NAR into `sink`; returns the NAR's size in bytes. */
export function writeNar(root: TreeNode, sink: ByteSink, rootPath = ""): number {
  const w = new TokenWriter(sink);
  w.str(MAGIC);
  writeNode(w, root, 0, rootPath);
  w.flush();
  return w.size;
}

/** The NAR of `root` as one buffer (tests and small objects). */
export function narBytes(root: TreeNode): Uint8Array {
  const chunks: Uint8Array[] = [];
  writeNar(root, (c) => chunks.push(new Uint8Array(c)));
  return new Uint8Array(Buffer.concat(chunks));
}

// In-memory trees, for tests and for objects cairn makes itself (text files, environments).
export type MemTree =
  | { type: "regular"; executable?: boolean; contents: Uint8Array | string }
  | { type: "symlink"; target: string | Uint8Array }
  | { type: "directory"; entries: Record<string, MemTree> | Map<Uint8Array | string, MemTree> };

const bytesOf = (s: Uint8Array | string) => (typeof s === "string" ? new Uint8Array(Buffer.from(s)) : s);

export function memTree(t: MemTree): TreeNode {
  switch (t.type) {
    case "regular": {
      const c = bytesOf(t.contents);
      return { type: "regular", executable: t.executable ?? false, size: c.length, contents: () => [c] };
    }
    case "symlink":
      return { type: "symlink", target: bytesOf(t.target) };
    case "directory": {
      const list = t.entries instanceof Map ? [...t.entries] : Object.entries(t.entries);
      return {
        type: "directory",
        entries: () => list.map(([n, c]) => [bytesOf(n), () => memTree(c)] as const),
      };
    }
  }
}
