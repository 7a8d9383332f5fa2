// NAR writer over an abstract tree. Nix: src/libutil/archive.cc (dump).
// The tree is lazy (fs adapters read files only when the writer reaches them); output goes to a
// sink in chunks that are only valid during the call, batched so hashing sees few big updates.
import { CairnError } from "./errors.js";
import { compareBytes } from "./bytes.js";
import { hashBytes, type Hash } from "./hash.js";

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
      // The buffer is reused: sinks consume chunks during the call (ByteSink's contract).
      this.sink(this.buf.subarray(0, this.pos));
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
      // A loop, not fill(): a native call per padding costs more than its 1-7 bytes.
      for (let i = 0; i < p; i++) this.buf[this.pos + i] = 0;
      this.pos += p;
      this.size += p;
    }
  }
  /** Pre-serialised tokens. */
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    this.size += b.length;
  }
  str(b: Uint8Array): void {
    this.int(b.length);
    this.bytes(b);
    this.pad(b.length);
  }
}

/** Serialised tokens, concatenated: each sequence is one copy into the output buffer. */
function ser(...tokens: string[]): Uint8Array {
  const parts: Buffer[] = [];
  for (const t of tokens) {
    const b = Buffer.from(t, "latin1");
    const len = Buffer.alloc(8);
    len.writeUInt32LE(b.length, 0);
    parts.push(len, b, Buffer.alloc((8 - (b.length % 8)) % 8));
  }
  return new Uint8Array(Buffer.concat(parts));
}
const MAGIC = ser("nix-archive-1");
const REGULAR_HEAD = ser("(", "type", "regular", "contents");
const EXECUTABLE_HEAD = ser("(", "type", "regular", "executable", "", "contents");
const SYMLINK_HEAD = ser("(", "type", "symlink", "target");
const DIRECTORY_HEAD = ser("(", "type", "directory");
const ENTRY_HEAD = ser("entry", "(", "name");
const NODE = ser("node");
const CLOSE = ser(")");

/** Whether `b` holds `x` or `y`. A loop: Buffer's includes() is a native call, costly on short names. */
function holds(b: Uint8Array, x: number, y: number): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] === x || b[i] === y) return true;
  return false;
}

function checkEntryName(name: Uint8Array, pathOf: PathOf): void {
  const bad =
    name.length === 0 ||
    name.length > NAR_MAX_NAME ||
    holds(name, 0x2f, 0) ||
    (name.length === 1 && name[0] === 0x2e) ||
    (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
  if (bad) {
    const path = pathOf();
    throw new CairnError("E_NAR_FORMAT", `invalid file name in '${path}'`, { path, reason: "bad-name" });
  }
}

type PathOf = () => string;

function writeNode(w: TokenWriter, node: TreeNode, depth: number, pathOf: PathOf): void {
  switch (node.type) {
    case "regular": {
      w.raw(node.executable ? EXECUTABLE_HEAD : REGULAR_HEAD);
      w.int(node.size);
      let n = 0;
      for (const chunk of node.contents()) {
        n += chunk.length;
        if (n > node.size) break;
        w.bytes(chunk);
      }
      if (n !== node.size) {
        const path = pathOf();
        throw new CairnError("E_IO", `file '${path}' changed size while being read (${node.size} -> ${n} bytes)`, {
          path,
        });
      }
      w.pad(n);
      break;
    }
    case "symlink":
      if (node.target.length === 0 || node.target.length > NAR_MAX_TARGET || holds(node.target, 0, 0)) {
        const path = pathOf();
        throw new CairnError("E_NAR_FORMAT", `symlink '${path}' has an invalid target`, { path, reason: "bad-target" });
      }
      w.raw(SYMLINK_HEAD);
      w.str(node.target);
      break;
    case "directory": {
      if (depth >= NAR_MAX_DEPTH) {
        const path = pathOf();
        throw new CairnError("E_NAR_FORMAT", `'${path}' exceeds the maximum directory depth of ${NAR_MAX_DEPTH}`, {
          path,
          reason: "too-deep",
        });
      }
      w.raw(DIRECTORY_HEAD);
      // Buffer.compare is native and compares unsigned bytes, as Nix's std::string order does.
      const entries = [...node.entries()].sort((a, b) => Buffer.compare(a[0], b[0]));
      let prev: Uint8Array | undefined;
      for (const [name, child] of entries) {
        const childPath = () => `${pathOf()}/${Buffer.from(name).toString()}`;
        checkEntryName(name, childPath);
        // Two entries with one name would make a NAR that no reader accepts ("not sorted").
        if (prev !== undefined && compareBytes(prev, name) === 0) {
          const path = childPath();
          throw new CairnError("E_NAR_FORMAT", `duplicate file name '${path}'`, { path, reason: "duplicate-name" });
        }
        prev = name;
        w.raw(ENTRY_HEAD);
        w.str(name);
        w.raw(NODE);
        writeNode(w, child(), depth + 1, childPath);
        w.raw(CLOSE);
      }
      node.end?.();
      break;
    }
  }
  w.raw(CLOSE);
}

/** Serialise `root` as a NAR into `sink`; returns the NAR's size in bytes. */
export function writeNar(root: TreeNode, sink: ByteSink, rootPath = ""): number {
  const w = new TokenWriter(sink);
  w.raw(MAGIC);
  writeNode(w, root, 0, () => rootPath);
  w.flush();
  return w.size;
}

const TEXT_HEAD = concatBytes(MAGIC, REGULAR_HEAD);

/**
 * sha256 and size of the NAR of one non-executable regular file, without a tree walk: the NAR
 * hash of a text object (.drv file, toFile result), as writeNar would give it.
 */
export function narHashOfFile(contents: Uint8Array): { hash: Hash; size: number } {
  const pad = (8 - (contents.length % 8)) % 8;
  const size = TEXT_HEAD.length + 8 + contents.length + pad + CLOSE.length;
  // The NAR whole, hashed in one call: a hash object and five updates per .drv cost more than
  // the copy (10,000 of them when a big recipe is instantiated).
  const nar = new Uint8Array(size);
  nar.set(TEXT_HEAD, 0);
  const view = new DataView(nar.buffer);
  view.setUint32(TEXT_HEAD.length, contents.length % 0x100000000, true);
  view.setUint32(TEXT_HEAD.length + 4, Math.floor(contents.length / 0x100000000), true);
  nar.set(contents, TEXT_HEAD.length + 8);
  nar.set(CLOSE, size - CLOSE.length);
  return { hash: hashBytes("sha256", nar), size };
}

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
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
