// The thread of store/fs-writer.ts: replays the ring's records into one FsSink per job, in order.
// A job that fails (ENOSPC, EEXIST…) keeps its first error and skips its later records; FINISH
// reports the error (or success), ABORT drops the job. Only this thread touches the jobs' files.
import { parentPort, workerData } from "node:worker_threads";
import { isCairnError } from "./format/errors.js";
import { FsSink } from "./fs-sink.js";
import { HEADER, K, W } from "./fs-writer.js";
const data = workerData;
const ctrl = new Int32Array(data.ctrl);
const ring = new Uint8Array(data.ring);
const hdr = new Int32Array(data.ring);
const jobs = new Map();
let rpos = 0;
function fail(job, j, e) {
    j.sink.abandon();
    j.error = isCairnError(e) ? { code: e.code, message: e.message, data: e.data } : { message: e instanceof Error ? e.message : String(e) };
    Atomics.store(ctrl, W.FAILED_JOB, job);
}
function settle(job, j, abort) {
    parentPort.postMessage({ job, ...(!abort && j?.error !== undefined ? { error: j.error } : {}) });
}
try {
    run();
}
catch (e) {
    // Not a job's error (those are caught and reported): a bug. A producer waiting for room
    // must not wait for ever.
    Atomics.store(ctrl, W.DEAD, 1);
    Atomics.notify(ctrl, W.USED);
    throw e;
}
function run() {
    for (;;) {
        let used = Atomics.load(ctrl, W.USED);
        while (used === 0) {
            Atomics.store(ctrl, W.WORKER_WAITING, 1);
            if (Atomics.load(ctrl, W.USED) === 0)
                Atomics.wait(ctrl, W.USED, 0, 1000);
            Atomics.store(ctrl, W.WORKER_WAITING, 0);
            used = Atomics.load(ctrl, W.USED);
        }
        const h = rpos >> 2;
        const kind = hdr[h];
        let size;
        if (kind === K.WRAP) {
            size = ring.length - rpos;
        }
        else {
            const job = hdr[h + 1];
            const n1 = hdr[h + 2];
            const n2 = hdr[h + 3];
            const p1 = ring.subarray(rpos + HEADER, rpos + HEADER + n1);
            const p2 = ring.subarray(rpos + HEADER + n1, rpos + HEADER + n1 + n2);
            size = HEADER + ((n1 + n2 + 7) & ~7);
            if (kind === K.STOP)
                break;
            if (kind === K.BEGIN) {
                jobs.set(job, { sink: new FsSink(Buffer.from(p1), { canonical: true, fsyncEach: false }) });
            }
            else if (kind === K.FINISH || kind === K.ABORT) {
                const j = jobs.get(job);
                jobs.delete(job);
                j?.sink.abandon();
                settle(job, j, kind === K.ABORT);
            }
            else {
                const j = jobs.get(job);
                if (j !== undefined && j.error === undefined) {
                    try {
                        // Paths are copied out of the ring (FsSink keeps them for error messages).
                        switch (kind) {
                            case K.DIR:
                                j.sink.directoryRel(Buffer.from(p1));
                                break;
                            case K.REG:
                            case K.REG_X:
                                j.sink.regularRel(Buffer.from(p1), kind === K.REG_X);
                                break;
                            case K.DATA:
                                j.sink.contents(p2);
                                break;
                            case K.END_REG:
                                j.sink.endRegular();
                                break;
                            case K.LINK:
                                j.sink.symlinkRel(Buffer.from(p1), Buffer.from(p2));
                                break;
                            case K.END_DIR:
                                j.sink.endDirectoryRel(Buffer.from(p1));
                                break;
                        }
                    }
                    catch (e) {
                        fail(job, j, e);
                    }
                }
            }
        }
        rpos = (rpos + size) % ring.length;
        const left = Atomics.sub(ctrl, W.USED, size) - size;
        if (left <= ring.length >> 1 && Atomics.load(ctrl, W.PRODUCER_WAITING) !== 0)
            Atomics.notify(ctrl, W.USED);
    }
}
//# sourceMappingURL=fs-writer-worker.js.map