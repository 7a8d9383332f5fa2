/** Indices into the shared Int32Array of control words. */
export declare const CTRL: {
    /** Bytes ever written to the ring (mod 2^32); advanced only by the worker. */
    readonly WPOS: 0;
    /** Bytes ever consumed (mod 2^32); advanced only by the main thread. */
    readonly RPOS: 1;
    /** The file the main thread is at (claims are made at least GAP files beyond it). */
    readonly MAIN_POS: 2;
    /** Files 0..PUBLISHED-1 have had their paths posted to the worker. */
    readonly PUBLISHED: 3;
    /** 1 when no more files will be published. */
    readonly PASS_DONE: 4;
    /** 1: the worker must stop as soon as possible (the main thread is finished or failing). */
    readonly STOP: 5;
    /** 1 while the worker may hold a claimed file (set before claiming, after which STOP is checked). */
    readonly BUSY: 6;
    /** 0 starting, 1 running, 2 finished, 3 failed. */
    readonly STATE: 7;
    /** 1 while the main thread waits for WPOS to move (the worker then notifies). */
    readonly MAIN_WAITING: 8;
    /** 1 while the worker waits for RPOS to move (the main thread then notifies). */
    readonly WORKER_WAITING: 9;
    /** Files the worker has finished (statistics). */
    readonly WORKER_FILES: 10;
    /** The next index the worker will consider (the main thread posts paths before it runs out). */
    readonly WORKER_CURSOR: 11;
    /** Claim files at least this far beyond MAIN_POS (parallelTreeSettings.gap). */
    readonly GAP: 12;
    readonly COUNT: 16;
};
export declare const STATE: {
    readonly STARTING: 0;
    readonly RUNNING: 1;
    readonly FINISHED: 2;
    readonly FAILED: 3;
};
/** Record kinds and flags. A record is HEADER_BYTES of Int32 header, then `len` bytes. */
export declare const REC: {
    readonly CHUNK: 1;
    readonly ERROR: 2;
    /** The rest of the ring is unused; the next record starts at offset 0. */
    readonly WRAP: 3;
    readonly FIRST: 1;
    readonly LAST: 2;
    readonly EXECUTABLE: 4;
    readonly HEADER_BYTES: 24;
};
export interface TreeWorkerData {
    ctrl: SharedArrayBuffer;
    /**
     * Int32 claim slots, file i at i % length: i + 1 when the worker claimed it, -(i + 1) when the
     * main thread did; anything smaller in magnitude is an older file's (so free for i).
     */
    claims: SharedArrayBuffer;
    ring: SharedArrayBuffer;
    port: import("node:worker_threads").MessagePort;
    /** Largest payload of one record (at most a quarter of the ring). */
    maxChunk: number;
    /** Canonical copies (add): written at copyRoot + (source path minus its first srcRootLength chars). */
    copyRoot: string | null;
    srcRootLength: number;
    /** The process umask strips read or execute bits: fchmod after open (as FsSink does). */
    fixModes: boolean;
    ctrlIndex: typeof CTRL;
    states: typeof STATE;
    rec: typeof REC;
}
/** One batch of file paths (latin1), posted by the main thread: files first, first + 1, ... */
export interface PathBatch {
    first: number;
    paths: string[];
}
export declare function treeReaderWorker(): void;
