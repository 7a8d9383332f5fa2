// The union of packages' trees as symlinks, as an in-memory tree (pure over a directory reader).
// Nix: src/libstore/builtins/buildenv.cc (what nix-env's user environments are built with).
//
// Rules, as buildenv: a name only one package has becomes one symlink (to a whole directory when
// it is one); a directory two packages have becomes a real directory whose entries are merged
// recursively; two non-directories (or a directory and a file) at one name collide, and the
// package with the lower priority number wins; equal priorities are an error naming both.
// Paths are kept as latin1 strings of their bytes, so names that are not UTF-8 survive.
import { CairnError, type TreeNode } from "../store/format/index.js";

export interface EnvPackage {
  /** Logical store path (what the symlinks point at). */
  storePath: string;
  /** Physical location to read the tree from. */
  realPath: string;
  /** For messages: "hello-2.12". */
  label: string;
  priority: number;
}

export interface DirEntry {
  /** Name bytes as a latin1 string. */
  name: string;
  /** A directory, or a symlink to one. */
  isDir: boolean;
}

/** Reads package trees; `path` is a latin1 string of the physical path's bytes. */
export interface TreeReader {
  /** The entries of `path`, following symlinks; undefined if it is not a directory (or missing). */
  readDir(path: string): DirEntry[] | undefined;
}

interface Link {
  kind: "link";
  logical: string;
  real: string;
  isDir: boolean;
  pkg: EnvPackage;
}
interface Dir {
  kind: "dir";
  entries: Map<string, Node>;
  /** The first package that provided this directory (for collision messages). */
  pkg: EnvPackage | undefined;
}
type Node = Link | Dir;

export interface UnionOptions {
  /** Names to skip at the top level (the environment's own files, e.g. manifest.json). */
  reservedTopLevel?: readonly string[];
}

/** Merge packages (in priority order, lower first; ties in the given order) into one tree. */
export function buildUnion(pkgs: readonly EnvPackage[], reader: TreeReader, opts: UnionOptions = {}): Dir {
  const root: Dir = { kind: "dir", entries: new Map(), pkg: undefined };
  const reserved = new Set(opts.reservedTopLevel ?? []);
  const ordered = pkgs.map((p, i) => [p, i] as const).sort((a, b) => a[0].priority - b[0].priority || a[1] - b[1]);
  const seen = new Set<string>();
  for (const [p] of ordered) {
    if (seen.has(p.storePath)) continue; // one store path in two elements: its files agree with themselves
    seen.add(p.storePath);
    const real = toLatin1(p.realPath);
    const logical = toLatin1(p.storePath);
    // Read at once rather than checked first: one readdir instead of a stat and a readdir.
    const top = reader.readDir(real);
    if (top === undefined) {
      throw new CairnError("E_PROFILE_NOT_DIR", `'${p.label}' (${p.storePath}) is not a directory, so it cannot be part of a profile`, {
        path: p.storePath,
      });
    }
    mergeInto(root, "", real, logical, p, reader, reserved, top);
  }
  return root;
}

function mergeInto(
  dir: Dir,
  rel: string,
  real: string,
  logical: string,
  pkg: EnvPackage,
  reader: TreeReader,
  reserved?: Set<string>,
  entries = reader.readDir(real),
): void {
  if (entries === undefined) {
    // Listed as a directory a moment ago: the package changed under us (store paths do not).
    const file = fromLatin1(real);
    throw new CairnError("E_IO", `'${file}' of '${pkg.label}' is no longer a directory`, { path: file });
  }
  for (const e of entries) {
    if (reserved?.has(e.name)) continue;
    addEntry(dir, e.name, rel === "" ? e.name : `${rel}/${e.name}`, `${real}/${e.name}`, `${logical}/${e.name}`, e.isDir, pkg, reader);
  }
}

function addEntry(dir: Dir, name: string, rel: string, real: string, logical: string, isDir: boolean, pkg: EnvPackage, reader: TreeReader): void {
  const old = dir.entries.get(name);
  if (old === undefined) {
    dir.entries.set(name, { kind: "link", logical, real, isDir, pkg });
    return;
  }
  if (old.kind === "link" && old.real === real) return;
  const oldIsDir = old.kind === "dir" || old.isDir;
  if (oldIsDir && isDir) {
    let d: Dir;
    if (old.kind === "dir") d = old;
    else {
      // A symlink to one package's directory becomes a real directory of symlinks to its entries.
      d = { kind: "dir", entries: new Map(), pkg: old.pkg };
      mergeInto(d, rel, old.real, old.logical, old.pkg, reader);
      dir.entries.set(name, d);
    }
    mergeInto(d, rel, real, logical, pkg, reader);
    return;
  }
  const oldPkg = old.pkg!;
  // Packages arrive lower priority number first, so the entry already there wins unless tied.
  if (oldPkg.priority < pkg.priority) return;
  const file = fromLatin1(rel);
  throw new CairnError(
    "E_PROFILE_CONFLICT",
    `'${file}' is provided by both '${oldPkg.label}' (${oldPkg.storePath}) and '${pkg.label}' (${pkg.storePath}) at priority ${pkg.priority}; install one of them with --priority N (the lower number wins)`,
    { file, packages: [oldPkg.label, pkg.label], paths: [oldPkg.storePath, pkg.storePath], priority: pkg.priority },
  );
}

/**
 * The union plus extra top-level regular files, as a tree the NAR writer walks. Each directory's
 * entries are made once, sorted, with their names and targets as bytes, so the tree can be hashed
 * and then written (store/add-tree.ts) without building them twice.
 */
export function unionTree(root: Dir, extraFiles: ReadonlyMap<string, Uint8Array>): TreeNode {
  return dirNode(root, extraFiles);
}

type Entry = readonly [name: Buffer, node: () => TreeNode];

function dirNode(d: Dir, extra?: ReadonlyMap<string, Uint8Array>): TreeNode {
  let entries: Entry[] | undefined;
  return {
    type: "directory",
    entries() {
      if (entries === undefined) {
        const es: Entry[] = [];
        for (const [name, n] of d.entries) {
          const child = node(n);
          es.push([Buffer.from(name, "latin1"), () => child]);
        }
        if (extra !== undefined) {
          for (const [name, bytes] of extra) {
            const child: TreeNode = { type: "regular", executable: false, size: bytes.length, contents: () => [bytes] };
            es.push([Buffer.from(name), () => child]);
          }
        }
        entries = es.sort((a, b) => Buffer.compare(a[0], b[0]));
      }
      return entries;
    },
  };
}

function node(n: Node): TreeNode {
  return n.kind === "dir" ? dirNode(n) : { type: "symlink", target: Buffer.from(n.logical, "latin1") };
}

/** Count of symlinks and directories in the union (for reports). */
export function countEntries(d: Dir): { links: number; dirs: number } {
  let links = 0;
  let dirs = 1;
  for (const n of d.entries.values()) {
    if (n.kind === "link") links++;
    else {
      const c = countEntries(n);
      links += c.links;
      dirs += c.dirs;
    }
  }
  return { links, dirs };
}

export const toLatin1 = (s: string) => Buffer.from(s).toString("latin1");
export const fromLatin1 = (s: string) => Buffer.from(s, "latin1").toString();
