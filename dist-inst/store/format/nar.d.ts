import { type Hash } from "./hash.js";
/** Deepest directory nesting a NAR may have (CVE-2026-44028: unbounded recursion). */
export declare const NAR_MAX_DEPTH = 64;
export declare const NAR_MAX_NAME = 255;
export declare const NAR_MAX_TARGET = 4095;
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
/** Serialise `root` as a NAR into `sink`; returns the NAR's size in bytes. */
export declare function writeNar(root: TreeNode, sink: ByteSink, rootPath?: string): number;
/**
 * sha256 and size of the NAR of one non-executable regular file, without a tree walk: the NAR
 * hash of a text object (.drv file, toFile result), as writeNar would give it.
 */
export declare function narHashOfFile(contents: Uint8Array): {
    hash: Hash;
    size: number;
};
/** The NAR of `root` as one buffer (tests and small objects). */
export declare function narBytes(root: TreeNode): Uint8Array;
export type MemTree = {
    type: "regular";
    executable?: boolean;
    contents: Uint8Array | string;
} | {
    type: "symlink";
    target: string | Uint8Array;
} | {
    type: "directory";
    entries: Record<string, MemTree> | Map<Uint8Array | string, MemTree>;
};
export declare function memTree(t: MemTree): TreeNode;
