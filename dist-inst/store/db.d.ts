import type { Database, RootDatabase } from "lmdb";
import type { ProcessId } from "./process-id.js";
export declare const SCHEMA = 1;
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
export declare function openStoreDb(dbDir: string, storeDir: string): StoreDb;
export declare function claimOf(id: ProcessId): Claim;
