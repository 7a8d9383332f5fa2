// Runs the dumps of copy --to (store/nar-jobs.ts) on worker threads, one path per thread at a
// time: reading 20,000 files is a core of system calls, and the paths of a closure are
// independent until their narinfos are written, so two threads dump twice as fast on two cores.
// Nix: the ThreadPool of copyPaths. Without the built worker script (running from the
// TypeScript sources without a build), or for small copies, dumps run in the calling thread.
// (Restores use one writing thread instead: store/fs-writer.ts.)
import os from "node:os";
import { Worker } from "node:worker_threads";
import { CairnError } from "./format/index.js";
import { builtWorker } from "./fs-writer.js";
import { dumpNarFile } from "./nar-jobs.js";
/** Tuning; exported so tests can force threads on small copies. */
export const narPoolSettings = {
    /**
     * Copies of fewer NAR bytes than this run in the calling thread: a thread costs ~60 ms of CPU
     * to start and its own JIT warm-up. Also the threshold of restores' writing thread.
     */
    minBytes: 8 << 20,
};
export class NarPool {
    queue = [];
    slots = [];
    nextId = 1;
    closed = false;
    /** 0 (or no built worker script): every job runs in the calling thread. */
    threads = 0;
    script = builtWorker("nar-worker.js");
    /**
     * Size the pool for a copy of `bytes` NAR bytes in `paths` paths; call again as the plan grows
     * (while narinfos are read), so the threads start loading while the rest is planned.
     */
    plan(bytes, paths) {
        if (this.script === undefined || this.closed || bytes < narPoolSettings.minBytes || paths < 2)
            return;
        const threads = Math.min(paths, os.availableParallelism());
        if (threads <= this.threads)
            return;
        this.threads = threads;
        while (this.slots.length < this.threads)
            this.spawn();
    }
    /** How many worker threads this pool may run (0: in-thread). */
    get size() {
        return this.threads;
    }
    dump(job) {
        if (this.threads === 0)
            return dumpNarFile(job);
        return this.submit({ id: this.nextId++, kind: "dump", job });
    }
    submit(request) {
        if (this.closed)
            return Promise.reject(new CairnError("E_IO", "the NAR worker pool is closed", {}));
        return new Promise((resolve, reject) => {
            this.queue.push({ request, resolve, reject });
            this.dispatch();
        });
    }
    dispatch() {
        while (this.queue.length > 0) {
            let slot = this.slots.find((s) => s.job === undefined);
            if (slot === undefined && this.slots.length < this.threads)
                slot = this.spawn();
            if (slot === undefined)
                return;
            const job = this.queue.shift();
            slot.job = job;
            slot.worker.ref(); // a job in flight keeps the process alive
            slot.worker.postMessage(job.request);
        }
    }
    spawn() {
        const worker = new Worker(this.script);
        const slot = { worker, job: undefined };
        worker.unref();
        worker.on("message", (m) => {
            const job = slot.job;
            if (job === undefined || job.request.id !== m.id)
                return;
            slot.job = undefined;
            worker.unref();
            if (m.ok)
                job.resolve(m.result);
            else
                job.reject(m.error.code !== undefined ? new CairnError(m.error.code, m.error.message, m.error.data ?? {}) : new Error(m.error.message));
            this.dispatch();
        });
        const fail = (why) => {
            const i = this.slots.indexOf(slot);
            if (i >= 0)
                this.slots.splice(i, 1);
            const job = slot.job;
            slot.job = undefined;
            job?.reject(new CairnError("E_IO", `a NAR worker thread failed: ${why}`, {}));
            if (!this.closed)
                this.dispatch();
        };
        worker.on("error", (e) => fail(e.message));
        worker.on("exit", (code) => fail(`exit ${code}`));
        this.slots.push(slot);
        return slot;
    }
    /** Stop the threads (jobs in flight must have settled). */
    async close() {
        this.closed = true;
        const slots = this.slots.splice(0);
        await Promise.all(slots.map((s) => s.worker.terminate()));
    }
}
//# sourceMappingURL=nar-pool.js.map