import { type TreeNode } from "./format/index.js";
import { type TreeObserver } from "./fs-tree.js";
/** Tuning; exported so tests can force the worker on small trees. */
export declare const parallelTreeSettings: {
    /** Start the worker once this many regular files are known (else read in this thread). */
    minFiles: number;
    /** The walk runs ahead of the NAR writer by this many regular files (and at most 8 times as many entries). */
    window: number;
    /** Paths are posted to the worker in batches of this many. */
    batch: number;
    /**
     * The worker claims files at least this many beyond the main thread's position, so that when
     * the main thread catches up it has files of its own to read rather than wait on the worker's
     * current one (measured: 16 beats 128 and 512, which leave the hashing thread less time).
     */
    gap: number;
    /** Ring of file contents from the worker, bytes (rounded up to a power of two). */
    ringBytes: number;
    /** Largest chunk the worker reads at once (at most ringBytes / 4). */
    maxChunk: number;
    /** Polls of the ring before the main thread sleeps on it. */
    spin: number;
    /** A worker that holds a file the main thread needs and makes no progress this long has failed. */
    stallMs: number;
    /** Tests: wait (up to 10 s) for the worker to run before the writer starts, so it does take files. */
    awaitWorker: boolean;
};
export interface FsTreeOptions {
    /** false: never start a worker. Default: a worker for trees of `minFiles` files or more. */
    parallel?: boolean;
    /**
     * Add: the worker also writes each file it reads as a canonical store file (0444 or 0555,
     * mtime 1) at copyTo + (its path minus the root's), and reports it with
     * TreeObserver.copiedRegular. The observer must create each directory in `directory`.
     */
    copyTo?: string | Buffer;
}
export interface FsTreeStats {
    /** Regular files numbered by the walk (all of them unless it stopped at an error). */
    files: number;
    /** Of those, read by the worker. */
    workerFiles: number;
    /** Times the main thread slept waiting for the worker. */
    waits: number;
}
export interface FsTreeHandle {
    readonly root: TreeNode;
    /** A worker was started. */
    readonly parallel: boolean;
    /** Stop the worker (waiting until it has let go of its files): call when done or failing. */
    close(): void;
    stats(): FsTreeStats;
}
/**
 * The tree at `path` as fsTree() reads it, with a reading (and, for add, copying) thread for big
 * trees. Always close() the handle, also after errors: when it returns, the worker has let go of
 * every file (so a temp tree can be removed).
 */
export declare function openFsTree(path: string | Buffer, observer?: TreeObserver, opts?: FsTreeOptions): FsTreeHandle;
