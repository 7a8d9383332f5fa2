import type { ElementDiff } from "./diff.js";
export interface ProfileRef {
    /** Directory holding the profile link and its generations. */
    dir: string;
    name: string;
    /** `<dir>/<name>`: the link users put on their PATH. */
    link: string;
}
/** What cairn records about a generation when it makes one. */
export interface GenerationRecord {
    generation: number;
    /** The generation that was current when this one was made from it (null: the first). */
    parent: number | null;
    /** Seconds since the epoch. */
    created: number;
    /** "install", "remove", "upgrade". */
    command: string;
    changes: ElementDiff;
}
export interface Generation {
    number: number;
    link: string;
    /** The store path the generation link points at. */
    storePath: string;
    /** Seconds since the epoch: from the record, else the link's mtime (as Nix). */
    created: number;
    record?: GenerationRecord;
}
export type Crash = (point: string) => void;
/** `--profile NAME|PATH`: a bare name lives in the profiles dir; anything with a '/' is a path. */
export declare function profileRef(profilesDir: string, spec: string, cwd: string): ProfileRef;
export declare const generationLinkName: (ref: ProfileRef, n: number) => string;
export declare const generationLink: (ref: ProfileRef, n: number) => string;
/** The current generation's number, or undefined for a profile that does not exist yet. */
export declare function currentGeneration(ref: ProfileRef): number | undefined;
export declare function readRecord(ref: ProfileRef, n: number): GenerationRecord | undefined;
/** All generations, oldest first. */
export declare function listGenerations(ref: ProfileRef, withRecords?: boolean): Generation[];
/** The store path generation `n` points at; throws E_PROFILE_NO_GENERATION when there is none. */
export declare function generationTarget(ref: ProfileRef, n: number): string;
export declare function getGeneration(ref: ProfileRef, n: number): Generation;
/**
 * The generation `n` was made from: its recorded parent; without a record, the highest lower
 * number (Nix's rule). Undefined for the first generation.
 */
export declare function parentOf(ref: ProfileRef, n: number): number | undefined;
/** gcroots/auto/<hash> for a generation link outside the profiles dir, as Nix's addIndirectRoot. */
export declare function indirectRootPath(gcrootsDir: string, link: string): string;
export interface NewGeneration {
    storePath: string;
    record: Omit<GenerationRecord, "generation">;
    /** Where indirect roots go when the profile is outside the profiles dir (undefined: none needed). */
    indirectRootsDir?: string;
    crash?: Crash;
}
/** Make generation max+1 (or the next free number) pointing at `storePath`; returns its number. */
export declare function createGeneration(ref: ProfileRef, g: NewGeneration): number;
/** Point the profile at generation `n`: a temp link renamed over the profile link, then fsync. */
export declare function switchGeneration(ref: ProfileRef, n: number, crash?: Crash): void;
/** Remove generation `n` (never the current one: callers check under the lock). */
export declare function deleteGeneration(ref: ProfileRef, n: number, gcrootsDir: string | undefined, crash?: Crash): void;
/** Remove temp links left by a crash between making one and renaming it (they are not roots). */
export declare function removeStaleTemps(ref: ProfileRef): void;
