// The file system as a NAR tree, read by two threads for big trees (`cairn hash`, `cairn add`).
//
// The main thread walks the tree in NAR order with a cursor that runs a window of regular files
// ahead of the NAR writer: readdir with file types, names as latin1 strings (one char per byte,
// so non-UTF-8 names survive, and string order is unsigned byte order, as Nix's std::string),
// files numbered in NAR order. Once `minFiles` files are known, a worker thread starts and the
// paths are posted to it in batches. Files are claimed by index with a compare-and-swap on a
// shared slot: the worker claims at least `gap` files beyond the main thread's position, reads
// its files (and, for add, writes their canonical store copies) into a SharedArrayBuffer ring in
// index order; the main thread runs the NAR writer and the hash, takes the worker's files from
// the ring, and reads itself any file the worker has not claimed when it gets there. So the
// split follows the work: when hashing is the bottleneck the worker reads nearly everything,
// when copying is, the two threads share it. Small trees never start the worker (~30 ms).
//
// Everything the NAR writer sees, and every error (message, code and NAR order), is what
// fsTree() gives: store/format stays pure and unaware of threads.
import fs from "node:fs";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { CairnError, NAR_MAX_DEPTH, type ErrorCode, type DirectoryNode, type TreeNode } from "./format/index.js";
import { fsTree, ioError, regularNode, symlinkNode, typeName, unsupported, type TreeObserver } from "./fs-tree.js";
import { CTRL, REC, STATE, treeReaderWorker, type PathBatch, type TreeWorkerData } from "./parallel-tree-worker.js";

/** Tuning; exported so tests can force the worker on small trees. */
export const parallelTreeSettings = {
  /** Start the worker once this many regular files are known (else read in this thread). */
  minFiles: 2000,
  /** The walk runs ahead of the NAR writer by this many regular files (and at most 8 times as many entries). */
  window: 2048,
  /** Paths are posted to the worker in batches of this many. */
  batch: 256,
  /**
   * The worker claims files at least this many beyond the main thread's position, so that when
   * the main thread catches up it has files of its own to read rather than wait on the worker's
   * current one (measured: 16 beats 128 and 512, which leave the hashing thread less time).
   */
  gap: 16,
  /** Ring of file contents from the worker, bytes (rounded up to a power of two). */
  ringBytes: 8 << 20,
  /** Largest chunk the worker reads at once (at most ringBytes / 4). */
  maxChunk: 1 << 20,
  /** Polls of the ring before the main thread sleeps on it. */
  spin: 2000,
  /** A worker that holds a file the main thread needs and makes no progress this long has failed. */
  stallMs: 60_000,
  /** Tests: wait (up to 10 s) for the worker to run before the writer starts, so it does take files. */
  awaitWorker: false,
};

const WORKER_SOURCE = `(${treeReaderWorker.toString()})(require);`;
const HDR = REC.HEADER_BYTES;
/** Claim slots: more than window + batch, so a slot is reused only for files long done. */
const CLAIM_SLOTS = 1 << 16;
const NON_ASCII = /[^\x00-\x7f]/;

/** A latin1 path as fs takes it: ASCII as it is (its UTF-8 is the same bytes), others as bytes. */
const fsPath = (s: string): string | Buffer => (NON_ASCII.test(s) ? Buffer.from(s, "latin1") : s);
const bytes = (s: string): Buffer => Buffer.from(s, "latin1");

export interface FsTreeOptions {
  /** false: never start a worker. Default: a worker for trees of `minFiles` files or more. */
  parallel?: boolean;
  /**
   * Add: the worker also writes each file it reads as a canonical store file (0444 or 0555,
   * mtime 1) at copyTo + (its path minus the root's), and reports it with
   * TreeObserver.copiedRegular. The observer must create each directory in `directory`.
   */
  copyTo?: string | Buffer;
}

export interface FsTreeStats {
  /** Regular files numbered by the walk (all of them unless it stopped at an error). */
  files: number;
  /** Of those, read by the worker. */
  workerFiles: number;
  /** Times the main thread slept waiting for the worker. */
  waits: number;
}

export interface FsTreeHandle {
  readonly root: TreeNode;
  /** A worker was started. */
  readonly parallel: boolean;
  /** Stop the worker (waiting until it has let go of its files): call when done or failing. */
  close(): void;
  stats(): FsTreeStats;
}

const Kind = {
  File: 0,
  Dir: 1,
  Symlink: 2,
  /** Resolved by lstat at walk time: a FIFO, socket, device, or an lstat error. */
  Other: 3,
} as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Dir {
  /** latin1 */
  readonly path: string;
  readonly depth: number;
  visited: boolean;
  entries: Entry[] | undefined;
  error: unknown;
}

interface Entry {
  readonly name: Buffer;
  /** latin1 */
  readonly path: string;
  readonly kind: Kind;
  /** Regular files: position in NAR order; -1 for files not numbered (read in this thread). */
  index: number;
  readonly dir: Dir | undefined;
  /** Kind.Other: what to throw when the writer reaches it. */
  readonly error: unknown;
}

/**
 * The tree at `path` as fsTree() reads it, with a reading (and, for add, copying) thread for big
 * trees. Always close() the handle, also after errors: when it returns, the worker has let go of
 * every file (so a temp tree can be removed).
 */
export function openFsTree(path: string | Buffer, observer?: TreeObserver, opts: FsTreeOptions = {}): FsTreeHandle {
  const p = typeof path === "string" ? Buffer.from(path) : path;
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (e) {
    throw ioError(p, e);
  }
  if (!st.isDirectory()) {
    const root = fsTree(p, observer);
    return { root, parallel: false, close() {}, stats: () => ({ files: 0, workerFiles: 0, waits: 0 }) };
  }
  const t = new ParallelTree(p.toString("latin1"), observer, opts);
  try {
    t.start();
  } catch (e) {
    t.close();
    throw e;
  }
  return t;
}

class ParallelTree implements FsTreeHandle {
  root!: TreeNode;
  private readonly settings = { ...parallelTreeSettings };
  private readonly rootDir: Dir;
  // The walk: a cursor in NAR order (a stack of directories and positions).
  private readonly stack: { entries: Entry[]; pos: number }[] = [];
  private walkDone = false;
  private discovered = 0;
  /** The file the writer is at. */
  private current = 0;
  /** Entries the walk has passed, and entries the writer has asked for. */
  private walked = 0;
  private made = 0;
  // Paths not yet posted to the worker: files batchFirst, batchFirst + 1, ... (collected until
  // it is clear there will be no worker).
  private collect = true;
  private batch: string[] = [];
  private batchFirst = 0;
  private published = 0;
  // The worker, once started.
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private ctrl!: Int32Array;
  private claims!: Int32Array;
  private data!: Uint8Array;
  private words!: Int32Array;
  private ringMask = 0;
  private rpos = 0;
  // The current record (one at a time: the writer reads one file at a time).
  private rOff = 0;
  private rKind = 0;
  private rIndex = 0;
  private rLen = 0;
  private rFlags = 0;
  private rSize = 0;
  private waits = 0;
  private closed = false;
  private stalled = false;
  /** The writer reads one file at a time: one iterator, reused (less garbage than generators). */
  private readonly chunks = new WorkerChunks(this);

  constructor(
    rootPath: string,
    private readonly obs: TreeObserver | undefined,
    private readonly opts: FsTreeOptions,
  ) {
    this.rootDir = { path: rootPath, depth: 0, visited: false, entries: undefined, error: undefined };
  }

  get parallel(): boolean {
    return this.worker !== undefined;
  }

  stats(): FsTreeStats {
    return {
      files: this.discovered,
      workerFiles: this.worker === undefined ? 0 : Atomics.load(this.ctrl, CTRL.WORKER_FILES),
      waits: this.waits,
    };
  }

  start(): void {
    // fsTree reads the top directory at once, so its errors come from here.
    this.visit(this.rootDir);
    if (this.rootDir.error !== undefined) throw this.rootDir.error;
    this.stack.push({ entries: this.rootDir.entries!, pos: 0 });
    if (this.opts.parallel !== false) {
      while (!this.walkDone && this.discovered < this.settings.minFiles) this.step();
      if (this.discovered >= this.settings.minFiles) this.startWorker();
    }
    if (this.worker === undefined) {
      this.collect = false;
      this.batch = [];
    }
    this.root = this.dirNode(this.rootDir);
  }

  // ---- the walk ------------------------------------------------------------------------------

  /** Read a directory's entries, sorted; `obs.directory` first (add creates it there). */
  private visit(d: Dir): void {
    d.visited = true;
    this.obs?.directory?.(bytes(d.path));
    let dirents: fs.Dirent[];
    try {
      dirents = fs.readdirSync(fsPath(d.path), { encoding: "latin1", withFileTypes: true }) as unknown as fs.Dirent[];
    } catch (e) {
      d.error = ioError(bytes(d.path), e);
      return;
    }
    // latin1 strings compare by char code, i.e. by unsigned byte: Buffer.compare's order.
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const entries: Entry[] = new Array(dirents.length);
    const prefix = d.path + "/";
    for (let i = 0; i < dirents.length; i++) {
      const de = dirents[i]!;
      const path = prefix + de.name;
      // d_type spares an lstat per entry; DT_UNKNOWN (some file systems) falls back to it.
      let kind: Kind = de.isFile() ? Kind.File : de.isDirectory() ? Kind.Dir : de.isSymbolicLink() ? Kind.Symlink : Kind.Other;
      let error: unknown;
      if (kind === Kind.Other) {
        try {
          const st = fs.lstatSync(fsPath(path));
          if (st.isFile()) kind = Kind.File;
          else if (st.isDirectory()) kind = Kind.Dir;
          else if (st.isSymbolicLink()) kind = Kind.Symlink;
          else error = unsupportedError(bytes(path), st);
        } catch (e) {
          error = ioError(bytes(path), e);
        }
      }
      const dir: Dir | undefined =
        kind === Kind.Dir ? { path, depth: d.depth + 1, visited: false, entries: undefined, error: undefined } : undefined;
      entries[i] = { name: bytes(de.name), path, kind, index: -1, dir, error };
    }
    d.entries = entries;
  }

  /** Advance the walk by one entry. */
  private step(): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) return this.finishWalk();
    if (top.pos >= top.entries.length) {
      this.stack.pop();
      return;
    }
    const e = top.entries[top.pos++]!;
    this.walked++;
    switch (e.kind) {
      case Kind.File:
        e.index = this.discovered++;
        if (this.collect) this.batch.push(e.path);
        break;
      case Kind.Dir: {
        const d = e.dir!;
        // The writer refuses this directory (too deep) or fails on it: nothing after it is read.
        if (d.depth >= NAR_MAX_DEPTH) return this.finishWalk();
        this.visit(d);
        if (d.error !== undefined) return this.finishWalk();
        this.stack.push({ entries: d.entries!, pos: 0 });
        break;
      }
      case Kind.Other:
        return this.finishWalk();
    }
  }

  private finishWalk(): void {
    this.walkDone = true;
    this.stack.length = 0;
  }

  /** Keep the walk a window ahead of the writer, and the worker supplied with paths. */
  private topUp(): void {
    const s = this.settings;
    const most = 8 * s.window;
    while (!this.walkDone && this.discovered - this.current < s.window && this.walked - this.made < most) this.step();
    if (this.worker === undefined) return;
    if (this.batch.length === 0) {
      if (this.walkDone && Atomics.load(this.ctrl, CTRL.PASS_DONE) === 0) this.flush();
    } else if (
      this.walkDone ||
      this.batch.length >= s.batch ||
      this.published - Atomics.load(this.ctrl, CTRL.WORKER_CURSOR) < s.batch
    ) {
      this.flush();
    }
  }

  private flush(): void {
    if (this.batch.length > 0) {
      const msg: PathBatch = { first: this.batchFirst, paths: this.batch };
      this.port!.postMessage(msg);
      this.batchFirst += this.batch.length;
      this.batch = [];
      this.published = this.batchFirst;
      Atomics.store(this.ctrl, CTRL.PUBLISHED, this.published);
    }
    if (this.walkDone) Atomics.store(this.ctrl, CTRL.PASS_DONE, 1);
    Atomics.notify(this.ctrl, CTRL.PUBLISHED);
  }

  // ---- nodes for the writer ------------------------------------------------------------------

  private dirNode(d: Dir): DirectoryNode {
    if (!d.visited) {
      while (!d.visited && !this.walkDone) this.step();
      // Past the end of the walk (a directory the writer will refuse): read as fsTree does.
      if (!d.visited) this.visit(d);
    }
    if (d.error !== undefined) throw d.error;
    const list = d.entries!;
    d.entries = undefined; // the writer holds them now; they go with its stack frame
    const obs = this.obs;
    return {
      type: "directory",
      entries: () => list.map((e) => [e.name, () => this.node(e)] as const),
      end: obs?.endDirectory === undefined ? undefined : () => obs.endDirectory!(bytes(d.path)),
    };
  }

  private node(e: Entry): TreeNode {
    this.made++;
    switch (e.kind) {
      case Kind.File:
        if (e.index >= 0) {
          this.current = e.index;
          this.topUp();
          if (this.worker !== undefined && !this.claim(e.index)) return this.workerFile(e);
        }
        return regularNode(bytes(e.path), this.obs);
      case Kind.Dir:
        this.topUp();
        return this.dirNode(e.dir!);
      case Kind.Symlink:
        return symlinkNode(bytes(e.path), this.obs);
      case Kind.Other:
        throw e.error;
    }
  }

  // ---- the worker ----------------------------------------------------------------------------

  private startWorker(): void {
    const s = this.settings;
    // The ring's offsets are masks (a power of two), and the worker needs room for two chunks
    // (one wasted at the end of the ring, one at its start).
    s.ringBytes = 2 ** Math.ceil(Math.log2(Math.max(s.ringBytes, 1 << 16)));
    s.maxChunk = Math.max(1, Math.min(s.maxChunk, s.ringBytes / 4));
    const ctrl = new SharedArrayBuffer(4 * CTRL.COUNT);
    const claims = new SharedArrayBuffer(4 * CLAIM_SLOTS);
    const ring = new SharedArrayBuffer(s.ringBytes);
    this.ctrl = new Int32Array(ctrl);
    this.claims = new Int32Array(claims);
    this.data = new Uint8Array(ring);
    this.words = new Int32Array(ring);
    this.ringMask = s.ringBytes - 1;
    Atomics.store(this.ctrl, CTRL.GAP, s.gap);
    const { port1, port2 } = new MessageChannel();
    const copyTo = this.opts.copyTo;
    const workerData: TreeWorkerData = {
      ctrl,
      claims,
      ring,
      port: port2,
      maxChunk: s.maxChunk,
      copyRoot: copyTo === undefined ? null : (typeof copyTo === "string" ? Buffer.from(copyTo) : copyTo).toString("latin1"),
      srcRootLength: this.rootDir.path.length,
      fixModes: (process.umask() & 0o555) !== 0,
      ctrlIndex: CTRL,
      states: STATE,
      rec: REC,
    };
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData, transferList: [port2] });
    // The main thread blocks while reading; the worker must never keep the process alive, and
    // its failures reach the main thread through the control words, not as events.
    this.worker.unref();
    this.worker.on("error", () => {});
    port1.unref();
    this.flush();
    if (s.awaitWorker) {
      for (let i = 0; i < 200 && Atomics.load(this.ctrl, CTRL.STATE) === STATE.STARTING; i++) {
        Atomics.wait(this.ctrl, CTRL.STATE, STATE.STARTING, 50);
      }
    }
  }

  /** Claim file `i` for this thread; false if the worker has it. */
  private claim(i: number): boolean {
    Atomics.store(this.ctrl, CTRL.MAIN_POS, i);
    const slot = i & (CLAIM_SLOTS - 1);
    const v = Atomics.load(this.claims, slot);
    return v !== i + 1 && Atomics.compareExchange(this.claims, slot, v, -(i + 1)) === v;
  }

  /** Load the next record into r*, waiting for the worker if need be. */
  private record(): void {
    if (Atomics.load(this.ctrl, CTRL.WPOS) === this.rpos) this.waitForData();
    let off = this.rpos & this.ringMask;
    const w = this.words;
    if (w[off >> 2] === REC.WRAP) {
      this.rpos = (this.rpos + (this.ringMask + 1 - off)) | 0;
      this.publishRpos();
      if (Atomics.load(this.ctrl, CTRL.WPOS) === this.rpos) this.waitForData();
      off = 0;
    }
    const h = off >> 2;
    this.rOff = off;
    this.rKind = w[h]!;
    this.rIndex = w[h + 1]!;
    this.rLen = w[h + 2]!;
    this.rFlags = w[h + 3]!;
    this.rSize = (w[h + 4]! >>> 0) + w[h + 5]! * 0x100000000;
  }

  /** Free the current record. */
  private release(): void {
    this.rpos = (this.rpos + ((HDR + this.rLen + 7) & ~7)) | 0;
    this.publishRpos();
  }

  private publishRpos(): void {
    Atomics.store(this.ctrl, CTRL.RPOS, this.rpos);
    if (Atomics.load(this.ctrl, CTRL.WORKER_WAITING) !== 0) Atomics.notify(this.ctrl, CTRL.RPOS);
  }

  /** Timed waits: a dead or stuck worker is an error, never a hang. */
  private waitForData(): void {
    const ctrl = this.ctrl;
    // The worker is usually microseconds from publishing: spin before sleeping.
    for (let i = this.settings.spin; i > 0; i--) if (Atomics.load(ctrl, CTRL.WPOS) !== this.rpos) return;
    this.waits++;
    const started = Date.now();
    Atomics.store(ctrl, CTRL.MAIN_WAITING, 1);
    try {
      while (Atomics.load(ctrl, CTRL.WPOS) === this.rpos) {
        const state = Atomics.load(ctrl, CTRL.STATE);
        if (state === STATE.FAILED) throw this.workerFailure();
        if (state === STATE.FINISHED && Atomics.load(ctrl, CTRL.WPOS) === this.rpos) {
          throw new CairnError("E_IO", "the parallel reading thread stopped without sending a file it had claimed", {});
        }
        if (Date.now() - started > this.settings.stallMs) {
          this.stalled = true;
          throw new CairnError("E_IO", `the parallel reading thread made no progress for ${this.settings.stallMs / 1000} s`, {});
        }
        Atomics.wait(ctrl, CTRL.WPOS, this.rpos, 100);
      }
    } finally {
      Atomics.store(ctrl, CTRL.MAIN_WAITING, 0);
    }
  }

  private workerFailure(): CairnError {
    const m = this.port === undefined ? undefined : receiveMessageOnPort(this.port);
    const why = (m?.message as { failure?: string } | undefined)?.failure ?? "it exited";
    return new CairnError("E_IO", `the parallel reading thread failed: ${why}`, {});
  }

  /** A file the worker claimed: its first record carries the mode and size. */
  private workerFile(e: Entry): TreeNode {
    this.record();
    this.check(e, true);
    const executable = (this.rFlags & REC.EXECUTABLE) !== 0;
    const size = this.rSize;
    if (this.opts.copyTo === undefined) this.obs?.regular?.(bytes(e.path), executable, size);
    this.chunks.reset(e, executable, size);
    const chunks = this.chunks;
    return { type: "regular", executable, size, contents: () => chunks };
  }

  /** The next chunk of the worker's current file (for WorkerChunks), or undefined at its end. */
  nextChunk(c: WorkerChunks): Uint8Array | undefined {
    if (c.entry === undefined) return undefined;
    if (c.started) {
      const last = (this.rFlags & REC.LAST) !== 0;
      this.release();
      if (last) {
        const path = c.entry.path;
        c.entry = undefined;
        const obs = this.obs;
        if (this.opts.copyTo !== undefined) obs?.copiedRegular?.(bytes(path), c.executable, c.size);
        else obs?.endRegular?.();
        return undefined;
      }
      this.record();
      this.check(c.entry, false);
    }
    c.started = true;
    if (this.rLen === 0) return this.nextChunk(c);
    const chunk = this.data.subarray(this.rOff + HDR, this.rOff + HDR + this.rLen);
    if (this.opts.copyTo === undefined) this.obs?.contents?.(chunk);
    return chunk;
  }

  private check(e: Entry, first: boolean): void {
    if (this.rKind === REC.ERROR && this.rIndex === e.index) {
      const text = Buffer.from(this.data.subarray(this.rOff + HDR, this.rOff + HDR + this.rLen)).toString();
      const f = JSON.parse(text) as { code: ErrorCode; message: string; data: Record<string, unknown> };
      throw new CairnError(f.code, f.message, f.data);
    }
    if (this.rKind !== REC.CHUNK || this.rIndex !== e.index || ((this.rFlags & REC.FIRST) !== 0) !== first) {
      throw new CairnError(
        "E_IO",
        `the parallel reading thread sent record ${this.rKind}/${this.rIndex}, expected file ${e.index}`,
        { path: bytes(e.path).toString() },
      );
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    if (worker === undefined) return;
    const ctrl = this.ctrl;
    // No more claims (the worker checks STOP after raising BUSY); then wait until it has closed
    // any file it holds.
    Atomics.store(ctrl, CTRL.STOP, 1);
    Atomics.notify(ctrl, CTRL.PUBLISHED);
    Atomics.notify(ctrl, CTRL.RPOS);
    const started = Date.now();
    // A worker already found stuck gets a second; otherwise it may be finishing a big write.
    const patience = this.stalled ? 1000 : 10_000;
    while (Atomics.load(ctrl, CTRL.BUSY) !== 0) {
      if (Date.now() - started > patience) {
        // Stuck in a system call: it ends with the thread. A temp tree may keep a stray file.
        void worker.terminate();
        break;
      }
      Atomics.wait(ctrl, CTRL.BUSY, 1, 50);
    }
    this.port?.close();
  }
}

/** Iterable over the chunks of the worker's current file, as the NAR writer consumes them. */
class WorkerChunks implements Iterable<Uint8Array>, Iterator<Uint8Array> {
  entry: Entry | undefined;
  executable = false;
  size = 0;
  started = false;
  private readonly result = { done: false, value: undefined as unknown as Uint8Array };
  constructor(private readonly tree: { nextChunk(c: WorkerChunks): Uint8Array | undefined }) {}
  reset(entry: Entry, executable: boolean, size: number): void {
    this.entry = entry;
    this.executable = executable;
    this.size = size;
    this.started = false;
  }
  [Symbol.iterator](): Iterator<Uint8Array> {
    return this;
  }
  next(): IteratorResult<Uint8Array> {
    const chunk = this.tree.nextChunk(this);
    const r = this.result;
    if (chunk === undefined) {
      r.done = true;
      r.value = undefined as unknown as Uint8Array;
    } else {
      r.done = false;
      r.value = chunk;
    }
    return r as IteratorResult<Uint8Array>;
  }
}

function unsupportedError(p: Buffer, st: fs.Stats): unknown {
  try {
    return unsupported(p, typeName(st));
  } catch (e) {
    return e;
  }
}
