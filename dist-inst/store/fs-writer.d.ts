import { type ErrorCode } from "./format/errors.js";
import type { NarEvents } from "./format/nar-reader.js";
/** Control words (Int32Array over a SharedArrayBuffer). */
export declare const W: {
    /** Bytes of records in the ring not yet consumed. */
    readonly USED: 0;
    /** 1 while the worker sleeps on USED (the producer then notifies). */
    readonly WORKER_WAITING: 1;
    /** 1 while the producer sleeps for room (the worker then notifies). */
    readonly PRODUCER_WAITING: 2;
    /** The last job that failed (the producer stops early). */
    readonly FAILED_JOB: 3;
    /** 1 once the thread has died of an unexpected error (a producer blocked on a full ring sees it). */
    readonly DEAD: 4;
    readonly COUNT: 5;
};
/**
 * Record kinds. A record is a 16-byte header (kind, job, length of the first payload, length of
 * the second) and the payloads, padded to 8 bytes. Paths are FsSink's relative form ("/a/b").
 */
export declare const K: {
    readonly BEGIN: 1;
    readonly DIR: 2;
    readonly REG: 3;
    readonly REG_X: 4;
    readonly DATA: 5;
    readonly END_REG: 6;
    readonly LINK: 7;
    readonly END_DIR: 8;
    readonly FINISH: 9;
    readonly ABORT: 10;
    readonly WRAP: 11;
    readonly STOP: 12;
};
export declare const HEADER = 16;
/** The thread's verdict on a job, posted when it has handled the job's FINISH or ABORT. */
export interface JobResult {
    job: number;
    error?: {
        code?: ErrorCode;
        message: string;
        data?: Record<string, unknown>;
    };
}
/** Tuning; exported for tests. */
export declare const fsWriterSettings: {
    /** Ring size (bytes); file contents are sent in pieces of at most a quarter of it. */
    ringBytes: number;
};
/** The built worker: beside this module in dist/, or dist/store/ seen from the sources. */
export declare function builtWorker(name: string): URL | undefined;
export interface WriterData {
    ctrl: SharedArrayBuffer;
    ring: SharedArrayBuffer;
}
/** What a restore writes its tree into: FsSink in this thread, or a job of the writer thread. */
export interface TreeSink extends NarEvents {
    /** Files, directories and symlinks written (sent). */
    readonly entries: number;
    /** Resolves once the tree is completely written; rejects with the writing error, if any. */
    done(): Promise<void>;
    /** Give up the tree after an error (nothing more is written to it once this resolves). */
    cancel(): Promise<void>;
}
export declare class FsWriter {
    private readonly worker;
    private readonly ctrl;
    private readonly ring;
    private readonly hdr;
    private wpos;
    private readonly waiting;
    private nextJob;
    private closed;
    private constructor();
    /** A writer thread, or undefined when the built worker script is not there (sources only). */
    static start(): FsWriter | undefined;
    private dead;
    private fail;
    private checkAlive;
    /** Reserve a record of `payload` bytes at the write position (waiting for room); returns its offset. */
    private reserve;
    private publish;
    /** Send one record: up to two byte payloads (a path, given as bytes or as NAR names; a target or data). */
    send(kind: number, job: number, p1?: Uint8Array | readonly Uint8Array[], p2?: Uint8Array): void;
    /** Largest contents piece per DATA record. */
    get maxData(): number;
    /** True once the worker has failed on `job` (the producer may stop early). */
    failed(job: number): boolean;
    /** Send FINISH or ABORT for `job`; resolves with the thread's verdict on it. */
    settle(kind: typeof K.FINISH | typeof K.ABORT, job: number): Promise<void>;
    /** A sink whose tree the worker creates at `dest` (which must not exist). */
    sink(dest: string, onEntry?: () => void): TreeSink;
    /** Stop the thread (every job must have been settled). */
    close(): Promise<void>;
}
