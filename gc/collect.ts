// The garbage collector's sweep: the only code in cairn that deletes store objects. Nix:
// LocalStore::collectGarbage, deletePathRecursive, removeUnusedLinks in src/libstore/gc.cc.
//
// Order per batch of dead paths (RELIABILITY.md §2.3): one LMDB write transaction re-checks each
// path (still valid, no temp root, no live claim, no valid referrer), removes its registration
// and claims it for the gc (the claim is the tombstone: a writer that wants the path back waits
// for it); commit; unlink the files (directories: rename them into ROOT/store/.trash) and fsync
// the store dir; drop the claims (in the next batch's transaction); delete the trash without
// following symlinks, while the next batch goes on. A crash at any step leaves unregistered
// garbage (collected next time) and never a valid path without files. Big collections delete on a
// few worker threads (gc/remove.ts: deleting is bound by the disk's latency); everything this gc
// started has ended before it returns or fails.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { GC_MARKER, type LocalStore } from "../store/local-store.js";
import { referrersOf } from "../store/db.js";
import { isAlive, parseOwnerTag, selfId } from "../store/process-id.js";
import { fsyncDirAsync } from "../store/syncfs.js";
import { tempRootedPaths } from "../store/temp-roots.js";
import { findRoots, sweepStaleTempRoots, type Root } from "./roots.js";
import { DELETE_THREADS, DeletePool, PARALLEL_FROM } from "./remove.js";
import { computeReachability, type Reachability, type StoreGraph } from "./reachability.js";

export interface SyncPoints {
  /** CAIRN_TEST_GC_SYNC_1: read (until EOF) right after the gc marker is taken. */
  afterMarker?: string;
  /** CAIRN_TEST_GC_SYNC_2: read after the root scan. */
  afterRoots?: string;
  /** CAIRN_TEST_GC_SYNC_3: read before each deletion (batches become one path each). */
  beforeDelete?: string;
}

export interface GcOptions {
  /** Compute and report, delete nothing (not even dead indirect roots or stale temp roots). */
  dryRun?: boolean;
  /** Stop once this many bytes are freed (Nix --max-freed). */
  maxFreed?: number;
  keepDerivations?: boolean;
  keepOutputs?: boolean;
  syncPoints?: SyncPoints;
  /** Named crash points (CAIRN_CRASH_AT), as the store's hooks. */
  crash?: (point: string) => void;
  /** One line per deleted path (or, dry, per path that would be). */
  onDelete?: (ev: { path: string; bytes: number; kind: "path" | "orphan" }) => void;
  /** Paths per deleting transaction. */
  batchSize?: number;
  /** Deleting threads (0: this one). Default: DELETE_THREADS when there is much to delete. */
  threads?: number;
}

export interface GcResult {
  /** Valid paths deleted (or that would be, dry), in deletion order. */
  deleted: string[];
  /** Unregistered entries removed from the store dir (names), stale temp/build dirs included. */
  orphans: string[];
  bytesFreed: number;
  /** Dead at the scan but kept at the re-check, and why. */
  kept: { path: string; why: "temp-root" | "claim" | "referrer" }[];
  roots: Root[];
  liveCount: number;
}

const SLEEP = new Int32Array(new SharedArrayBuffer(4));
// Paths per deleting transaction: each commit costs an fsync (~10-30 ms here), so 20k paths in
// 512-path batches spent ~2 s committing; tombstone claims stay held for one batch only.
const DEFAULT_BATCH = 4096;
// The first batches are smaller (doubling up to the batch size): the deleting threads start after
// a short transaction rather than after one of 4096 paths (~0.2 s).
const FIRST_BATCH = 256;

/** Block until a test opens the FIFO for writing and closes it (Nix's _NIX_TEST_GC_SYNC_*). */
function syncPoint(fifo: string | undefined): void {
  if (fifo === undefined || fifo === "") return;
  fs.readFileSync(fifo);
}

/** The gc marker: one collector at a time (Nix: gc.lock held exclusively). Waits for a live one. */
export function takeGcMarker(store: LocalStore): void {
  const me = selfId();
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    const got = store.db.write(() => {
      const m = store.db.claims.get(GC_MARKER);
      if (m !== undefined && !(m.pid === me.pid && m.start === me.start) && isAlive(m)) return false;
      store.db.claims.put(GC_MARKER, { pid: me.pid, start: me.start });
      return true;
    });
    if (got) return;
    Atomics.wait(SLEEP, 0, 0, delay);
  }
}

export function releaseGcMarker(store: LocalStore): void {
  releaseClaims(store, [GC_MARKER]);
}

function releaseClaims(store: LocalStore, keys: readonly string[]): void {
  if (keys.length === 0) return;
  const me = selfId();
  store.db.write(() => {
    for (const k of keys) {
      const c = store.db.claims.get(k);
      if (c !== undefined && c.pid === me.pid && c.start === me.start) store.db.claims.remove(k);
    }
  });
}

/** The reference graph of every valid path, with derivers and known derivation outputs. */
export function loadGraph(store: LocalStore): StoreGraph & { sizes: Map<string, number> } {
  const references = new Map<string, readonly string[]>();
  const derivers = new Map<string, string>();
  const sizes = new Map<string, number>();
  for (const info of store.allValidPaths()) {
    references.set(info.path, info.references);
    sizes.set(info.path, info.narSize);
    if (info.deriver !== undefined) derivers.set(info.path, info.deriver);
  }
  const outputs = new Map<string, string[]>();
  for (const { key, value } of [...store.db.drvOutputs.getRange({ snapshot: false })]) {
    const drv = key.slice(0, key.lastIndexOf("!"));
    let l = outputs.get(drv);
    if (l === undefined) outputs.set(drv, (l = []));
    l.push(value);
  }
  return { references, derivers, outputs, sizes };
}

export interface Analysis {
  roots: Root[];
  graph: ReturnType<typeof loadGraph>;
  reach: Reachability;
}

/** Roots and the live/dead split, without deleting anything. */
export function analyse(store: LocalStore, opts: GcOptions = {}): Analysis {
  // A deleting gc has swept dead owners' temp roots already: all left are honoured (see there).
  const roots = findRoots(store, { removeDeadIndirect: !opts.dryRun, includeDeadOwners: !opts.dryRun });
  const graph = loadGraph(store);
  const reach = computeReachability(
    roots.map((r) => r.path),
    graph,
    { keepDerivations: opts.keepDerivations, keepOutputs: opts.keepOutputs },
  );
  return { roots, graph, reach };
}

/** `cairn gc`. Nix: LocalStore::collectGarbage (gcDeleteDead, or gcReturnDead when dry). */
export async function collectGarbage(store: LocalStore, opts: GcOptions = {}): Promise<GcResult> {
  const crash = opts.crash ?? (() => {});
  const sync = opts.syncPoints ?? {};
  // Claims (tombstones) of the last batch, released in the next transaction: one commit per
  // batch rather than two (each commit is an fsync); whatever is left goes in `finally`.
  let toRelease: string[] = [];
  // Deletions under way while the next batch goes on: awaited before the result (and before the
  // claims are released on a failure, so that nothing of this gc still runs meanwhile).
  const running: Promise<unknown>[] = [];
  let pool: DeletePool | undefined;
  takeGcMarker(store);
  try {
    crash("gc.marker");
    if (!opts.dryRun) sweepStaleTempRoots(store);
    syncPoint(sync.afterMarker);
    const { roots, graph, reach } = analyse(store, opts);
    syncPoint(sync.afterRoots);
    const result: GcResult = { deleted: [], orphans: [], bytesFreed: 0, kept: [], roots, liveCount: reach.live.size };
    const max = opts.maxFreed ?? Infinity;
    if (opts.dryRun) {
      for (const p of reach.dead) {
        if (result.bytesFreed >= max) break;
        const bytes = graph.sizes.get(p) ?? 0;
        result.deleted.push(p);
        result.bytesFreed += bytes;
        opts.onDelete?.({ path: p, bytes, kind: "path" });
      }
      for (const o of findOrphans(store)) {
        result.orphans.push(o);
        opts.onDelete?.({ path: `${store.storeDir}/${o}`, bytes: 0, kind: "orphan" });
      }
      return result;
    }
    pool = new DeletePool(opts.threads ?? (reach.dead.length >= PARALLEL_FROM ? DELETE_THREADS : 0));
    const batchSize = sync.beforeDelete ? 1 : (opts.batchSize ?? DEFAULT_BATCH);
    // Batches whose names are still being removed while the next one is unregistered: the threads
    // work through their queues while this thread is in a transaction. None with sync points, so
    // that a test sees each batch's tombstones released in the very next transaction.
    const depth = sync.beforeDelete ? 0 : 1;
    const inFlight: { gone: string[]; names: string[]; step: Promise<string[]> }[] = [];
    const finishStep = async () => {
      const { gone, names, step } = inFlight.shift()!;
      const trashed = await step;
      crash("gc.trashed");
      toRelease.push(...names);
      // The paths are gone from the store (unregistered, names removed): what is left of them is
      // private to this gc, removed while the next batches go on.
      const removal = pool!.removeTrees(trashed).then(() => crash("gc.removed"));
      removal.catch(() => {}); // handled where awaited: not an unhandled rejection meanwhile
      running.push(removal);
      for (const p of gone) {
        const bytes = graph.sizes.get(p) ?? 0;
        result.deleted.push(p);
        result.bytesFreed += bytes;
        opts.onDelete?.({ path: p, bytes, kind: "path" });
      }
    };
    let unregistered = 0; // bytes
    let i = 0;
    for (let size = Math.min(FIRST_BATCH, batchSize); i < reach.dead.length && unregistered < max; size = Math.min(size * 2, batchSize)) {
      const batch: string[] = [];
      let planned = unregistered;
      while (i < reach.dead.length && batch.length < size && planned < max) {
        const p = reach.dead[i++]!;
        batch.push(p);
        planned += graph.sizes.get(p) ?? 0;
      }
      syncPoint(sync.beforeDelete);
      const gone = invalidateBatch(store, batch, result, crash, toRelease);
      toRelease = [];
      crash("gc.invalidated");
      for (const p of gone) unregistered += graph.sizes.get(p) ?? 0;
      const names = gone.map((p) => path.basename(p));
      const step = unlinkOrTrash(store, pool, names); // under way once called
      step.catch(() => {});
      running.push(step);
      inFlight.push({ gone, names, step });
      while (inFlight.length > depth) await finishStep();
    }
    while (inFlight.length > 0) await finishStep();
    releaseClaims(store, toRelease);
    toRelease = [];
    if (result.bytesFreed < max) {
      await collectOrphans(store, pool, result, opts, crash);
      await removeUnusedLinks(store, pool);
      await collectStaleBuildDirs(store, pool, result, opts);
    }
    for (const r of running) await r;
    running.length = 0;
    if (result.bytesFreed < max) await emptyTrash(store, pool);
    return result;
  } finally {
    await Promise.allSettled(running);
    await pool?.close();
    releaseClaims(store, [...toRelease, GC_MARKER]);
  }
}

/**
 * One transaction: re-check and unregister each path of `batch` (in order, so a referrer earlier
 * in the batch is gone before its reference is checked). Returns the paths unregistered.
 */
function invalidateBatch(
  store: LocalStore,
  batch: readonly string[],
  result: GcResult,
  crash: (p: string) => void,
  release: readonly string[],
): string[] {
  const { db } = store;
  const me = selfId();
  return db.write(() => {
    for (const k of release) {
      const c = db.claims.get(k);
      if (c !== undefined && c.pid === me.pid && c.start === me.start) db.claims.remove(k);
    }
    // Every temp root present is honoured: dead owners' were swept when this gc started, so any
    // left belong to processes that were alive since (Nix's gc likewise keeps what clients sent).
    // Read inside the transaction, which holds the gate their owners pass before using them.
    const tempRooted = tempRootedPaths(store.layout.tempRootsDir);
    const gone: string[] = [];
    for (const p of batch) {
      const base = path.basename(p);
      const hashPart = base.slice(0, 32);
      const info = db.paths.get(hashPart);
      if (info === undefined || info.path !== p) continue; // already gone (another writer's repair)
      if (tempRooted.has(p)) {
        result.kept.push({ path: p, why: "temp-root" });
        continue;
      }
      const c = db.claims.get(base);
      if (c !== undefined && !(c.pid === me.pid && c.start === me.start) && isAlive(c)) {
        result.kept.push({ path: p, why: "claim" });
        continue;
      }
      let referred = false;
      // Most dead paths have no referrer entry left (those of the paths deleted before them went
      // with them): one get() then, rather than a range and a delete.
      const listed = db.referrers.get(p) !== undefined;
      for (const r of listed ? referrersOf(db, p) : []) {
        if (r === p) continue;
        const ri = db.paths.get(path.basename(r).slice(0, 32));
        if (ri !== undefined && ri.path === r) {
          referred = true;
          break;
        }
      }
      if (referred) {
        result.kept.push({ path: p, why: "referrer" });
        continue;
      }
      for (const r of info.references) db.referrers.remove(r, p);
      if (listed) db.referrers.remove(p);
      if (p.endsWith(".drv")) {
        const keys = [...db.drvOutputs.getKeys({ start: `${p}!`, end: `${p}!\uffff` })];
        for (const key of keys) db.drvOutputs.remove(key);
      }
      db.paths.remove(hashPart);
      // The tombstone: a writer adding `p` again waits until the old files are out of the way.
      db.claims.put(base, { pid: me.pid, start: me.start });
      gone.push(p);
    }
    crash("gc.invalidating"); // killed here: LMDB drops the whole transaction
    return gone;
  });
}

/**
 * Take store entries away from their names (DeletePool.unlinkOrTrash), then fsync the store dir
 * once. Returns the trash entries to delete. Every operation has ended when this returns, failed
 * or not: the caller then releases the claims on these names.
 */
async function unlinkOrTrash(store: LocalStore, pool: DeletePool, names: readonly string[]): Promise<string[]> {
  const { realStoreDir, trashDir } = store.layout;
  if (names.length === 0) return [];
  let failure: unknown;
  const trashed = await pool.unlinkOrTrash(realStoreDir, trashDir, names, randomBytes(4).toString("hex")).catch((e: unknown) => {
    failure = e;
    return [];
  });
  await fsyncDirAsync(realStoreDir);
  if (failure !== undefined) throw failure;
  return trashed;
}

/** The names in `dir`, or none when it does not exist (yet). */
function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}


/** Entries of the store dir that no valid path and no live writer owns (names). */
export function findOrphans(store: LocalStore): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(store.layout.realStoreDir)) {
    if (name.startsWith(".tmp-")) {
      const owner = parseOwnerTag(name.slice(5));
      if (owner !== undefined && !isAlive(owner)) out.push(name);
      continue;
    }
    if (name.startsWith(".")) continue; // .trash, .links and other bookkeeping
    const info = store.db.paths.get(name.slice(0, 32));
    if (info !== undefined && info.path === `${store.storeDir}/${name}`) continue;
    out.push(name);
  }
  return out;
}

/** Sum of file sizes below `p`, never following symlinks (what deleting it frees, roughly). */
function treeBytes(p: string): number {
  let total = 0;
  const stack = [p];
  while (stack.length > 0) {
    const q = stack.pop()!;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(q);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      try {
        for (const n of fs.readdirSync(q)) stack.push(path.join(q, n));
      } catch {
        /* unreadable: counted as empty */
      }
    } else if (st.nlink <= 1) total += st.size; // a hard-linked file frees nothing yet
  }
  return total;
}

/** Unregistered entries (crash leftovers, dead writers' temp dirs), each claimed while removed. */
async function collectOrphans(
  store: LocalStore,
  pool: DeletePool,
  result: GcResult,
  opts: GcOptions,
  crash: (p: string) => void,
): Promise<void> {
  const { db } = store;
  const me = selfId();
  const names = findOrphans(store);
  for (let i = 0; i < names.length; i += DEFAULT_BATCH) {
    const batch = names.slice(i, i + DEFAULT_BATCH);
    // Re-check inside a transaction and claim: a writer renames its object into place while
    // holding its claim, so with the claim ours no writer can be between rename and register.
    const mine = db.write(() => {
      const tempRooted = tempRootedPaths(store.layout.tempRootsDir);
      const ok: string[] = [];
      for (const n of batch) {
        if (n.startsWith(".tmp-")) {
          ok.push(n); // owner dead: only it would ever use that name
          continue;
        }
        const info = db.paths.get(n.slice(0, 32));
        if (info !== undefined && info.path === `${store.storeDir}/${n}`) continue;
        if (tempRooted.has(`${store.storeDir}/${n}`)) continue;
        const c = db.claims.get(n);
        if (c !== undefined && !(c.pid === me.pid && c.start === me.start) && isAlive(c)) continue;
        db.claims.put(n, { pid: me.pid, start: me.start });
        ok.push(n);
      }
      return ok;
    });
    crash("gc.orphans-claimed");
    const sizes = mine.map((n) => treeBytes(path.join(store.layout.realStoreDir, n)));
    const trashed = await unlinkOrTrash(store, pool, mine);
    releaseClaims(store, mine.filter((n) => !n.startsWith(".tmp-")));
    await pool.removeTrees(trashed);
    mine.forEach((n, k) => {
      result.orphans.push(n);
      result.bytesFreed += sizes[k]!;
      opts.onDelete?.({ path: `${store.storeDir}/${n}`, bytes: sizes[k]!, kind: "orphan" });
    });
  }
}

/** Where builds keep their working directories: ROOT/var/cairn/builds/<owner tag>… */
export function buildsDir(store: LocalStore): string {
  return path.join(store.layout.root, "var/cairn/builds");
}

/** The owner tag in a build dir's name (`<pid>-<start>…`, optionally after a `.tmp-`-like prefix). */
export function buildDirOwner(name: string) {
  const m = /^[^\d]*(\d+-\d+(?:-|$).*)$/.exec(name);
  return m ? parseOwnerTag(m[1]!) : undefined;
}

/** Build directories whose owner is dead. Nix deletes `tmp-*` dirs it can lock; same idea. */
async function collectStaleBuildDirs(store: LocalStore, pool: DeletePool, result: GcResult, opts: GcOptions): Promise<void> {
  const dir = buildsDir(store);
  for (const n of namesIn(dir)) {
    const owner = buildDirOwner(n);
    if (owner === undefined || isAlive(owner)) continue;
    const p = path.join(dir, n);
    const bytes = treeBytes(p);
    await pool.removeTrees([p]);
    result.bytesFreed += bytes;
    result.orphans.push(p);
    opts.onDelete?.({ path: p, bytes, kind: "orphan" });
  }
}

/** `.links` entries no store file uses any more (link count 1). Nix: removeUnusedLinks. */
async function removeUnusedLinks(store: LocalStore, pool: DeletePool): Promise<void> {
  const dir = path.join(store.layout.realStoreDir, ".links");
  // A concurrent optimise that links to an entry after its check keeps its own link: only the
  // sharing is lost, never content.
  await pool.unlinkUnused(dir, namesIn(dir));
}

async function emptyTrash(store: LocalStore, pool: DeletePool): Promise<void> {
  await pool.removeTrees(namesIn(store.layout.trashDir).map((n) => path.join(store.layout.trashDir, n)));
}

