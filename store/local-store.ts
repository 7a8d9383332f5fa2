// The local store: objects under ROOT/store, metadata in LMDB. Nix: src/libstore/local-store.cc.
// Write order (RELIABILITY.md §2.3): materialise under a private temp name, canonical and
// hashed -> claim the path in LMDB -> sync -> rename into place -> fsync the store dir -> one
// transaction registers it and drops the claim. A crash anywhere leaves unregistered garbage.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import {
  CairnError,
  Hasher,
  compareUtf8,
  hashBytes,
  narHashOfFile,
  makeFixedOutputPath,
  makeTextPath,
  printContentAddress,
  printHash,
  writeNar,
  ReferenceScanner,
  type Hash,
  type StorePath,
  type TreeNode,
  checkName,
  utf8,
} from "./format/index.js";
import { Layout } from "./layout.js";
import { openStoreDb, referrersOf, type PathInfoRecord, type StoreDb, type Claim } from "./db.js";
import { fsTree, type TreeObserver } from "./fs-tree.js";
import { openFsTree } from "./parallel-tree.js";
import { FsSink } from "./fs-sink.js";
import { removeTree } from "./remove-tree.js";
import { fsyncDir, fsyncDirAsync, syncFileSystem, syncFileSystemAsync } from "./syncfs.js";
import { restoreNar, type Restored } from "./nar-jobs.js";
import { isAlive, ownerTag, selfId } from "./process-id.js";
import { TempRootsFile } from "./temp-roots.js";
import { ParallelHasher } from "./parallel-hasher.js";

export type PathInfo = PathInfoRecord;

export type ClaimState = "valid" | "claimed" | "busy";

export interface StoreHooks {
  /** Named crash points for tests; the CLI maps CAIRN_CRASH_AT onto this. */
  crash?: (point: string) => void;
  /** Seconds since the epoch (registration times). */
  now?: () => number;
}

export interface AddPathOptions {
  /** "recursive" (NAR, the default) or "flat" (a single regular file's bytes). */
  method?: "recursive" | "flat";
  /** Store name; defaults to the base name of the source. */
  name?: string;
}

export interface TextObject {
  path: string;
  bytes: Uint8Array;
  references: readonly string[];
}

/** Text objects written ahead to a temp dir (LocalStore.stageTexts). */
export interface TextStaging {
  readonly tmp: string;
  /** Path -> its registration, for those written. */
  readonly staged: ReadonlyMap<string, PathInfo>;
  /** Returns how many were written (not valid nor staged already). */
  add(items: readonly TextObject[]): number;
  /** Make what is staged so far durable (one syncfs), while the caller goes on. */
  sync(): Promise<void>;
  /** Whether `p` is staged and made durable by a finished sync(). */
  isDurable(p: string): boolean;
  discard(): void;
}

export interface BuiltOutput {
  /** The logical output path (claimed by the caller). */
  path: string;
  /** Where the build left it. */
  source: string;
  /** Paths whose hash parts count as references when found (the input closure and the outputs). */
  candidates: readonly string[];
  /** The .drv that built it. */
  deriver?: string;
  /** A fixed output: the declared hash, checked. */
  fixed?: { method: "flat" | "recursive"; hash: Hash };
}

export interface MaterialisedOutput {
  tmp: string;
  info: PathInfo;
  entries: number;
}

export interface NarImport {
  path: string;
  narHash: Hash;
  narSize?: number;
  references?: string[];
  deriver?: string;
  ca?: string;
  sigs?: string[];
  /** The binary cache it comes from (recorded as PathInfo.substitutedFrom). */
  substitutedFrom?: string;
}

export interface AddFromNarsOptions {
  /**
   * Restore the NAR of `item` into `dest` (which does not exist yet), e.g. on a worker thread.
   * `onEntry`, if the restore runs in this thread, marks each entry written (crash points).
   */
  restore: (item: NarImport, dest: string, onEntry: () => void) => Promise<Restored>;
  /** Restores in flight at once. */
  concurrency: number;
  /** Make durable and register what is restored every this many NAR bytes (and at the end). Default 512 MiB. */
  batchBytes?: number;
  /** Called after each registering transaction with the paths it registered, in order. */
  onRegistered?: (paths: readonly string[]) => void;
  /** Turn an item's failure into the caller's error (e.g. one that names the cache). */
  describeError?: (item: NarImport, e: unknown) => unknown;
}

/**
 * What to fsync to make the tree at `root` durable, children before their directory: every file
 * and directory; undefined when the tree holds a symlink (then only syncfs will do, below).
 * Buffer paths: entry names need not be UTF-8.
 */
function toFsync(root: string): Buffer[] | undefined {
  const out: Buffer[] = [];
  let symlink = false;
  const walk = (p: Buffer): void => {
    const st = fs.lstatSync(p);
    if (st.isSymbolicLink()) {
      symlink = true;
      return;
    }
    if (st.isDirectory()) {
      for (const n of fs.readdirSync(p, { encoding: "buffer" })) walk(Buffer.concat([p, Buffer.from("/"), n]));
    }
    out.push(p);
  };
  walk(Buffer.from(root));
  // No file descriptor opens a symlink, and fsync of its directory writes the entry, not the
  // symlink's inode (ext4 without a journal, as the work disks here: the inode's block is only
  // marked dirty): a tree with one is made durable by syncfs.
  return symlink ? undefined : out;
}

/** Below this many files and directories, fsync each; above it, one syncfs is cheaper. */
const FSYNC_EACH_LIMIT = 64;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export class LocalStore {
  private constructor(
    readonly layout: Layout,
    readonly db: StoreDb,
    private readonly hooks: StoreHooks,
  ) {}

  /** Paths this process holds temp roots on (so each is written once). */
  private readonly tempRootsHeld = new Set<string>();
  private tempRootsFile: TempRootsFile | undefined;
  private get tempRoots(): TempRootsFile {
    return (this.tempRootsFile ??= new TempRootsFile(this.layout.tempRootsDir));
  }

  get storeDir(): string {
    return this.layout.storeDir;
  }

  static open(layout: Layout, hooks: StoreHooks = {}): LocalStore {
    for (const d of [layout.realStoreDir, layout.trashDir]) {
      try {
        fs.mkdirSync(d, { recursive: true, mode: 0o755 });
      } catch (e) {
        throw new CairnError("E_IO", `cannot create '${d}': ${(e as NodeJS.ErrnoException).code}`, { path: d });
      }
    }
    const store = new LocalStore(layout, openStoreDb(layout.dbDir, layout.storeDir), hooks);
    store.recover();
    return store;
  }

  async close(): Promise<void> {
    this.dropTempRoots();
    await this.db.close();
  }

  private crash(point: string): void {
    this.hooks.crash?.(point);
  }

  private now(): number {
    return this.hooks.now?.() ?? Math.floor(Date.now() / 1000);
  }

  // ---- queries -------------------------------------------------------------------------------

  parsePath(p: string): StorePath {
    return this.layout.parsePath(p);
  }

  queryPathInfo(p: string): PathInfo | undefined {
    const sp = this.parsePath(p);
    const info = this.db.paths.get(sp.hashPart);
    return info !== undefined && info.path === p ? info : undefined;
  }

  isValidPath(p: string): boolean {
    return this.queryPathInfo(p) !== undefined;
  }

  queryReferences(p: string): string[] {
    const info = this.queryPathInfo(p);
    if (info === undefined) throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
    return info.references;
  }

  /** Valid paths that refer to `p` (excluding `p` itself). */
  queryReferrers(p: string): string[] {
    const out: string[] = [];
    for (const r of referrersOf(this.db, p)) if (r !== p && this.isValidPath(r)) out.push(r);
    return out.sort(compareUtf8);
  }

  /** The closure of `paths` under references, sorted. */
  computeClosure(paths: Iterable<string>): string[] {
    const seen = new Set<string>();
    const todo = [...paths];
    while (todo.length > 0) {
      const p = todo.pop()!;
      if (seen.has(p)) continue;
      seen.add(p);
      for (const r of this.queryReferences(p)) if (!seen.has(r)) todo.push(r);
    }
    return [...seen].sort(compareUtf8);
  }

  /** Every valid path (a snapshot-free scan: fine for verify and gc, which re-check). */
  *allValidPaths(): Iterable<PathInfo> {
    // Materialised first: a consumer's own reads between two steps of a live lmdb iterator would
    // share its buffers (see queryReferrers).
    for (const { value } of [...this.db.paths.getRange({ snapshot: false })]) yield value;
  }

  realPath(p: string): string {
    return this.layout.realPath(this.parsePath(p));
  }

  // ---- claims --------------------------------------------------------------------------------

  /**
   * Claim `p` for this process, unless it is valid already. Another live process's claim makes
   * us wait for it to finish (then usually find `p` valid); a dead owner's claim is taken over.
   */
  claim(p: string, tmp: string): "valid" | "claimed" {
    const me = selfId();
    const base = path.basename(p);
    for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
      const r = this.db.write(() => {
        if (this.isValidPath(p)) return "valid" as const;
        const c = this.db.claims.get(base);
        if (c !== undefined && !(c.pid === me.pid && c.start === me.start) && isAlive(c)) return "busy" as const;
        this.db.claims.put(base, { pid: me.pid, start: me.start, tmp } as Claim);
        return "claimed" as const;
      });
      if (r !== "busy") return r;
      Atomics.wait(sleeper, 0, 0, delay);
    }
  }

  releaseClaim(p: string): void {
    const base = path.basename(p);
    const me = selfId();
    this.db.write(() => {
      const c = this.db.claims.get(base);
      if (c !== undefined && c.pid === me.pid && c.start === me.start) this.db.claims.remove(base);
    });
  }

  /**
   * Claim all of `paths` under `tmp` in one transaction; those another live process holds are
   * waited for one by one (claim()). Returns the paths found valid meanwhile (not claimed).
   */
  private claimOrWait(paths: readonly string[], tmp: string, alsoInTransaction?: () => void): Set<string> {
    const me = selfId();
    const valid = new Set<string>();
    const busy: string[] = [];
    this.db.write(() => {
      alsoInTransaction?.();
      for (const p of paths) {
        if (this.isValidPath(p)) {
          valid.add(p);
          continue;
        }
        const base = path.basename(p);
        const c = this.db.claims.get(base);
        if (c !== undefined && !(c.pid === me.pid && c.start === me.start) && isAlive(c)) busy.push(p);
        else this.db.claims.put(base, { pid: me.pid, start: me.start, tmp } as Claim);
      }
    });
    // Another live process is adding some of them: wait for it (or take over if it died).
    for (const p of busy) if (this.claim(p, tmp) === "valid") valid.add(p);
    return valid;
  }

  /** Drop claims of dead processes and their temp trees, and empty the trash. Idempotent. */
  recover(): void {
    const dead: string[] = [];
    for (const { key, value } of [...this.db.claims.getRange({ snapshot: false })]) {
      if (!isAlive(value)) dead.push(key);
    }
    for (const key of dead) {
      // The temp tree is the one named by the claim removed here: another dead process may have
      // taken the claim over since the scan.
      const removed = this.db.write(() => {
        const c = this.db.claims.get(key) as (Claim & { tmp?: string }) | undefined;
        if (c === undefined || isAlive(c)) return undefined;
        this.db.claims.remove(key);
        return { tmp: c.tmp };
      });
      if (removed?.tmp !== undefined && path.basename(removed.tmp).startsWith(".tmp-")) {
        this.crash("recover.claim-dropped");
        removeTree(path.join(this.layout.realStoreDir, path.basename(removed.tmp)));
      }
    }
    let trash: string[] = [];
    try {
      trash = fs.readdirSync(this.layout.trashDir);
    } catch {
      /* no trash yet */
    }
    for (const t of trash) removeTree(path.join(this.layout.trashDir, t));
  }

  // ---- writing -------------------------------------------------------------------------------

  private newTemp(): string {
    return path.join(this.layout.realStoreDir, `.tmp-${ownerTag()}-${randomBytes(6).toString("hex")}`);
  }

  /**
   * Make everything under `tmp` durable: per-file fsync for small trees, syncfs for big ones and
   * for those holding a symlink (see toFsync).
   */
  private syncTree(tmp: string, entries: number): void {
    const each = entries > FSYNC_EACH_LIMIT ? undefined : toFsync(tmp);
    if (each === undefined) {
      syncFileSystem(this.layout.realStoreDir);
      return;
    }
    for (const p of each) {
      const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }
  }

  /** `syncTree` with each fsync on libuv's thread pool (builds: other builds go on meanwhile). */
  private async syncTreeAsync(tmp: string, entries: number): Promise<void> {
    const each = entries > FSYNC_EACH_LIMIT ? undefined : toFsync(tmp);
    if (each === undefined) {
      await syncFileSystemAsync(this.layout.realStoreDir);
      return;
    }
    for (const p of each) {
      const fh = await fs.promises.open(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }

  /**
   * Refuse a reference that is not valid before anything is written: registration re-checks in
   * its transaction, but failing there would leave the object under its final name as garbage.
   */
  private checkReferencesValid(p: string, references: Iterable<string>): void {
    for (const r of references) {
      if (r !== p && !this.isValidPath(r)) {
        throw new CairnError("E_BAD_REFERENCE", `cannot add '${p}': its reference '${r}' is not valid`, { path: p, reference: r });
      }
    }
  }

  /**
   * Rename a complete object to its place. Whatever is there already is unregistered garbage from
   * a crash (the caller holds the claim): a file is replaced by the rename itself, anything else
   * is moved to the trash first.
   */
  private renameIntoPlace(from: string, dest: string): void {
    try {
      fs.renameSync(from, dest);
      return;
    } catch (e) {
      if (!["EISDIR", "ENOTDIR", "ENOTEMPTY", "EEXIST"].includes((e as NodeJS.ErrnoException).code ?? "")) throw e;
    }
    this.trashGarbage(dest, "texts.trashed");
    fs.renameSync(from, dest);
  }

  /** Move what is at `dest` to the trash and remove it (`crashPoint` in between, for tests). */
  private trashGarbage(dest: string, crashPoint?: string): void {
    const t = path.join(this.layout.trashDir, `${path.basename(dest)}-${randomBytes(4).toString("hex")}`);
    fs.renameSync(dest, t);
    if (crashPoint !== undefined) this.crash(crashPoint);
    removeTree(t);
  }

  /** Move a durable temp tree to `p`'s place and register it; the claim must be held. */
  private install(tmp: string, info: PathInfo, entries: number): void {
    this.syncTree(tmp, entries);
    this.crash("add.synced");
    const dest = this.realPath(info.path);
    // Whatever is there is unregistered garbage from a crash, and we hold the claim.
    if (lexists(dest)) this.trashGarbage(dest, "add.trashed");
    fs.renameSync(tmp, dest);
    fsyncDir(this.layout.realStoreDir);
    this.crash("add.renamed");
    this.registerValidPaths([info]);
    this.crash("add.registered");
  }

  /**
   * Register paths whose files are complete and durable, in one transaction. References must be
   * valid already or among `infos`; claims on them are released.
   */
  registerValidPaths(infos: PathInfo[], alsoInTransaction?: () => void): void {
    const batch = new Set(infos.map((i) => i.path));
    const me = selfId();
    this.db.write(() => {
      // Each outside reference is looked up once (10,000 .drv files may share one builder source).
      const valid = new Set<string>();
      for (const info of infos) {
        for (const r of info.references) {
          if (batch.has(r) || valid.has(r)) continue;
          if (this.isValidPath(r)) valid.add(r);
          else {
            throw new CairnError("E_BAD_REFERENCE", `cannot register '${info.path}': its reference '${r}' is not valid`, {
              path: info.path,
              reference: r,
            });
          }
        }
      }
      for (const info of infos) {
        const sp = this.parsePath(info.path);
        const old = this.db.paths.get(sp.hashPart);
        if (old !== undefined) for (const r of old.references) this.db.referrers.remove(r, old.path);
        this.db.paths.put(sp.hashPart, info);
        for (const r of info.references) this.db.referrers.put(r, info.path);
        const base = path.basename(info.path);
        const c = this.db.claims.get(base);
        if (c !== undefined && c.pid === me.pid && c.start === me.start) this.db.claims.remove(base);
      }
      alsoInTransaction?.();
      // Killed here: the process dies holding LMDB's write lock, with the writes uncommitted.
      this.crash("add.registering");
    });
  }

  /** `nix-store --add` (recursive) or `--add-fixed sha256` (flat). Returns the store path. */
  addPath(source: string, opts: AddPathOptions = {}): string {
    const method = opts.method ?? "recursive";
    const name = checkName(opts.name ?? path.basename(path.resolve(source)));
    const tmp = this.newTemp();
    let sink: FsSink | undefined;
    try {
      sink = new FsSink(tmp, { canonical: true, fsyncEach: false, onEntry: () => this.crash("add.entry") });
      let narHash: Hash;
      let narSize: number;
      let ca: string;
      let sp: StorePath;
      if (method === "recursive") {
        // Big trees: a second thread reads and copies part of the files (store/parallel-tree.ts);
        // it only makes files inside directories the sink has made, and reports each one when it
        // is complete, so add.entry still fires once per entry, here.
        const src = Buffer.from(source);
        const s = sink;
        const obs: TreeObserver = {
          ...teeObserver(src, s),
          copiedRegular: () => {
            s.entries++;
            this.crash("add.entry");
          },
        };
        const tree = openFsTree(src, obs, { copyTo: tmp });
        try {
          // With the second thread, both cores are busy: hash here rather than on a third.
          const narHasher = tree.parallel ? new Hasher("sha256") : new ParallelHasher("sha256");
          narSize = writeNar(tree.root, (c) => narHasher.update(c), source);
          narHash = narHasher.digest();
        } finally {
          tree.close();
        }
        sp = makeFixedOutputPath(this.storeDir, name, { method: "recursive", hash: narHash });
        ca = printContentAddress({ kind: "fixed", method: "recursive", hash: narHash });
      } else {
        const narHasher = new ParallelHasher("sha256");
        const flat = new Hasher("sha256");
        const node = flatFileNode(source, sink, flat);
        narSize = writeNar(node, (c) => narHasher.update(c), source);
        narHash = narHasher.digest();
        const fileHash = flat.digest();
        sp = makeFixedOutputPath(this.storeDir, name, { method: "flat", hash: fileHash });
        ca = printContentAddress({ kind: "fixed", method: "flat", hash: fileHash });
      }
      this.crash("add.written");
      const p = this.layout.printPath(sp);
      this.addTempRoot(p); // before the validity check, so a gc cannot take `p` from under the caller
      if (this.claim(p, tmp) === "valid") {
        removeTree(tmp);
        return p;
      }
      this.crash("add.claimed");
      const info: PathInfo = {
        path: p,
        narHash: printHash(narHash, "nix32", true),
        narSize,
        references: [],
        registrationTime: this.now(),
        sigs: [],
        ca,
      };
      try {
        this.install(tmp, info, sink.entries);
      } finally {
        this.releaseClaim(p);
      }
      return p;
    } catch (e) {
      sink?.abandon();
      removeTree(tmp);
      throw e;
    }
  }

  /** `builtins.toFile`: a text object whose references are the given (valid) store paths. */
  addText(name: string, text: string | Uint8Array, references: string[] = []): string {
    checkName(name);
    const bytes = typeof text === "string" ? utf8(text) : text;
    const refs = [...new Set(references)].sort(compareUtf8);
    const sp = makeTextPath(this.storeDir, name, hashBytes("sha256", bytes).bytes, refs.map((r) => this.parsePath(r)));
    const p = this.layout.printPath(sp);
    this.addTempRoot(p); // before the validity check, so a gc cannot take `p` from under the caller
    if (this.isValidPath(p)) return p;
    // Refused before anything is written (registration re-checks inside its transaction).
    this.checkReferencesValid(p, refs);
    this.addTextObjects([{ path: p, bytes, references: refs }]);
    return p;
  }

  /**
   * Add a store object from a NAR stream whose path and hash are known in advance (copy from a
   * cache, import). The NAR is checked against `expected` before anything is registered.
   */
  addFromNar(read: (n: number) => Uint8Array, atEnd: () => boolean, expected: NarImport): string {
    const p = expected.path;
    this.checkImport(expected);
    this.addTempRoot(p); // before the validity check, so a gc cannot take `p` from under the caller
    if (this.isValidPath(p)) return p;
    this.checkReferencesValid(p, expected.references ?? []);
    const tmp = this.newTemp();
    if (this.claim(p, tmp) === "valid") return p;
    try {
      this.crash("import.claimed");
      let got: Restored;
      try {
        got = restoreNar(read, atEnd, tmp, { onEntry: () => this.crash("import.entry") });
      } catch (e) {
        throw e instanceof CairnError && e.code === "E_NAR_FORMAT" && e.data.reason === "trailing-data"
          ? new CairnError("E_NAR_FORMAT", `NAR for '${p}' has ${e.message}`, { ...e.data, path: p })
          : e;
      }
      this.install(tmp, this.importedInfo(expected, got), got.entries);
      return p;
    } catch (e) {
      removeTree(tmp);
      throw e;
    } finally {
      this.releaseClaim(p);
    }
  }

  /** Refuse what an import can never register, before anything is written. */
  private checkImport(expected: NarImport): void {
    this.parsePath(expected.path);
    // NAR hashes are sha256 everywhere Nix records them (path info, narinfo NarHash).
    if (expected.narHash.algo !== "sha256") {
      throw new CairnError("E_BAD_HASH", `NAR hash of '${expected.path}' must be sha256, not ${expected.narHash.algo}`, { path: expected.path });
    }
    for (const r of expected.references ?? []) this.parsePath(r);
  }

  /** The path info of an import, once its NAR is checked against what was expected of it. */
  private importedInfo(expected: NarImport, got: Restored): PathInfo {
    const p = expected.path;
    if (Buffer.compare(got.narHash, expected.narHash.bytes) !== 0) {
      const actual = printHash({ algo: "sha256", bytes: got.narHash }, "nix32", true);
      throw new CairnError(
        "E_HASH_MISMATCH",
        `hash mismatch importing path '${p}';\n  specified: ${printHash(expected.narHash, "nix32", true)}\n  got:       ${actual}`,
        { path: p, expected: printHash(expected.narHash, "nix32", true), actual },
      );
    }
    if (expected.narSize !== undefined && expected.narSize !== got.narSize) {
      throw new CairnError("E_SIZE_MISMATCH", `size mismatch importing path '${p}': expected ${expected.narSize}, got ${got.narSize}`, {
        path: p,
        expected: expected.narSize,
        actual: got.narSize,
      });
    }
    return {
      path: p,
      narHash: printHash(expected.narHash, "nix32", true),
      narSize: got.narSize,
      references: [...(expected.references ?? [])].sort(compareUtf8),
      registrationTime: this.now(),
      sigs: expected.sigs ?? [],
      ...(expected.deriver !== undefined ? { deriver: expected.deriver } : {}),
      ...(expected.ca !== undefined ? { ca: expected.ca } : {}),
      ...(expected.substitutedFrom !== undefined ? { substitutedFrom: expected.substitutedFrom } : {}),
    };
  }

  /**
   * Add many store objects from NARs whose paths and hashes are known (copy from a cache), given
   * references first. All are claimed at once, under one private temp directory; up to
   * `concurrency` NARs are restored at a time (opts.restore, e.g. on worker threads), each
   * checked against its expected hash and size; then, per batch of batchBytes, one sync of the
   * file system, the renames, and one transaction registering the batch. A crash leaves
   * registered batches valid and the rest unregistered garbage. Returns the paths registered.
   */
  async addFromNars(items: readonly NarImport[], opts: AddFromNarsOptions): Promise<string[]> {
    for (const it of items) this.checkImport(it);
    this.addTempRoots(items.map((i) => i.path)); // before the validity checks (gc)
    let todo = items.filter((i) => !this.isValidPath(i.path));
    const earlier = new Set<string>();
    for (const it of todo) {
      this.checkReferencesValid(it.path, (it.references ?? []).filter((r) => !earlier.has(r)));
      earlier.add(it.path);
    }
    if (todo.length === 0) return [];
    const tmp = this.newTemp();
    const registered: string[] = [];
    const started: Array<Promise<MaterialisedOutput>> = [];
    let claimed: readonly string[] = [];
    try {
      const valid = this.claimOrWait(
        todo.map((i) => i.path),
        tmp,
      );
      todo = todo.filter((i) => !valid.has(i.path));
      claimed = todo.map((i) => i.path);
      // After the claims that name it: a crash leaves it to recover(), never unaccounted for.
      fs.mkdirSync(tmp, 0o700);
      this.crash("import.claimed");
      const start = (it: NarImport) => {
        const dest = path.join(tmp, path.basename(it.path));
        const pr = (async () => {
          try {
            const got = await opts.restore(it, dest, () => this.crash("import.entry"));
            return { tmp: dest, info: this.importedInfo(it, got), entries: got.entries };
          } catch (e) {
            throw opts.describeError?.(it, e) ?? e;
          }
        })();
        pr.catch(() => {}); // observed in order below
        started.push(pr);
      };
      const batchBytes = opts.batchBytes ?? 512 << 20;
      let batch: MaterialisedOutput[] = [];
      let bytes = 0;
      for (let i = 0; i < todo.length; i++) {
        while (started.length < Math.min(todo.length, i + Math.max(1, opts.concurrency))) start(todo[started.length]!);
        const m = await started[i]!;
        batch.push(m);
        bytes += m.info.narSize;
        if (bytes >= batchBytes || i === todo.length - 1) {
          const entries = batch.reduce((n, o) => n + o.entries, 0);
          // Off the event loop: restores of the next batch go on meanwhile.
          if (entries > FSYNC_EACH_LIMIT) await syncFileSystemAsync(this.layout.realStoreDir);
          else for (const o of batch) this.syncTree(o.tmp, o.entries);
          await this.placeAndRegister(batch, "import");
          const paths = batch.map((o) => o.info.path);
          registered.push(...paths);
          opts.onRegistered?.(paths);
          batch = [];
          bytes = 0;
        }
      }
      return registered;
    } catch (e) {
      await Promise.allSettled(started);
      const done = new Set(registered);
      this.releaseClaims(claimed.filter((p) => !done.has(p)));
      throw e;
    } finally {
      removeTree(tmp);
    }
  }

  /** Remove `p` from the database if nothing valid refers to it (the files become garbage). */
  invalidatePath(p: string): void {
    this.db.write(() => {
      const info = this.queryPathInfo(p);
      if (info === undefined) return;
      const referrers = this.queryReferrers(p);
      if (referrers.length > 0) {
        throw new CairnError("E_HAS_REFERRERS", `cannot invalidate '${p}': it is referenced by '${referrers[0]}'`, {
          path: p,
          referrers,
        });
      }
      for (const r of info.references) this.db.referrers.remove(r, p);
      this.db.paths.remove(this.parsePath(p).hashPart);
    });
  }

  /**
   * Start writing text objects before it is known which are wanted (evaluation streams what it
   * makes): each one not valid yet is written to one private temp dir, unclaimed. addTextObjects
   * then takes the ones it needs from there; the temp dir goes when it is done (discard() for
   * nothing wanted), and after a crash the gc removes it as a dead owner's.
   */
  stageTexts(): TextStaging {
    const tmp = this.newTemp();
    const staged = new Map<string, PathInfo>();
    const durable = new Set<string>();
    let made = false;
    return {
      tmp,
      staged,
      add: (items) => {
        let n = 0;
        for (const it of items) {
          if (staged.has(it.path) || this.isValidPath(it.path)) continue;
          if (!made) fs.mkdirSync(tmp, 0o700);
          made = true;
          staged.set(it.path, this.writeText(tmp, it, this.now(), false));
          n++;
        }
        return n;
      },
      sync: async () => {
        const covered = [...staged.keys()];
        await syncFileSystemAsync(this.layout.realStoreDir);
        for (const p of covered) durable.add(p);
      },
      isDurable: (p) => durable.has(p),
      discard: () => removeTree(tmp),
    };
  }

  /** Write one text object under `dir` (read-only, mtime 1) and compute its registration. */
  private writeText(dir: string, it: TextObject, now: number, fsync: boolean): PathInfo {
    const fd = fs.openSync(path.join(dir, path.basename(it.path)), "wx", 0o444);
    try {
      fs.writeSync(fd, it.bytes);
      fs.futimesSync(fd, 1, 1);
      if (fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const nar = narHashOfFile(it.bytes);
    return {
      path: it.path,
      narHash: printHash(nar.hash, "nix32", true),
      narSize: nar.size,
      references: [...it.references].sort(compareUtf8),
      registrationTime: now,
      sigs: [],
      ca: printContentAddress({ kind: "text", hash: hashBytes("sha256", it.bytes) }),
    };
  }

  /**
   * Add many text objects (.drv files, toFile results) at once: one temp directory, one sync,
   * renames, and one registering transaction. Items must be given with their computed paths;
   * references must be valid or among the items. Those already written to `staging` are taken
   * from there. Returns how many were written.
   */
  addTextObjects(items: readonly TextObject[], staging?: TextStaging): number {
    const todo = new Map<string, TextObject>();
    for (const it of items) if (!todo.has(it.path)) todo.set(it.path, it);
    const tmp = staging?.tmp ?? this.newTemp();
    const me = selfId();
    // One transaction roots them and their references (a gc cannot take one from under the
    // caller: its decisions are write transactions too), drops those valid already and claims
    // the rest.
    const roots = items.flatMap((i) => [i.path, ...i.references]);
    for (const p of this.claimOrWait([...todo.keys()], tmp, () => this.putTempRoots(roots))) todo.delete(p);
    if (todo.size === 0) {
      staging?.discard();
      return 0;
    }
    try {
      fs.mkdirSync(tmp, { mode: 0o700, recursive: true });
      const now = this.now();
      // Staged files were not synced one by one: then one syncfs covers all, unless the staging's
      // own sync did already.
      const fsyncEach = staging === undefined && todo.size <= FSYNC_EACH_LIMIT;
      const infos = [...todo.values()].map((it) => staging?.staged.get(it.path) ?? this.writeText(tmp, it, now, fsyncEach));
      this.crash("texts.written");
      if (!fsyncEach && ![...todo.keys()].every((p) => staging?.isDurable(p))) syncFileSystem(this.layout.realStoreDir);
      this.crash("texts.synced");
      for (const it of todo.values()) {
        const base = path.basename(it.path);
        this.renameIntoPlace(path.join(tmp, base), path.join(this.layout.realStoreDir, base));
      }
      fsyncDir(this.layout.realStoreDir);
      this.crash("texts.renamed");
      this.registerValidPaths(infos);
      this.crash("texts.registered");
      return infos.length;
    } catch (e) {
      this.db.write(() => {
        for (const p of todo.keys()) {
          const c = this.db.claims.get(path.basename(p));
          if (c !== undefined && c.pid === me.pid && c.start === me.start) this.db.claims.remove(path.basename(p));
        }
      });
      throw e;
    } finally {
      // With what was staged but not wanted.
      removeTree(tmp);
    }
  }

  // ---- build outputs -------------------------------------------------------------------------

  /**
   * Claim several groups of paths in one transaction without waiting (builds poll instead of
   * blocking the event loop). In each group every path is "valid" already, "claimed" by us now, or
   * "busy" (another live process holds it; then nothing of that group is claimed).
   */
  tryClaimGroups(groups: readonly (readonly string[])[], tmp: string): Map<string, ClaimState>[] {
    const me = selfId();
    return this.db.write(() =>
      groups.map((paths) => {
        const r = new Map<string, ClaimState>();
        for (const p of paths) {
          if (this.isValidPath(p)) r.set(p, "valid");
          else {
            const c = this.db.claims.get(path.basename(p));
            r.set(p, c !== undefined && !(c.pid === me.pid && c.start === me.start) && isAlive(c) ? "busy" : "claimed");
          }
        }
        if ([...r.values()].includes("busy")) {
          for (const [p, v] of r) if (v === "claimed") r.set(p, "busy");
          return r;
        }
        for (const [p, v] of r) if (v === "claimed") this.db.claims.put(path.basename(p), { pid: me.pid, start: me.start, tmp } as Claim);
        return r;
      }),
    );
  }

  /** Drop this process's claims on `paths` (those it still holds), in one transaction. */
  releaseClaims(paths: Iterable<string>): void {
    const me = selfId();
    const held = [...paths].filter((p) => {
      const c = this.db.claims.get(path.basename(p));
      return c !== undefined && c.pid === me.pid && c.start === me.start;
    });
    if (held.length === 0) return;
    this.db.write(() => {
      for (const p of held) {
        const c = this.db.claims.get(path.basename(p));
        if (c !== undefined && c.pid === me.pid && c.start === me.start) this.db.claims.remove(path.basename(p));
      }
    });
  }

  /**
   * Copy a finished build's output into a private temp tree: fresh inodes, canonical modes, the
   * NAR hashed and scanned for references as it is written. Nothing is registered yet: the caller
   * checks the result (reference policies) and then calls installOutputs, or discards it.
   */
  materialiseOutput(out: BuiltOutput): MaterialisedOutput {
    const tmp = this.newTemp();
    const sink = new FsSink(tmp, { canonical: true, fsyncEach: false, onEntry: () => this.crash("build.entry") });
    try {
      const byHash = new Map<string, string>();
      for (const c of out.candidates) byHash.set(this.parsePath(c).hashPart, c);
      const scanner = new ReferenceScanner(byHash.keys());
      const narHasher = new Hasher("sha256");
      let narSize: number;
      let fixedGot: Hash | undefined;
      if (out.fixed?.method === "flat") {
        const flat = new Hasher(out.fixed.hash.algo);
        const node = flatFileNode(out.source, sink, flat);
        narSize = writeNar(node, (c) => (narHasher.update(c), scanner.update(c)), out.source);
        fixedGot = flat.digest();
      } else {
        const src = Buffer.from(out.source);
        const other = out.fixed !== undefined && out.fixed.hash.algo !== "sha256" ? new Hasher(out.fixed.hash.algo) : undefined;
        narSize = writeNar(fsTree(src, teeObserver(src, sink)), (c) => (narHasher.update(c), scanner.update(c), other?.update(c)), out.source);
        const narHash = narHasher.digest();
        if (out.fixed !== undefined) fixedGot = other?.digest() ?? narHash;
        return this.materialised(out, tmp, sink, narHash, narSize, scanner, byHash, fixedGot);
      }
      return this.materialised(out, tmp, sink, narHasher.digest(), narSize, scanner, byHash, fixedGot);
    } catch (e) {
      sink.abandon();
      removeTree(tmp);
      throw e;
    }
  }

  private materialised(
    out: BuiltOutput,
    tmp: string,
    sink: FsSink,
    narHash: Hash,
    narSize: number,
    scanner: ReferenceScanner,
    byHash: Map<string, string>,
    fixedGot: Hash | undefined,
  ): MaterialisedOutput {
    sink.abandon();
    if (out.fixed !== undefined && fixedGot !== undefined && Buffer.compare(fixedGot.bytes, out.fixed.hash.bytes) !== 0) {
      removeTree(tmp);
      const specified = printHash(out.fixed.hash, "sri");
      const got = printHash(fixedGot, "sri");
      throw new CairnError(
        "E_HASH_MISMATCH",
        `hash mismatch in fixed-output derivation '${out.deriver ?? out.path}':\n  specified: ${specified}\n     got:    ${got}`,
        { path: out.path, drvPath: out.deriver, expected: specified, actual: got },
      );
    }
    const references = [...scanner.found()].map((h) => byHash.get(h)!).sort(compareUtf8);
    const info: PathInfo = {
      path: out.path,
      narHash: printHash(narHash, "nix32", true),
      narSize,
      references,
      registrationTime: this.now(),
      sigs: [],
      ...(out.deriver !== undefined ? { deriver: out.deriver } : {}),
      ...(out.fixed !== undefined ? { ca: printContentAddress({ kind: "fixed", method: out.fixed.method, hash: out.fixed.hash }) } : {}),
      // Built here: Nix's "ultimately trusted" (registerOutputs sets it on every output it builds).
      ultimate: true,
    };
    return { tmp, info, entries: sink.entries };
  }

  /** Make the outputs of one build durable, move them into place and register them together. */
  async installOutputs(outs: readonly MaterialisedOutput[], drvOutputs: ReadonlyMap<string, string> = new Map()): Promise<void> {
    const total = outs.reduce((n, o) => n + o.entries, 0);
    if (total > FSYNC_EACH_LIMIT) syncFileSystem(this.layout.realStoreDir);
    else for (const o of outs) await this.syncTreeAsync(o.tmp, o.entries);
    await this.placeAndRegister(outs, "build", () => {
      for (const [k, v] of drvOutputs) this.db.drvOutputs.put(k, v);
    });
  }

  /**
   * Move durable temp trees into place and register them in one transaction (claims held).
   * Crash points `<what>.synced`, `<what>.renamed`, `<what>.registered`.
   */
  private async placeAndRegister(outs: readonly MaterialisedOutput[], what: "build" | "import", alsoInTransaction?: () => void): Promise<void> {
    this.crash(`${what}.synced`);
    for (const o of outs) {
      const dest = this.realPath(o.info.path);
      // Whatever is there is ours (we hold the claim): an unsandboxed build's own output, or
      // unregistered garbage from a crash.
      if (lexists(dest)) this.trashGarbage(dest);
      fs.renameSync(o.tmp, dest);
    }
    await fsyncDirAsync(this.layout.realStoreDir);
    this.crash(`${what}.renamed`);
    this.registerValidPaths(outs.map((o) => o.info), alsoInTransaction);
    this.crash(`${what}.registered`);
  }

  /** Forget a materialised output that will not be installed. */
  discardOutput(o: MaterialisedOutput): void {
    removeTree(o.tmp);
  }

  // ---- temp roots (Nix: LocalStore::addTempRoot, gc.cc) ----------------------------------------
  //
  // A temp root keeps a path (and, through referrers, its closure) from the gc while this process
  // uses it. They live in this process's file under ROOT/var/cairn/temproots (store/temp-roots.ts),
  // unsynced: no commit, no fsync. "Append the root, pass the open gate, then check validity" here
  // and "read the roots, then invalidate" inside the gc's write transactions (which hold the gate)
  // are linearizable, as the roots in LMDB were (RELIABILITY.md §2.3). A dead owner's file is
  // removed by the next gc when it starts.

  /** Keep `p` alive until this process ends. Take it before checking that `p` is valid. */
  addTempRoot(p: string): void {
    this.addTempRoots([p]);
  }

  /** `addTempRoot` for many paths at once. */
  addTempRoots(paths: Iterable<string>): void {
    if (this.putTempRoots(paths)) this.db.fence();
  }

  /** Append the roots not held yet; whether there were any. Inside a transaction, no fence is needed. */
  private putTempRoots(paths: Iterable<string>): boolean {
    const todo = new Set<string>();
    for (const p of paths) if (!this.tempRootsHeld.has(p)) todo.add(p);
    this.tempRoots.append([...todo]);
    for (const p of todo) this.tempRootsHeld.add(p); // held once written (a failed write throws)
    return todo.size > 0;
  }

  /**
   * Drop this process's temp roots (at close). Not while a gc runs: a gc honours every temp root
   * it sees until its sweep ends (Nix's gc remembers the roots clients sent it), and a root made
   * from our temp root (a profile generation, ./result) may have appeared after its root scan.
   * That gc's successor removes them, as we are dead by then. A gc that takes its marker after
   * this (fresh) read scans the roots made before it.
   */
  private dropTempRoots(): void {
    if (!this.tempRoots.created) return;
    const me = selfId();
    this.db.fence();
    const m = this.db.claims.get(GC_MARKER);
    const gcRunning = m !== undefined && !(m.pid === me.pid && m.start === me.start) && isAlive(m);
    this.tempRoots.close(!gcRunning);
    this.tempRootsHeld.clear();
  }

  /** Replace the recorded metadata of a valid path (used by verify to record repairs). */
  updatePathInfo(info: PathInfo): void {
    this.registerValidPaths([info]);
  }
}

/** Claims key under which a running `cairn gc` marks itself (Nix: the exclusive gc.lock). */
export const GC_MARKER = "gc:marker";

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Mirror the source tree into `sink` as the NAR writer walks it (copy while hashing). */
function teeObserver(root: Buffer, sink: FsSink): TreeObserver {
  const rel = (p: Buffer) => p.subarray(root.length);
  return {
    directory: (p) => sink.directoryRel(rel(p)),
    regular: (p, executable) => sink.regularRel(rel(p), executable),
    contents: (c) => sink.contents(c),
    endRegular: () => sink.endRegular(),
    symlink: (p, target) => sink.symlinkRel(rel(p), target),
    endDirectory: (p) => sink.endDirectoryRel(rel(p)),
  };
}

/** A single regular file for flat ingestion: hashed flat and as a NAR, and copied. */
function flatFileNode(source: string, sink: FsSink, flat: Hasher): TreeNode {
  const node = fsTree(source);
  if (node.type !== "regular") {
    throw new CairnError("E_USAGE", `'${source}' is not a regular file; flat ingestion needs one`, { path: source });
  }
  // Nix 2.8 keeps the execute bit of a flat-added file (the path, from the flat hash, is the same).
  sink.regularRel(Buffer.alloc(0), node.executable);
  return {
    type: "regular",
    executable: node.executable,
    size: node.size,
    *contents() {
      for (const c of node.contents()) {
        flat.update(c);
        sink.contents(c);
        yield c;
      }
      sink.endRegular();
    },
  };
}
