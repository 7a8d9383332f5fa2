// Deleting many store entries at once, on a few worker threads. On this kind of disk (ext4
// mounted with `discard`, no journal) every unlink or rmdir that frees a block waits for the
// device to acknowledge a discard, so a sequential walk mostly waits (measured here: deleting
// 3,000 one-line files took 0.13 s of CPU and 1-3 s of wall time; 3,000 empty ones 0.19 s).
// Four threads overlap those waits: 3-5x faster than one, `rm -rf` included. Threads doing plain
// synchronous calls rather than fs.promises: libuv's pool cost ~1.7 s more CPU on 40k entries
// (a futex, an eventfd write and read and a promise per call), which a busy machine turns into
// wall time. Small jobs stay in the calling thread (a thread takes ~25 ms to start).
// Nothing here follows a symlink: entries are unlinked, or renamed when they are directories, and
// trees are removed by store/remove-tree.ts.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import path from "node:path";
import { CairnError } from "../store/format/index.js";
import { removeTree } from "../store/remove-tree.js";
/** Threads of a parallel pool. The disk gains little beyond 4 operations in flight (measured). */
export const DELETE_THREADS = 4;
/** Entries below which a gc deletes in its own thread. */
export const PARALLEL_FROM = 256;
// Entries per message: small enough to balance the threads, big enough that messages are cheap.
const NAMES_PER_JOB = 32;
const TREES_PER_JOB = 8;
const code = (e) => e.code;
/**
 * unlink(2) `p`, or when it is a directory rename it to `trash()` and return that. Throws ENOENT
 * when `p` is missing.
 */
export function unlinkOrRename(p, trash) {
    try {
        fs.unlinkSync(p);
        return undefined;
    }
    catch (e) {
        // Linux answers EISDIR for a directory; POSIX says EPERM, which may also mean permissions.
        if (code(e) !== "EISDIR" && !(code(e) === "EPERM" && fs.lstatSync(p).isDirectory()))
            throw e;
    }
    const t = trash();
    fs.renameSync(p, t);
    return t;
}
/** Does one job, synchronously: in a worker thread, or in the caller's when there is none. */
export function runJob(job) {
    const reply = { id: job.id, trashed: [], errors: [] };
    job.items.forEach((item, k) => {
        try {
            if (job.kind === "trees") {
                removeTree(item);
            }
            else if (job.kind === "unused") {
                const p = path.join(job.dir, item);
                if (fs.lstatSync(p).nlink === 1)
                    fs.unlinkSync(p);
            }
            else {
                const t = unlinkOrRename(path.join(job.dir, item), () => path.join(job.trashDir, `${item}-${job.tag}${(job.first + k).toString(36)}`));
                if (t !== undefined)
                    reply.trashed.push(t);
            }
        }
        catch (e) {
            if (code(e) !== "ENOENT")
                reply.errors.push({ item, code: code(e) ?? e.message });
        }
    });
    return reply;
}
/** The built worker script (dist/gc/remove-worker.js), also when running from the sources. */
function workerScript() {
    for (const rel of ["./remove-worker.js", "../dist/gc/remove-worker.js"]) {
        const u = new URL(rel, import.meta.url);
        if (fs.existsSync(fileURLToPath(u)))
            return u;
    }
    return undefined;
}
/**
 * Deletes entries on `threads` worker threads (none: in the calling thread, synchronously). Every
 * call resolves once all of its entries are done, failed or not, then throws the first failure.
 */
export class DeletePool {
    threads = [];
    pending = new Map();
    nextId = 0;
    broken;
    constructor(threads) {
        const script = threads > 0 ? workerScript() : undefined;
        if (script === undefined)
            return;
        for (let i = 0; i < threads; i++) {
            const t = { worker: new Worker(script), queued: 0 };
            t.worker.on("message", (r) => this.answer(r));
            t.worker.on("error", (e) => this.fail(e));
            t.worker.on("exit", () => this.fail(new Error("exited")));
            this.threads.push(t);
        }
    }
    get parallel() {
        return this.threads.length > 0;
    }
    answer(r) {
        const p = this.pending.get(r.id);
        if (p === undefined)
            return;
        this.pending.delete(r.id);
        if (p.thread !== undefined)
            p.thread.queued -= p.n;
        p.done(r);
    }
    fail(e) {
        if (this.broken !== undefined)
            return;
        this.broken = new CairnError("E_GC", `a deleting thread stopped: ${e.message}`, {});
        // Unanswered jobs may still be running in the other threads: their callers learn of the
        // failure now, and the gc stops (its claims are then left to the next store open's recovery).
        for (const p of this.pending.values())
            p.done({ id: -1, trashed: [], errors: [{ item: "", code: e.message }] });
        this.pending.clear();
    }
    async run(kind, items, dir = "", trashDir = "", tag = "") {
        const per = kind === "trees" ? TREES_PER_JOB : NAMES_PER_JOB;
        const replies = [];
        for (let first = 0; first < items.length; first += per) {
            const job = { id: this.nextId++, kind, items: items.slice(first, first + per), dir, trashDir, tag, first };
            if (this.threads.length === 0) {
                replies.push(Promise.resolve(runJob(job)));
                continue;
            }
            if (this.broken !== undefined)
                throw this.broken;
            const thread = this.threads.reduce((a, b) => (b.queued < a.queued ? b : a));
            thread.queued += job.items.length;
            replies.push(new Promise((done) => this.pending.set(job.id, { thread, n: job.items.length, done })));
            thread.worker.postMessage(job);
        }
        const all = await Promise.all(replies);
        if (this.broken !== undefined)
            throw this.broken;
        const failed = all.flatMap((r) => r.errors)[0];
        if (failed !== undefined) {
            const what = kind === "trees" ? failed.item : path.join(dir, failed.item);
            throw new CairnError("E_GC", `cannot delete '${what}': ${failed.code}`, { path: what });
        }
        return all.flatMap((r) => r.trashed);
    }
    /**
     * Take entries of `dir` away from their names: a file or symlink is unlinked (atomic: no reader
     * sees part of it), a directory renamed into `trashDir` (its contents go later). Returns the
     * trash paths; a missing entry is skipped.
     */
    unlinkOrTrash(dir, trashDir, names, tag) {
        return this.run("names", names, dir, trashDir, tag);
    }
    /**
     * Unlink each of `names` in `dir` whose link count is 1 (a `.links` entry no store file shares
     * any more); a missing one is skipped.
     */
    async unlinkUnused(dir, names) {
        await this.run("unused", names, dir);
    }
    /** Remove each tree; a missing one is skipped. */
    async removeTrees(paths) {
        await this.run("trees", paths);
    }
    async close() {
        const ts = this.threads.splice(0);
        for (const t of ts)
            t.worker.removeAllListeners("exit");
        await Promise.all(ts.map((t) => t.worker.terminate()));
    }
}
//# sourceMappingURL=remove.js.map