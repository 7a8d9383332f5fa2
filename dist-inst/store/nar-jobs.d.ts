import { type Compression } from "./compression.js";
import type { FsWriter } from "./fs-writer.js";
export interface Restored {
    /** sha256 of the NAR. */
    narHash: Uint8Array;
    narSize: number;
    /** Files, directories and symlinks written. */
    entries: number;
}
export interface RestoreJob {
    /** The NAR file (compressed as `compression` says), opened without following symlinks. */
    file: string;
    compression: Compression;
    /** Where the tree goes; must not exist. Left behind (partial) on failure: the caller removes it. */
    dest: string;
    /** The NAR may not be longer than this (its signed NarSize): no bomb fills the disk. */
    maxSize: number;
}
export interface DumpJob {
    /** The store object on disk. */
    source: string;
    /** The NAR file to write (created, 0600); with compression, a scratch file removed at the end. */
    nar: string;
    compression: Compression;
    /** The compressed file to write, when compression is not none. */
    compressed?: string;
}
export interface Dumped {
    narHash: Uint8Array;
    narSize: number;
    /** The file to publish: `nar`, or `compressed`. */
    file: string;
    fileHash: Uint8Array;
    fileSize: number;
}
/**
 * Restore a NAR from a pull source into `dest` as a canonical store tree (modes 0444/0555,
 * mtime 1), in this thread, hashing it as it is parsed. Trailing bytes after the NAR are an error.
 */
export declare function restoreNar(read: (n: number) => Uint8Array, atEnd: () => boolean, dest: string, opts?: {
    maxSize?: number;
    onEntry?: () => void;
}): Restored;
export interface RestoreOptions {
    /** Called per entry written (crash points). */
    onEntry?: () => void;
    /** Have this thread write the files (the NAR is still read, parsed and hashed here). */
    writer?: FsWriter;
}
/** Restore a (compressed) NAR file: see RestoreJob. */
export declare function restoreNarFile(job: RestoreJob, opts?: RestoreOptions): Promise<Restored>;
/** Dump a store object into a NAR file, compressed if asked: see DumpJob. */
export declare function dumpNarFile(job: DumpJob): Promise<Dumped>;
