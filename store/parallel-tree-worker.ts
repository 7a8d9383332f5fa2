// The reading thread of store/parallel-tree.ts. It claims regular files by index (NAR order),
// reads each one straight into a SharedArrayBuffer ring and, for `add`, also writes its canonical
// store copy (0444/0555, mtime 1, as store/fs-sink.ts does). The main thread takes the records
// from the ring in index order.
//
// `treeReaderWorker` runs as an eval'd worker from its source text (Function.prototype.toString),
// so the same code runs from dist/ and from the .ts sources under vitest. It must therefore be
// self-contained: no imports, no module-level names, only `require` of node built-ins (passed in,
// so that a bundler leaves the calls as they are), and no TypeScript syntax that compiles to
// helpers (enums, parameter properties, decorators).
//
// Paths are latin1 strings (one char per byte, so any file name survives); ASCII ones are passed
// to fs as they are, others as Buffers of their bytes.

/** Indices into the shared Int32Array of control words. */
export const CTRL = {
  /** Bytes ever written to the ring (mod 2^32); advanced only by the worker. */
  WPOS: 0,
  /** Bytes ever consumed (mod 2^32); advanced only by the main thread. */
  RPOS: 1,
  /** The file the main thread is at (claims are made at least GAP files beyond it). */
  MAIN_POS: 2,
  /** Files 0..PUBLISHED-1 have had their paths posted to the worker. */
  PUBLISHED: 3,
  /** 1 when no more files will be published. */
  PASS_DONE: 4,
  /** 1: the worker must stop as soon as possible (the main thread is finished or failing). */
  STOP: 5,
  /** 1 while the worker may hold a claimed file (set before claiming, after which STOP is checked). */
  BUSY: 6,
  /** 0 starting, 1 running, 2 finished, 3 failed. */
  STATE: 7,
  /** 1 while the main thread waits for WPOS to move (the worker then notifies). */
  MAIN_WAITING: 8,
  /** 1 while the worker waits for RPOS to move (the main thread then notifies). */
  WORKER_WAITING: 9,
  /** Files the worker has finished (statistics). */
  WORKER_FILES: 10,
  /** The next index the worker will consider (the main thread posts paths before it runs out). */
  WORKER_CURSOR: 11,
  /** Claim files at least this far beyond MAIN_POS (parallelTreeSettings.gap). */
  GAP: 12,
  COUNT: 16,
} as const;

export const STATE = { STARTING: 0, RUNNING: 1, FINISHED: 2, FAILED: 3 } as const;

/** Record kinds and flags. A record is HEADER_BYTES of Int32 header, then `len` bytes. */
export const REC = {
  CHUNK: 1,
  ERROR: 2,
  /** The rest of the ring is unused; the next record starts at offset 0. */
  WRAP: 3,
  FIRST: 1,
  LAST: 2,
  EXECUTABLE: 4,
  // Header words: kind, file index, payload length, flags, size (low 32 bits, high bits).
  HEADER_BYTES: 24,
} as const;

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

export function treeReaderWorker(require: NodeJS.Require): void {
  const wt = require("node:worker_threads") as typeof import("node:worker_threads");
  const fs = require("node:fs") as typeof import("node:fs");
  const wd = wt.workerData as TreeWorkerData;
  const C = wd.ctrlIndex;
  const S = wd.states;
  const K = wd.rec;
  const ctrl = new Int32Array(wd.ctrl);
  const claims = new Int32Array(wd.claims);
  const claimMask = claims.length - 1;
  const data = new Uint8Array(wd.ring);
  const words = new Int32Array(wd.ring);
  const R = data.length;
  const MASK = R - 1;
  const HDR = K.HEADER_BYTES;
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
  const STOPPED = { stopped: true };
  const minRoom = HDR + Math.min(64 * 1024, R / 4);
  const NON_ASCII = /[^\x00-\x7f]/;
  let w = 0; // == ctrl[WPOS]: only this thread writes it
  const batches: PathBatch[] = [];

  const align8 = (n: number) => (n + 7) & ~7;
  const fsPath = (s: string): string | Buffer => (NON_ASCII.test(s) ? Buffer.from(s, "latin1") : s);
  const shown = (s: string): string => Buffer.from(s, "latin1").toString();

  function pathOf(i: number): string {
    for (;;) {
      while (batches.length > 0 && batches[0]!.first + batches[0]!.paths.length <= i) batches.shift();
      const b = batches[0];
      if (b !== undefined && b.first <= i) return b.paths[i - b.first]!;
      // Posted before PUBLISHED was raised, so it is in the port's queue now.
      const m = wt.receiveMessageOnPort(wd.port);
      if (m === undefined) throw new Error(`no path for file ${i}`);
      batches.push(m.message as PathBatch);
    }
  }

  function stopRequested(): boolean {
    return Atomics.load(ctrl, C.STOP) !== 0;
  }

  /** Free bytes in the ring. */
  function free(): number {
    return R - ((w - Atomics.load(ctrl, C.RPOS)) | 0);
  }

  function waitForSpace(): void {
    const r = Atomics.load(ctrl, C.RPOS);
    Atomics.store(ctrl, C.WORKER_WAITING, 1);
    if (Atomics.load(ctrl, C.RPOS) === r && !stopRequested()) Atomics.wait(ctrl, C.RPOS, r, 50);
    Atomics.store(ctrl, C.WORKER_WAITING, 0);
  }

  /** Offset of `need` contiguous free bytes (wrapping to offset 0 if the tail is too short). */
  function reserve(need: number): number {
    for (let spins = 0; ; spins++) {
      const off = w & MASK;
      const tail = R - off;
      if (free() >= (tail < need ? tail + need : need)) {
        if (tail < need) {
          words[off >> 2] = K.WRAP;
          w = (w + tail) | 0;
          return 0;
        }
        return off;
      }
      if (stopRequested()) throw STOPPED;
      if (spins > 100) waitForSpace();
    }
  }

  function publish(recordBytes: number): void {
    w = (w + align8(recordBytes)) | 0;
    Atomics.store(ctrl, C.WPOS, w);
    if (Atomics.load(ctrl, C.MAIN_WAITING) !== 0) Atomics.notify(ctrl, C.WPOS);
  }

  function header(off: number, kind: number, index: number, len: number, flags: number, size: number): void {
    const h = off >> 2;
    words[h] = kind;
    words[h + 1] = index;
    words[h + 2] = len;
    words[h + 3] = flags;
    words[h + 4] = size % 0x100000000 | 0;
    words[h + 5] = Math.floor(size / 0x100000000);
  }

  type Failure = { code: string; message: string; data: Record<string, unknown> };

  /** The main thread throws this as a CairnError when it reaches file `index`. */
  function fail(index: number, f: Failure): false {
    const bytes = Buffer.from(JSON.stringify(f));
    const off = reserve(HDR + bytes.length);
    data.set(bytes, off + HDR);
    header(off, K.ERROR, index, bytes.length, 0, 0);
    publish(HDR + bytes.length);
    return false;
  }

  // The messages and codes of store/fs-tree.ts (reading) and store/fs-sink.ts (writing).
  function readError(p: string, e: unknown): Failure {
    const err = e as NodeJS.ErrnoException;
    return {
      code: err.code === "ENOENT" ? "E_NOT_FOUND" : "E_IO",
      message: `cannot read '${shown(p)}': ${err.code ?? err.message}`,
      data: { path: shown(p), errno: err.code },
    };
  }
  function writeError(what: string, p: string, e: unknown): Failure {
    const err = e as NodeJS.ErrnoException;
    return {
      code: "E_IO",
      message: `cannot ${what} '${shown(p)}': ${err.code ?? err.message}`,
      data: { path: shown(p), errno: err.code },
    };
  }
  function unsupported(p: string, st: import("node:fs").Stats): Failure {
    const what = st.isFIFO()
      ? "FIFO"
      : st.isSocket()
        ? "socket"
        : st.isCharacterDevice()
          ? "character device"
          : st.isBlockDevice()
            ? "block device"
            : "special file";
    return {
      code: "E_UNSUPPORTED_FILE_TYPE",
      message: `'${shown(p)}' is a ${what}, which a store object cannot hold`,
      data: { path: shown(p), type: what },
    };
  }

  /** Read (and copy) file `i` into the ring. False after an error record (the worker stops). */
  function processFile(i: number): boolean {
    const src = pathOf(i);
    let fd = -1;
    let out = -1;
    try {
      try {
        fd = fs.openSync(fsPath(src), O_RDONLY | O_NOFOLLOW | O_NONBLOCK); // a FIFO must not block
      } catch (e) {
        return fail(i, readError(src, e));
      }
      let st: import("node:fs").Stats;
      try {
        st = fs.fstatSync(fd);
      } catch (e) {
        return fail(i, readError(src, e));
      }
      if (!st.isFile()) return fail(i, unsupported(src, st));
      const executable = (st.mode & 0o100) !== 0;
      const size = st.size;
      let dst = "";
      if (wd.copyRoot !== null) {
        dst = wd.copyRoot + src.slice(wd.srcRootLength);
        try {
          out = fs.openSync(fsPath(dst), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, executable ? 0o555 : 0o444);
        } catch (e) {
          return fail(i, writeError("create file", dst, e));
        }
      }
      let left = size;
      let flags = K.FIRST | (executable ? K.EXECUTABLE : 0);
      for (;;) {
        // One byte more than expected: a short read is the end, and growth is noticed (fs-tree.ts).
        const want = Math.min(wd.maxChunk, left + 1);
        const off = reserve(HDR + want);
        let n: number;
        try {
          n = fs.readSync(fd, data, off + HDR, want, null);
        } catch (e) {
          return fail(i, readError(src, e));
        }
        if (out >= 0 && n > 0) {
          let done = 0;
          try {
            while (done < n) done += fs.writeSync(out, data, off + HDR + done, n - done);
          } catch (e) {
            return fail(i, writeError("write", dst, e));
          }
        }
        left -= n;
        const last = n === 0 || n < want || left < 0;
        if (last && out >= 0) {
          try {
            if (wd.fixModes) fs.fchmodSync(out, executable ? 0o555 : 0o444);
            fs.futimesSync(out, 1, 1);
          } catch (e) {
            return fail(i, writeError("finish", dst, e));
          }
          fs.closeSync(out);
          out = -1;
        }
        header(off, K.CHUNK, i, n, flags | (last ? K.LAST : 0), size);
        publish(HDR + n);
        flags &= ~K.FIRST;
        if (last) return true;
      }
    } finally {
      if (out >= 0) fs.closeSync(out);
      if (fd >= 0) fs.closeSync(fd);
    }
  }

  // However the thread ends (even process.exit() or an uncaught error), the main thread must not
  // wait for it any longer.
  process.on("exit", () => {
    if (Atomics.load(ctrl, C.STATE) === S.RUNNING) Atomics.store(ctrl, C.STATE, S.FAILED);
    Atomics.store(ctrl, C.BUSY, 0);
    Atomics.notify(ctrl, C.BUSY);
    Atomics.notify(ctrl, C.WPOS);
  });
  try {
    Atomics.store(ctrl, C.STATE, S.RUNNING);
    let cursor = 0;
    for (let idle = 0; ; ) {
      const mainPos = Atomics.load(ctrl, C.MAIN_POS);
      const target = Math.max(cursor, mainPos + Atomics.load(ctrl, C.GAP));
      // Never more than half the claim slots ahead (a slot then holds an older file's claim).
      const published = Math.min(Atomics.load(ctrl, C.PUBLISHED), mainPos + (claims.length >> 1));
      if (target >= published) {
        if (stopRequested()) break;
        const all = Atomics.load(ctrl, C.PUBLISHED);
        if (Atomics.load(ctrl, C.PASS_DONE) !== 0 && target >= all) break;
        Atomics.store(ctrl, C.WORKER_CURSOR, target);
        if (++idle > 50) Atomics.wait(ctrl, C.PUBLISHED, all, 20);
        continue;
      }
      cursor = target;
      Atomics.store(ctrl, C.WORKER_CURSOR, cursor);
      // Claim only with room for a small file, so the main thread rarely waits for it.
      if (free() < minRoom) {
        if (stopRequested()) break;
        waitForSpace();
        continue;
      }
      idle = 0;
      Atomics.store(ctrl, C.BUSY, 1);
      if (stopRequested()) break;
      const slot = cursor & claimMask;
      const v = Atomics.load(claims, slot);
      cursor++;
      if (Math.abs(v) > target || Atomics.compareExchange(claims, slot, v, target + 1) !== v) {
        // The main thread has it.
        Atomics.store(ctrl, C.BUSY, 0);
        continue;
      }
      let ok: boolean;
      try {
        ok = processFile(target);
      } finally {
        Atomics.store(ctrl, C.BUSY, 0);
        if (stopRequested()) Atomics.notify(ctrl, C.BUSY);
      }
      if (!ok) break;
      Atomics.add(ctrl, C.WORKER_FILES, 1);
    }
    Atomics.store(ctrl, C.STATE, S.FINISHED);
  } catch (e) {
    if (e === STOPPED) {
      Atomics.store(ctrl, C.STATE, S.FINISHED);
    } else {
      try {
        wd.port.postMessage({ failure: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      } catch {
        /* the port is gone: the main thread is done */
      }
      Atomics.store(ctrl, C.STATE, S.FAILED);
    }
  }
  Atomics.store(ctrl, C.BUSY, 0);
  Atomics.notify(ctrl, C.BUSY);
  Atomics.notify(ctrl, C.WPOS);
  wd.port.close();
}
