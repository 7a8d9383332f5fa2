import type { Layout } from "../store/layout.js";
import type { LocalStore } from "../store/local-store.js";
import { type ClosureEntry, type ElementDiff } from "./diff.js";
import { type DeleteSpec } from "./gen-spec.js";
import { type ProfileContext } from "./switch.js";
import { type Manifest } from "./manifest.js";
import { type InfoCache } from "./user-env.js";
export interface Current {
    generation: number | undefined;
    storePath: string | undefined;
    manifest: Manifest;
}
export declare function manifestOf(layout: Layout, storePath: string): Manifest;
export declare function readCurrent(pc: ProfileContext): Current;
/**
 * The closure of `paths` with NAR sizes, reading each path's info once; `cache` shares the reads
 * between the two sides of a diff, whose closures are mostly the same packages.
 */
export declare function closureOf(store: LocalStore, paths: readonly string[], cache?: InfoCache): ClosureEntry[];
export interface ChangeResult {
    /** The new generation, or undefined when nothing changed (no generation made). */
    generation: number | undefined;
    parent: number | undefined;
    storePath: string;
    diff: ElementDiff;
}
/**
 * Make a new generation from the current one by `change`, show the diff (`showDiff`, before the
 * switch), and switch to it. No change of environment: no new generation (as nix-env).
 */
export declare function changeProfile(store: LocalStore, pc: ProfileContext, command: string, change: (current: Manifest) => Manifest, showDiff: (d: ElementDiff, before: Current, afterPath: string) => void, 
/** Infos of valid paths the caller read under this process's temp roots (see user-env.ts). */
cache?: InfoCache): Promise<ChangeResult>;
/** Delete the generations `spec` selects; refusals (the current one, a missing one) delete nothing. */
export declare function deleteGenerations(pc: ProfileContext, spec: DeleteSpec): Promise<number[]>;
export interface HistoryEntry {
    generation: number;
    parent: number | null;
    created: number;
    current: boolean;
    storePath: string;
    command?: string;
    changes?: ElementDiff;
}
/** Every generation with its date, parent and changes (recomputed from manifests when unrecorded). */
export declare function history(pc: ProfileContext): HistoryEntry[];
export type { ProfileContext };
