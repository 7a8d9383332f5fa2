import { type LocalStore } from "../store/local-store.js";
import { type Root } from "./roots.js";
import { type Reachability, type StoreGraph } from "./reachability.js";
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
    onDelete?: (ev: {
        path: string;
        bytes: number;
        kind: "path" | "orphan";
    }) => void;
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
    kept: {
        path: string;
        why: "temp-root" | "claim" | "referrer";
    }[];
    roots: Root[];
    liveCount: number;
}
/** The gc marker: one collector at a time (Nix: gc.lock held exclusively). Waits for a live one. */
export declare function takeGcMarker(store: LocalStore): void;
export declare function releaseGcMarker(store: LocalStore): void;
/** The reference graph of every valid path, with derivers and known derivation outputs. */
export declare function loadGraph(store: LocalStore): StoreGraph & {
    sizes: Map<string, number>;
};
export interface Analysis {
    roots: Root[];
    graph: ReturnType<typeof loadGraph>;
    reach: Reachability;
}
/** Roots and the live/dead split, without deleting anything. */
export declare function analyse(store: LocalStore, opts?: GcOptions): Analysis;
/** `cairn gc`. Nix: LocalStore::collectGarbage (gcDeleteDead, or gcReturnDead when dry). */
export declare function collectGarbage(store: LocalStore, opts?: GcOptions): Promise<GcResult>;
/** Entries of the store dir that no valid path and no live writer owns (names). */
export declare function findOrphans(store: LocalStore): string[];
/** Where builds keep their working directories: ROOT/var/cairn/builds/<owner tag>… */
export declare function buildsDir(store: LocalStore): string;
/** The owner tag in a build dir's name (`<pid>-<start>…`, optionally after a `.tmp-`-like prefix). */
export declare function buildDirOwner(name: string): import("../store/process-id.js").ProcessId | undefined;
