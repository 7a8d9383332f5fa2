// The metadata database: the only module that imports lmdb. Settings per RELIABILITY.md §2.2:
// a commit is durable when transactionSync returns (overlappingSync off), no writemap, plain
// cbor values without shared structures. Nix keeps the same facts in SQLite (local-store.cc).
import { mkdirSync } from "node:fs";
import { Encoder as CborEncoder } from "cbor-x";
import { open, type Database, type RootDatabase } from "lmdb";
import { CairnError } from "./format/index.js";
import type { ProcessId } from "./process-id.js";

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

export function openStoreDb(dbDir: string, storeDir: string): StoreDb {
  try {
    mkdirSync(dbDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new CairnError("E_DB", `cannot create database directory '${dbDir}': ${(e as Error).message}`, { path: dbDir });
  }
  let env: RootDatabase;
  try {
    env = open({
      path: dbDir,
      overlappingSync: false, // explicit: the lmdb-js default on Linux is true (durability lags commit)
      noSync: false,
      noMetaSync: false,
      useWritemap: false,
      maxReaders: 1024,
      maxDbs: 16,
      // cbor-x values (lmdb-js accepts encoding "cbor" but its types do not list it)
      encoder: { Encoder: CborEncoder },
      cache: false,
      compression: false,
      commitDelay: 0,
    });
  } catch (e) {
    throw new CairnError("E_DB", `cannot open database '${dbDir}': ${(e as Error).message}`, { path: dbDir });
  }
  const sub = <V>(name: string, dupSort = false) =>
    env.openDB<V, string>(
      dupSort
        ? { name, dupSort, encoding: "ordered-binary", cache: false }
        : ({ name, encoder: { Encoder: CborEncoder }, cache: false } as { name: string }),
    );
  const db: StoreDb = {
    env,
    paths: sub<PathInfoRecord>("paths"),
    referrers: sub<string>("referrers", true),
    drvOutputs: sub<string>("drvOutputs"),
    claims: sub<Claim>("claims"),
    tempRoots: sub<string>("tempRoots", true),
    meta: sub<MetaRecord>("meta"),
    close: () => env.close(),
  };
  // Pin the logical store dir: it is part of every hash, so a mismatch would corrupt everything.
  const meta = env.transactionSync(() => {
    const m = db.meta.get("meta");
    if (m !== undefined) return m;
    const fresh: MetaRecord = { schema: SCHEMA, storeDir, createdBy: "cairn" };
    db.meta.put("meta", fresh);
    return fresh;
  });
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
