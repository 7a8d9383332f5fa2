/** Threads of a parallel pool. The disk gains little beyond 4 operations in flight (measured). */
export declare const DELETE_THREADS = 4;
/** Entries below which a gc deletes in its own thread. */
export declare const PARALLEL_FROM = 256;
export interface DeleteJob {
    id: number;
    /**
     * "names": entries of `dir` to unlink (directories: rename into `trashDir`); "trees": paths to
     * remove; "unused": entries of `dir` to unlink when no other link to their file is left.
     */
    kind: "names" | "trees" | "unused";
    items: string[];
    dir: string;
    trashDir: string;
    /** Trash names are `<name>-<tag><first + k in base 36>`: unique per call. */
    tag: string;
    first: number;
}
export interface DeleteReply {
    id: number;
    /** New names (in the trash) of the directories renamed. */
    trashed: string[];
    errors: {
        item: string;
        code: string;
    }[];
}
/**
 * unlink(2) `p`, or when it is a directory rename it to `trash()` and return that. Throws ENOENT
 * when `p` is missing.
 */
export declare function unlinkOrRename(p: string, trash: () => string): string | undefined;
/** Does one job, synchronously: in a worker thread, or in the caller's when there is none. */
export declare function runJob(job: DeleteJob): DeleteReply;
/**
 * Deletes entries on `threads` worker threads (none: in the calling thread, synchronously). Every
 * call resolves once all of its entries are done, failed or not, then throws the first failure.
 */
export declare class DeletePool {
    private readonly threads;
    private readonly pending;
    private nextId;
    private broken;
    constructor(threads: number);
    get parallel(): boolean;
    private answer;
    private fail;
    private run;
    /**
     * Take entries of `dir` away from their names: a file or symlink is unlinked (atomic: no reader
     * sees part of it), a directory renamed into `trashDir` (its contents go later). Returns the
     * trash paths; a missing entry is skipped.
     */
    unlinkOrTrash(dir: string, trashDir: string, names: readonly string[], tag: string): Promise<string[]>;
    /**
     * Unlink each of `names` in `dir` whose link count is 1 (a `.links` entry no store file shares
     * any more); a missing one is skipped.
     */
    unlinkUnused(dir: string, names: readonly string[]): Promise<void>;
    /** Remove each tree; a missing one is skipped. */
    removeTrees(paths: readonly string[]): Promise<void>;
    close(): Promise<void>;
}
