import { type TreeNode } from "../store/format/index.js";
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
    isDir(path: string): boolean;
    readDir(path: string): DirEntry[];
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
export declare function buildUnion(pkgs: readonly EnvPackage[], reader: TreeReader, opts?: UnionOptions): Dir;
/**
 * The union plus extra top-level regular files, as a tree the NAR writer walks. Each directory's
 * entries are made once, sorted, with their names and targets as bytes, so the tree can be hashed
 * and then written (store/add-tree.ts) without building them twice.
 */
export declare function unionTree(root: Dir, extraFiles: ReadonlyMap<string, Uint8Array>): TreeNode;
/** Count of symlinks and directories in the union (for reports). */
export declare function countEntries(d: Dir): {
    links: number;
    dirs: number;
};
export declare const toLatin1: (s: string) => string;
export declare const fromLatin1: (s: string) => string;
export {};
