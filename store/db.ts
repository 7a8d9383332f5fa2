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
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type * as CborX from "cbor-x";
import type * as Lmdb from "lmdb";
import type { Database, RootDatabase } from "lmdb";
import { CairnError } from "./format/index.js";
import type { ProcessId } from "./process-id.js";

// Required rather than imported: both ship CommonJS bundles, which load in one file each;
// imported, lmdb's ES modules are resolved and linked one by one (~45 ms of CPU at every start
// against ~25 ms; cbor-x ~20 against ~11). Nothing else loads them (an import elsewhere would
// load a second copy).
const require = createRequire(import.meta.url);
const { ABORT, open } = require("lmdb") as typeof Lmdb;
const { Encoder: CborEncoder } = require("cbor-x") as typeof CborX;

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
  /** hash part -> PathInfoRecord */
  readonly paths: Database<PathInfoRecord, string>;
  /** referenced path -> referrer paths (dupsort) */
  readonly referrers: Database<string, string>;
  /** `<drvPath>!<output>` -> output path */
  readonly drvOutputs: Database<string, string>;
  /** store path (or other resource) -> the process building or adding it */
  readonly claims: Database<Claim, string>;
  /** `<pid>-<start>` -> paths that process uses (dupsort) */
  readonly tempRoots: Database<string, string>;
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
    throw new CairnError("E_DB", `cannot open database '${dir}': ${(e as Error).message}`, { path: dir });
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

export function openStoreDb(dbDir: string, storeDir: string): StoreDb {
  const gate = openEnv(path.join(dbDir, "gate"), 1);
  try {
    return throughGate(gate, () => openGated(dbDir, storeDir, gate));
  } catch (e) {
    void gate.close();
    throw e;
  }
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
  const db: StoreDb = {
    env,
    write,
    paths: sub<PathInfoRecord>("paths"),
    referrers: sub<string>("referrers", true),
    drvOutputs: sub<string>("drvOutputs"),
    claims: sub<Claim>("claims"),
    tempRoots: sub<string>("tempRoots", true),
    meta: sub<MetaRecord>("meta"),
    close: async () => {
      await env.close();
      await gate.close();
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

export function claimOf(id: ProcessId): Claim {
  return { pid: id.pid, start: id.start };
}
