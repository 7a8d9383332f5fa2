import { type EntryName } from "./boot-entries.js";
export declare const ENTRIES_DIR = "loader/entries";
export declare const LOADER_CONF = "loader/loader.conf";
export interface EspEntryFile {
    /** File name in loader/entries/. */
    file: string;
    name: EntryName;
    text: string;
}
/** An ESP as scanned (only what cairn owns: `cairn-*` entries, content-named files, loader.conf). */
export interface EspState {
    entries: EspEntryFile[];
    /** Content-named files in cairn/ -> size. */
    blobs: Map<string, number>;
    loaderConf: string | undefined;
    /** Directories that exist, ESP-relative ("loader", "loader/entries", "cairn"). */
    dirs: Set<string>;
    /** cairn's own temp files left by a crash, ESP-relative. */
    temps: string[];
}
export interface WantedFile {
    /** Content hash (FileDigest.hash). */
    hash: string;
    size: number;
    /** Where to copy it from (physical path in the store). */
    source: string;
}
export interface WantedGeneration {
    generation: number;
    kernel: WantedFile;
    initrd: WantedFile;
    kernelParams: string;
    init: string;
    label?: string;
    kernelVersion?: string;
}
export type EspOp = {
    op: "mkdir";
    rel: string;
} | {
    op: "copy";
    rel: string;
    source: string;
    size: number;
    what: string;
} | {
    op: "write";
    rel: string;
    text: string;
    what: string;
    replaces?: string;
} | {
    op: "remove";
    rel: string;
    what: string;
};
export interface EspPlan {
    /** Additions and rewrites, in a safe order. */
    writes: EspOp[];
    /** Removals, after the writes. */
    prunes: EspOp[];
}
export interface PlanOptions {
    /** The generation the machine should boot by default (the profile's current one). */
    current: number | undefined;
    /** Boot counter for entries written for the first time (0: none). */
    tries: number;
}
export declare function entriesByGeneration(state: EspState): Map<number, {
    keep: EspEntryFile;
    extra: EspEntryFile[];
}>;
export declare function planEsp(state: EspState, wanted: readonly WantedGeneration[], opts: PlanOptions): EspPlan;
/**
 * Bytes the writes need while nothing is pruned yet: each file rounded up to the file system's
 * block (a FAT cluster), a rewrite counted whole (the old file stays until the rename), one block
 * per new directory.
 */
export declare function bytesNeeded(ops: readonly EspOp[], blockSize: number): number;
/** The writes that make generation `gen`'s entry good: drop the counter, refresh the sort key. */
export declare function planBless(entry: EspEntryFile, isCurrent: boolean): EspPlan;
