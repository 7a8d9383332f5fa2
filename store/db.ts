// The metadata database: the only module that imports lmdb. Settings per RELIABILITY.md §2.2:
// a commit is durable when transactionSync returns (overlappingSync off), no writemap, plain
// cbor values without shared structures. Nix keeps the same facts in SQLite (local-store.cc).
//
// The open gate. The LMDB bundled with lmdb-js 3.x sets the lock file's last-committed txnid from
// the meta page it read at the start of *every* open (mdb_env_open2), not only the first
// process's. A commit by another process inside that window is then lost or, two commits later,
// the next writer starts from a newer meta than its txnid and fails with MDB_BAD_TXN
// ("mdb_page_touch no parent"). Upstream LMDB fixed the same bug as ITS#9496. Reproduced here: 5
// writers + processes opening in a loop lost a commit in 2 of 7 runs (bench/lmdb-open-race.mjs).
// So opens and commits exclude each other through a second, empty environment ("gate") whose
// write lock (a robust mutex: a killed holder releases it) is held around every open and every
// write transaction of the store's DB. The gate never commits, so the bug cannot touch it.
//
// Closing. When a process closes an environment and finds (by an fcntl lock) that it is the last
// one using it, LMDB destroys the lock file's mutexes. A process opening the environment in that
// instant waits for the closer's lock, then takes a shared one and uses the destroyed mutexes:
// every transaction it begins fails (EINVAL) and lmdb-js's open() throws "No transaction to
// renew", leaving the half-open environment in the process. Upstream LMDB has the same window.
// So the store's DB is closed holding the gate, like every open of it; and the gate is never
// closed by cairn: it stays open for the life of the process (lmdb-js closes it when Node frees
// the process's environment at a natural exit; the CLI ends with process.exit, which does not).
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as Cbor from "cbor-x";
import type * as Lmdb from "lmdb";
import type { Database, RootDatabase } from "lmdb";
import { CairnError } from "./format/index.js";
import type { ProcessId } from "./process-id.js";

// Required rather than imported: their CommonJS builds are a few files, where their ES modules
// are ~30 (each a resolve, a read and a compile: ~15 ms of start-up for every command opening the
// store). Only this module loads them, so there is one copy of each either way.
const requireCjs = createRequire(import.meta.url);
const { ABORT, open } = requireCjs("lmdb") as typeof Lmdb;
const { Encoder: CborEncoder } = requireCjs("cbor-x") as typeof Cbor;

export const SCHEMA = 1;

/** What the DB records of one valid store path (Nix's ValidPathInfo). Paths are full logical paths. */
export interface PathInfoRecord {
  path: string;
  /** `sha256:<nix32>` */
  narHash: string;
  narSize: number;
  /** Sorted by bytes. */
  references: string[];
  deriver?: string;
  /** Seconds since the epoch. */
  registrationTime: number;
  sigs: string[];
  ca?: string;
  /**
   * Built here (Nix's ValidPathInfo::ultimate: "a derivation output that was built locally").
   * Absent in records written before it existed, and for paths added or copied in.
   */
  ultimate?: boolean;
  /**
   * The binary cache the path was copied in from (`copy --from`, substitution in a build), as
   * its URL without query or credentials. cairn's own; Nix keeps no such field. Absent for paths
   * built or added here, and in records written before it existed.
   */
  substitutedFrom?: string;
}

export interface Claim {
  pid: number;
  start: number;
}

export interface MetaRecord {
  schema: number;
  storeDir: string;
  createdBy: string;
}

export interface StoreDb {
  readonly env: RootDatabase;
  /**
   * Runs `fn` in one durable write transaction of the store's DB (LMDB's `transactionSync`:
   * committed and synced when this returns; aborted if `fn` throws). The only way to write: it
   * holds the open gate (see above). Nested calls run as child transactions, as lmdb-js does.
   */
  write<T>(fn: () => T): T;
  /**
   * Passes the open gate without writing: every write transaction under way when this is called
   * (in any process) has ended when it returns, and reads after it see the newest commit. Inside
   * `write` it does nothing (the caller holds the gate, and reads there are current).
   */
  fence(): void;
  /** hash part -> PathInfoRecord */
  readonly paths: Database<PathInfoRecord, string>;
  /** referenced path -> referrer paths (dupsort) */
  readonly referrers: Database<string, string>;
  /** `<drvPath>!<output>` -> output path */
  readonly drvOutputs: Database<string, string>;
  /** store path (or other resource) -> the process building or adding it */
  readonly claims: Database<Claim, string>;
  readonly meta: Database<MetaRecord, string>;
  close(): Promise<void>;
}

const ENV_OPTIONS = {
  overlappingSync: false, // explicit: the lmdb-js default on Linux is true (durability lags commit)
  noSync: false,
  noMetaSync: false,
  useWritemap: false,
  maxReaders: 1024,
  cache: false,
  compression: false,
  commitDelay: 0,
} as const;

function openEnv(dir: string, maxDbs: number): RootDatabase {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new CairnError("E_DB", `cannot create database directory '${dir}': ${(e as Error).message}`, { path: dir });
  }
  try {
    // cbor-x values (lmdb-js accepts encoding "cbor" but its types do not list it)
    return open({ path: dir, ...ENV_OPTIONS, maxDbs, encoder: { Encoder: CborEncoder } });
  } catch (e) {
    const message = (e as Error).message;
    if (message.includes("No transaction to renew")) throw brokenLock(dir);
    throw new CairnError("E_DB", `cannot open database '${dir}': ${message}`, { path: dir });
  }
}

/** Runs `fn` holding the gate's write lock, and gives the gate back without committing anything. */
function throughGate<T>(gate: RootDatabase, fn: () => T): T {
  let result: { value: T } | undefined;
  gate.transactionSync(() => {
    result = { value: fn() };
    return ABORT;
  });
  return result!.value;
}

/** The gate of each DB this process opened, kept open until the process ends (see above). */
const gates = new Map<string, RootDatabase>();

function gateOf(dbDir: string): RootDatabase {
  const dir = path.join(dbDir, "gate");
  let gate = gates.get(dir);
  if (gate === undefined) {
    gate = openEnv(dir, 1);
    // A gate opened in the instant its last user destroyed its mutexes would not exclude anything;
    // lmdb-js then begins no transaction (a write transaction id of 0) instead of failing.
    const g = gate;
    if (throughGate(g, () => g.getWriteTxnId()) === 0) throw brokenLock(dir);
    gates.set(dir, gate);
  }
  return gate;
}

function brokenLock(dir: string): CairnError {
  return new CairnError(
    "E_DB",
    `cannot open database '${dir}': another process closed it as this one opened it, and its lock is unusable until this process exits; nothing was written, run the command again`,
    { path: dir },
  );
}

/** The store's DBs open in this process, closed (holding their gates) if the process exits first. */
const openDbs = new Set<StoreDb>();
let closeAtExit = false;

export function openStoreDb(dbDir: string, storeDir: string): StoreDb {
  const gate = gateOf(dbDir);
  const db = throughGate(gate, () => openGated(dbDir, storeDir, gate));
  openDbs.add(db);
  if (!closeAtExit) {
    closeAtExit = true;
    // Runs before Node frees the environment, where lmdb-js would close them without the gate.
    process.on("exit", () => {
      for (const d of openDbs) void d.close();
    });
  }
  return db;
}

function openGated(dbDir: string, storeDir: string, gate: RootDatabase): StoreDb {
  const env = openEnv(dbDir, 16);
  let depth = 0;
  const sub = <V>(name: string, dupSort = false): Database<V, string> => {
    const d = env.openDB<V, string>(
      dupSort
        ? { name, dupSort, encoding: "ordered-binary", cache: false }
        : ({ name, encoder: { Encoder: CborEncoder }, cache: false } as { name: string }),
    );
    // Outside a transaction lmdb-js would queue the write for its own thread, past the gate and
    // with the durability of an async commit: refuse, so such a call is a bug found at once.
    for (const m of ["put", "remove"] as const) {
      const raw = d[m].bind(d) as (...a: unknown[]) => unknown;
      (d as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
        if (depth === 0) throw new CairnError("E_DB", `internal error: ${name}.${m} outside db.write`, {});
        return raw(...a);
      };
    }
    return d;
  };
  // lmdb-js keeps a transaction open until a returned promise settles (a put returns one): that
  // would hold the DB's write lock across the event loop, so a callback must not return one.
  const settled = <T>(fn: () => T) => (): T => {
    const r = fn();
    if (r !== null && typeof r === "object" && typeof (r as { then?: unknown }).then === "function") {
      throw new CairnError("E_DB", "internal error: a db.write callback returned a promise", {});
    }
    return r;
  };
  const write = <T>(fn: () => T): T => {
    if (depth > 0) return env.transactionSync(settled(fn));
    depth++;
    try {
      return throughGate(gate, () => env.transactionSync(settled(fn)));
    } finally {
      depth--;
    }
  };
  const fence = (): void => {
    if (depth > 0) return;
    throughGate(gate, () => undefined);
    env.resetReadTxn();
  };
  const db: StoreDb = {
    env,
    write,
    fence,
    paths: sub<PathInfoRecord>("paths"),
    referrers: sub<string>("referrers", true),
    drvOutputs: sub<string>("drvOutputs"),
    claims: sub<Claim>("claims"),
    meta: sub<MetaRecord>("meta"),
    close: async () => {
      if (!openDbs.delete(db)) return;
      // Synchronous (no write is ever queued): the close is over when the gate is given back.
      await throughGate(gate, () => env.close());
    },
  };
  // Pin the logical store dir: it is part of every hash, so a mismatch would corrupt everything.
  // (The caller holds the gate already.)
  depth++;
  let meta: MetaRecord;
  try {
    meta = env.transactionSync(() => {
      const m = db.meta.get("meta");
      if (m !== undefined) return m;
      const fresh: MetaRecord = { schema: SCHEMA, storeDir, createdBy: "cairn" };
      db.meta.put("meta", fresh);
      return fresh;
    });
  } finally {
    depth--;
  }
  if (meta.storeDir !== storeDir) {
    void env.close();
    throw new CairnError(
      "E_DB_STORE_DIR_MISMATCH",
      `database '${dbDir}' was made for store directory '${meta.storeDir}', not '${storeDir}'`,
      { path: dbDir, expected: meta.storeDir, actual: storeDir },
    );
  }
  if (meta.schema !== SCHEMA) {
    void env.close();
    throw new CairnError("E_DB", `database '${dbDir}' has schema ${meta.schema}, this cairn reads ${SCHEMA}`, {
      path: dbDir,
    });
  }
  return db;
}

/**
 * The paths recorded as referring to `p`. A plain range, not lmdb-js's getValues: inside a write
 * transaction getValues decodes the cursor's key from its shared key buffer, where the native side
 * writes no key when it steps between duplicates, so it decodes whatever an earlier call left
 * there, and may throw (a BigInt RangeError in the gc, whenever those bytes read as a long
 * number). A range reads each entry's key as it goes. Materialised: the caller's get()s share the
 * same buffer.
 */
export function referrersOf(db: StoreDb, p: string): string[] {
  const out: string[] = [];
  for (const { key, value } of db.referrers.getRange({ start: p })) {
    if (key !== p) break;
    out.push(value);
  }
  return out;
}

export function claimOf(id: ProcessId): Claim {
  return { pid: id.pid, start: id.start };
}
