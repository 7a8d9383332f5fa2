// A writing thread for NAR restores (copy --from): the calling thread reads, parses and hashes
// NARs, and hands the tree's events (directory, file, contents, symlink) through a
// SharedArrayBuffer ring to one worker thread, which replays them into an FsSink. Creating
// 20,000 files is mostly system calls (open, write, futimens, close), half the work of a restore;
// on two cores they now run beside the parsing. Only one extra isolate, running a small loop: a
// thread per NAR costs each its own JIT warm-up and GC, measured at ~0.3 s of CPU per thread
// for 200 MiB (bench/README.md). Nix: restorePath's sink; Nix restores in its copy threads.
//
// Events carry a job id, so NARs may be parsed interleaved (several decompressor streams at
// once), and the next NAR is parsed while the thread still writes the last one. A job ends with
// done(), which resolves once the thread has written everything, or rejects with its error:
// only then are the files complete (not yet durable).
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { CairnError } from "./format/errors.js";
/** Control words (Int32Array over a SharedArrayBuffer). */
export const W = {
    /** Bytes of records in the ring not yet consumed. */
    USED: 0,
    /** 1 while the worker sleeps on USED (the producer then notifies). */
    WORKER_WAITING: 1,
    /** 1 while the producer sleeps for room (the worker then notifies). */
    PRODUCER_WAITING: 2,
    /** The last job that failed (the producer stops early). */
    FAILED_JOB: 3,
    /** 1 once the thread has died of an unexpected error (a producer blocked on a full ring sees it). */
    DEAD: 4,
    COUNT: 5,
};
/**
 * Record kinds. A record is a 16-byte header (kind, job, length of the first payload, length of
 * the second) and the payloads, padded to 8 bytes. Paths are FsSink's relative form ("/a/b").
 */
export const K = { BEGIN: 1, DIR: 2, REG: 3, REG_X: 4, DATA: 5, END_REG: 6, LINK: 7, END_DIR: 8, FINISH: 9, ABORT: 10, WRAP: 11, STOP: 12 };
export const HEADER = 16;
/** Tuning; exported for tests. */
export const fsWriterSettings = {
    /** Ring size (bytes); file contents are sent in pieces of at most a quarter of it. */
    ringBytes: 8 << 20,
};
/** The built worker: beside this module in dist/, or dist/store/ seen from the sources. */
export function builtWorker(name) {
    for (const rel of [`./${name}`, `../dist/store/${name}`]) {
        const u = new URL(rel, import.meta.url);
        if (fs.existsSync(fileURLToPath(u)))
            return u;
    }
    return undefined;
}
const enc = new TextEncoder();
export class FsWriter {
    worker;
    ctrl;
    ring;
    hdr;
    wpos = 0;
    waiting = new Map();
    nextJob = 1;
    closed = false;
    constructor(worker, data) {
        this.worker = worker;
        this.ctrl = new Int32Array(data.ctrl);
        this.ring = new Uint8Array(data.ring);
        this.hdr = new Int32Array(data.ring);
        worker.on("message", (r) => {
            const w = this.waiting.get(r.job);
            if (w === undefined)
                return;
            this.waiting.delete(r.job);
            if (this.waiting.size === 0)
                worker.unref();
            if (r.error === undefined)
                w.resolve();
            else
                w.reject(new CairnError(r.error.code ?? "E_IO", r.error.message, r.error.data ?? {}));
        });
    }
    /** A writer thread, or undefined when the built worker script is not there (sources only). */
    static start() {
        const script = builtWorker("fs-writer-worker.js");
        if (script === undefined)
            return undefined;
        const data = {
            ctrl: new SharedArrayBuffer(4 * W.COUNT),
            ring: new SharedArrayBuffer(fsWriterSettings.ringBytes),
        };
        const worker = new Worker(script, { workerData: data });
        worker.unref();
        const w = new FsWriter(worker, data);
        worker.on("error", () => w.fail());
        worker.on("exit", () => w.fail());
        return w;
    }
    dead = false;
    fail() {
        this.dead = true;
        const e = new CairnError("E_IO", "the file writing thread stopped", {});
        for (const w of this.waiting.values())
            w.reject(e);
        this.waiting.clear();
    }
    checkAlive() {
        if (this.dead || this.closed || Atomics.load(this.ctrl, W.DEAD) !== 0)
            throw new CairnError("E_IO", "the file writing thread stopped", {});
    }
    /** Reserve a record of `payload` bytes at the write position (waiting for room); returns its offset. */
    reserve(payload) {
        const size = HEADER + ((payload + 7) & ~7);
        const cap = this.ring.length;
        for (;;) {
            this.checkAlive();
            const used = Atomics.load(this.ctrl, W.USED);
            const tail = cap - this.wpos;
            // A record never wraps: when it does not fit before the end, a WRAP record fills the rest.
            const need = tail < size ? tail + size : size;
            if (cap - used >= need) {
                if (tail < size) {
                    this.hdr[this.wpos >> 2] = K.WRAP;
                    this.publish(tail);
                    this.wpos = 0;
                }
                return this.wpos;
            }
            // Full: sleep until the thread has emptied half of the ring (it wakes us then, not at
            // every record, which would make each record a pair of futex calls).
            Atomics.store(this.ctrl, W.PRODUCER_WAITING, 1);
            const now = Atomics.load(this.ctrl, W.USED);
            if (now > cap >> 1)
                Atomics.wait(this.ctrl, W.USED, now, 100);
            Atomics.store(this.ctrl, W.PRODUCER_WAITING, 0);
        }
    }
    publish(size) {
        Atomics.add(this.ctrl, W.USED, size);
        if (Atomics.load(this.ctrl, W.WORKER_WAITING) !== 0)
            Atomics.notify(this.ctrl, W.USED);
    }
    /** Send one record: up to two byte payloads (a path, given as bytes or as NAR names; a target or data). */
    send(kind, job, p1, p2) {
        let n1 = 0;
        if (p1 !== undefined) {
            if (p1 instanceof Uint8Array)
                n1 = p1.length;
            else
                for (const c of p1)
                    n1 += c.length + 1;
        }
        const n2 = p2?.length ?? 0;
        const at = this.reserve(n1 + n2);
        const h = at >> 2;
        this.hdr[h] = kind;
        this.hdr[h + 1] = job;
        this.hdr[h + 2] = n1;
        this.hdr[h + 3] = n2;
        let o = at + HEADER;
        if (p1 instanceof Uint8Array) {
            this.ring.set(p1, o);
            o += p1.length;
        }
        else if (p1 !== undefined) {
            // A NAR path (names from the root) as FsSink's "/a/b" relative form.
            for (const c of p1) {
                this.ring[o++] = 0x2f;
                this.ring.set(c, o);
                o += c.length;
            }
        }
        if (p2 !== undefined)
            this.ring.set(p2, o);
        const size = HEADER + ((n1 + n2 + 7) & ~7);
        this.wpos = (at + size) % this.ring.length;
        this.publish(size);
    }
    /** Largest contents piece per DATA record. */
    get maxData() {
        return this.ring.length >> 2;
    }
    /** True once the worker has failed on `job` (the producer may stop early). */
    failed(job) {
        return Atomics.load(this.ctrl, W.FAILED_JOB) === job;
    }
    /** Send FINISH or ABORT for `job`; resolves with the thread's verdict on it. */
    settle(kind, job) {
        try {
            this.send(kind, job);
        }
        catch (e) {
            return Promise.reject(e);
        }
        return new Promise((resolve, reject) => {
            // A job awaited keeps the process alive until the thread answers.
            if (this.waiting.size === 0)
                this.worker.ref();
            this.waiting.set(job, { resolve, reject });
        });
    }
    /** A sink whose tree the worker creates at `dest` (which must not exist). */
    sink(dest, onEntry) {
        this.checkAlive();
        const job = this.nextJob++;
        this.send(K.BEGIN, job, enc.encode(dest));
        return new RingSink(this, job, onEntry);
    }
    /** Stop the thread (every job must have been settled). */
    async close() {
        if (this.closed)
            return;
        if (!this.dead)
            this.send(K.STOP, 0);
        this.closed = true;
        await this.worker.terminate();
    }
}
class RingSink {
    w;
    job;
    onEntry;
    entries = 0;
    settled = false;
    constructor(w, job, onEntry) {
        this.w = w;
        this.job = job;
        this.onEntry = onEntry;
    }
    entry() {
        this.entries++;
        this.onEntry?.();
    }
    directory(path) {
        this.w.send(K.DIR, this.job, path);
        this.entry();
    }
    regular(path, executable) {
        // A write error (ENOSPC…) stops the parse here rather than after the rest of a big NAR;
        // done() then reports it.
        if (this.w.failed(this.job))
            throw new CairnError("E_IO", "writing the tree failed", { writerFailed: true });
        this.w.send(executable ? K.REG_X : K.REG, this.job, path);
    }
    contents(chunk) {
        const max = this.w.maxData;
        for (let off = 0; off < chunk.length; off += max)
            this.w.send(K.DATA, this.job, undefined, chunk.subarray(off, off + max));
    }
    endRegular() {
        this.w.send(K.END_REG, this.job);
        this.entry();
    }
    symlink(path, target) {
        this.w.send(K.LINK, this.job, path, target);
        this.entry();
    }
    endDirectory(path) {
        this.w.send(K.END_DIR, this.job, path);
    }
    done() {
        if (this.settled)
            return Promise.resolve();
        this.settled = true;
        return this.w.settle(K.FINISH, this.job);
    }
    async cancel() {
        if (this.settled)
            return;
        this.settled = true;
        await this.w.settle(K.ABORT, this.job).catch(() => {
            /* the thread is gone: nothing more will be written */
        });
    }
}
//# sourceMappingURL=fs-writer.js.map