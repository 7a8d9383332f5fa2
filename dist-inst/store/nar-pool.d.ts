import { type ErrorCode } from "./format/index.js";
import { type DumpJob, type Dumped } from "./nar-jobs.js";
export type PoolRequest = {
    id: number;
    kind: "dump";
    job: DumpJob;
};
export type PoolReply = {
    id: number;
    ok: true;
    result: Dumped;
} | {
    id: number;
    ok: false;
    error: {
        code?: ErrorCode;
        message: string;
        data?: Record<string, unknown>;
    };
};
/** Tuning; exported so tests can force threads on small copies. */
export declare const narPoolSettings: {
    /**
     * Copies of fewer NAR bytes than this run in the calling thread: a thread costs ~60 ms of CPU
     * to start and its own JIT warm-up. Also the threshold of restores' writing thread.
     */
    minBytes: number;
};
export declare class NarPool {
    private readonly queue;
    private readonly slots;
    private nextId;
    private closed;
    /** 0 (or no built worker script): every job runs in the calling thread. */
    private threads;
    private readonly script;
    /**
     * Size the pool for a copy of `bytes` NAR bytes in `paths` paths; call again as the plan grows
     * (while narinfos are read), so the threads start loading while the rest is planned.
     */
    plan(bytes: number, paths: number): void;
    /** How many worker threads this pool may run (0: in-thread). */
    get size(): number;
    dump(job: DumpJob): Promise<Dumped>;
    private submit;
    private dispatch;
    private spawn;
    /** Stop the threads (jobs in flight must have settled). */
    close(): Promise<void>;
}
