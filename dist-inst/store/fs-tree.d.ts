import fs from "node:fs";
import { CairnError, type TreeNode } from "./format/index.js";
/** Called with each regular file's chunks and node before they reach the NAR writer. */
export interface TreeObserver {
    directory?(path: Buffer): void;
    regular?(path: Buffer, executable: boolean, size: number): void;
    contents?(chunk: Uint8Array): void;
    endRegular?(): void;
    symlink?(path: Buffer, target: Buffer): void;
    /** After a directory's last entry. */
    endDirectory?(path: Buffer): void;
    /**
     * A regular file that another thread has read and already written as a canonical store file
     * (parallel add, store/parallel-tree.ts): instead of regular/contents/endRegular, once it is
     * complete. Directories are announced (`directory`) before any of their files are written.
     */
    copiedRegular?(path: Buffer, executable: boolean, size: number): void;
}
export declare function unsupported(p: Buffer, what: string): never;
export declare function typeName(st: fs.Stats): string;
export declare function ioError(p: Buffer, e: unknown): CairnError;
/** A regular file, opened now (no-follow) and read when the writer asks for its contents. */
export declare function regularNode(p: Buffer, obs: TreeObserver | undefined): TreeNode;
export declare function symlinkNode(p: Buffer, obs: TreeObserver | undefined): TreeNode;
/**
 * The tree at `path`, read lazily as the NAR writer walks it. The top level is lstat'ed: a
 * symlink is a symlink NAR. `observer` sees every node in NAR order (used to copy while hashing).
 */
export declare function fsTree(path: string | Buffer, observer?: TreeObserver): TreeNode;
