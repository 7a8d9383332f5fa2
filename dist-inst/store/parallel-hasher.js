// SHA hashing on a second thread for big inputs. Reading 20k files costs one core in syscalls;
// hashing 200 MB costs another ~120 ms; on two cores they overlap. Data passes through a
// SharedArrayBuffer ring of slots; the producer copies (memcpy) and never waits unless the
// ring is full. Small inputs never start the worker: the first RING_SIZE / 4 bytes are kept in
// the ring and hashed in-thread if the input ends there.
import { Worker } from "node:worker_threads";
import { Hasher, makeHash } from "./format/index.js";
const SLOTS = 32;
const SLOT_SIZE = 256 * 1024;
const START_WORKER_AT = SLOTS / 4;
// Control words: per-slot state (0 free, n > 0 filled with n bytes, -1 end), then flags.
const STARTED = SLOTS;
const DONE = SLOTS + 1;
const FAILED = SLOTS + 2;
// Self-contained (no imports of cairn's modules) so it runs the same from dist/ and from tests.
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { ring, ctrl, result, algo, slots, slotSize } = workerData;
const st = new Int32Array(ctrl);
const data = new Uint8Array(ring);
try {
  const h = createHash(algo);
  Atomics.store(st, ${STARTED}, 1);
  Atomics.notify(st, ${STARTED});
  for (let i = 0; ; i = (i + 1) % slots) {
    let v;
    while ((v = Atomics.load(st, i)) === 0) Atomics.wait(st, i, 0);
    if (v < 0) break;
    h.update(data.subarray(i * slotSize, i * slotSize + v));
    Atomics.store(st, i, 0);
    Atomics.notify(st, i);
  }
  new Uint8Array(result).set(h.digest());
  Atomics.store(st, ${DONE}, 1);
} catch (e) {
  Atomics.store(st, ${FAILED}, 1);
}
Atomics.notify(st, ${DONE});
`;
export class ParallelHasher {
    algo;
    ring = new SharedArrayBuffer(SLOTS * SLOT_SIZE);
    ctrl = new SharedArrayBuffer(4 * (SLOTS + 3));
    result = new SharedArrayBuffer(64);
    st = new Int32Array(this.ctrl);
    data = new Uint8Array(this.ring);
    slot = 0;
    fill = 0;
    published = 0;
    worker;
    constructor(algo = "sha256") {
        this.algo = algo;
    }
    startWorker() {
        this.worker = new Worker(WORKER_SOURCE, {
            eval: true,
            workerData: { ring: this.ring, ctrl: this.ctrl, result: this.result, algo: this.algo, slots: SLOTS, slotSize: SLOT_SIZE },
        });
        // The main thread never yields to the event loop while hashing; the worker must not keep
        // the process alive after it is done either.
        this.worker.unref();
    }
    waitFor(index, busy) {
        let waited = 0;
        for (;;) {
            const v = Atomics.load(this.st, index);
            if (!busy(v))
                return;
            if (Atomics.load(this.st, FAILED) === 1)
                throw new Error("hashing thread failed");
            if (Atomics.wait(this.st, index, v, 1000) === "timed-out") {
                waited++;
                if (waited > 30 && Atomics.load(this.st, STARTED) === 0)
                    throw new Error("hashing thread did not start");
            }
        }
    }
    publish(len) {
        Atomics.store(this.st, this.slot, len);
        Atomics.notify(this.st, this.slot);
        this.published++;
        this.slot = (this.slot + 1) % SLOTS;
        this.fill = 0;
        if (this.worker === undefined && this.published >= START_WORKER_AT)
            this.startWorker();
        // Next slot must be free before we write into it.
        if (this.worker !== undefined)
            this.waitFor(this.slot, (v) => v !== 0);
    }
    update(chunk) {
        let off = 0;
        while (off < chunk.length) {
            const n = Math.min(SLOT_SIZE - this.fill, chunk.length - off);
            this.data.set(chunk.subarray(off, off + n), this.slot * SLOT_SIZE + this.fill);
            this.fill += n;
            off += n;
            if (this.fill === SLOT_SIZE)
                this.publish(SLOT_SIZE);
        }
        return this;
    }
    digest() {
        if (this.worker === undefined) {
            // Everything is still in the ring, slots 0..published-1 plus the partial one.
            const h = new Hasher(this.algo);
            for (let i = 0; i < this.published; i++)
                h.update(this.data.subarray(i * SLOT_SIZE, (i + 1) * SLOT_SIZE));
            h.update(this.data.subarray(this.slot * SLOT_SIZE, this.slot * SLOT_SIZE + this.fill));
            return h.digest();
        }
        if (this.fill > 0)
            this.publish(this.fill);
        Atomics.store(this.st, this.slot, -1);
        Atomics.notify(this.st, this.slot);
        this.waitFor(DONE, (v) => v === 0);
        const size = { md5: 16, sha1: 20, sha256: 32, sha512: 64 }[this.algo];
        return makeHash(this.algo, new Uint8Array(this.result).slice(0, size));
    }
}
//# sourceMappingURL=parallel-hasher.js.map