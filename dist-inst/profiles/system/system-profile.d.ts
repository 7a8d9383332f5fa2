import type { Layout } from "../../store/layout.js";
import type { LocalStore } from "../../store/local-store.js";
import { type ProfileRef } from "../generations.js";
import { type ProfileContext } from "../switch.js";
import { type ClosureChange } from "../diff.js";
import { type EntryState } from "./boot-entries.js";
import { type EspSpace } from "./esp.js";
export declare const SYSTEM_PROFILE = "system";
export declare function systemProfileRef(layout: Layout): ProfileRef;
/** Where the ESP of the last `cairn system` command is remembered, for commands without --esp. */
export declare const espMemoryFile: (layout: Layout) => string;
export declare function rememberedEsp(layout: Layout): string | undefined;
export declare function rememberEsp(layout: Layout, esp: string): void;
export interface EspOptions {
    esp: string;
    /** Boot counter of new entries (default 3). */
    tries?: number;
    /** Replaces statfs in the space check (tests only). */
    space?: EspSpace;
}
export interface SyncResult {
    esp: string;
    current: number | undefined;
    written: number;
    removed: number;
}
/** Make the ESP show the profile's live generations, the current one first. */
export declare function syncBootEntries(pc: ProfileContext, o: EspOptions): Promise<SyncResult>;
export type BootChange = "kernel" | "initrd" | "kernel-params" | "init";
export interface SystemDiff {
    from?: {
        generation: number;
        storePath: string;
    };
    to: string;
    closure: ClosureChange[];
    closureSize: {
        before: number;
        after: number;
        pathsBefore: number;
        pathsAfter: number;
    };
    /** What the next boot changes compared with the current generation. */
    bootChanges: BootChange[];
}
export interface SwitchResult {
    generation: number;
    parent: number | undefined;
    /** False when the toplevel is the current generation already (no new generation, entries synced). */
    created: boolean;
    diff: SystemDiff;
    sync: SyncResult;
}
export interface SwitchOptions extends EspOptions {
    command: "switch" | "boot";
    /** Called with the closure diff before anything changes. */
    showDiff?: (d: SystemDiff) => void;
}
/**
 * Make `toplevel` (valid, built) a new generation of the system profile and write the ESP. The
 * same toplevel as the current generation makes no generation (as nix-env --set) but still brings
 * the ESP in step.
 */
export declare function switchSystem(store: LocalStore, pc: ProfileContext, toplevel: string, o: SwitchOptions): Promise<SwitchResult>;
export interface RollbackResult {
    from: number;
    to: number;
    sync: SyncResult;
}
/**
 * Switch to the current generation's parent and rewrite the entries so that it sorts first (its
 * sort key); the newer generations keep their entries, behind it. Refusals change nothing.
 */
export declare function rollbackSystem(pc: ProfileContext, o: EspOptions): Promise<RollbackResult>;
export interface BlessOptions {
    esp: string;
    /** An explicit generation (from outside the booted system). */
    generation?: number;
    /** The running kernel's command line (/proc/cmdline): its cairn.gen= names the generation. */
    cmdline?: string;
    space?: EspSpace;
}
export interface BlessResult {
    generation: number;
    /** Where the generation came from. */
    source: "option" | "cmdline" | "current";
    /** The entry's file name before and after. */
    from: string;
    to: string;
    /** The entry was good already: nothing written. */
    already: boolean;
}
/**
 * Mark a generation's entry as good (drop its boot counter): the running one (cairn.gen= on the
 * kernel command line), an explicit one, or else the profile's current one.
 */
export declare function blessSystem(pc: ProfileContext, o: BlessOptions): Promise<BlessResult>;
export interface SystemEntryInfo {
    file: string;
    state: EntryState;
    /** "good", "2 tries left", "bad (3 tries used)". */
    status: string;
    triesLeft?: number;
    triesDone?: number;
    /** 1-based position in systemd-boot's menu. */
    menuPosition: number;
}
export interface SystemGenerationInfo {
    generation: number;
    created: number;
    storePath: string;
    parent: number | null;
    current: boolean;
    /** systemd-boot boots this one next (the first `cairn-*` entry in its order). */
    default: boolean;
    label?: string;
    kernelVersion?: string;
    entry?: SystemEntryInfo;
}
export interface SystemListing {
    profile: string;
    esp?: string;
    current?: number;
    defaultGeneration?: number;
    generations: SystemGenerationInfo[];
    /** Entries on the ESP whose generation is gone (the next sync removes them). */
    orphanEntries: {
        file: string;
        generation: number;
    }[];
}
/** Generations, the current and default ones, and each entry's boot counter (reads only). */
export declare function listSystem(pc: ProfileContext, esp: string | undefined): SystemListing;
