export declare const DEFAULT_TRIES = 3;
export declare const ENTRY_PREFIX = "cairn-";
export declare const DEFAULT_PATTERN = "cairn-*";
/** Sort keys, compared as byte strings by systemd-boot: a < b < c. */
export declare const SORT_KEY: {
    readonly current: "cairn-a-current";
    readonly good: "cairn-b-good";
    readonly untested: "cairn-c-untested";
};
export interface BootCounter {
    left: number;
    /** Tries used so far; absent in a fresh `+3`. */
    done?: number;
}
export interface EntryName {
    generation: number;
    /** Absent: blessed (good), or never counted. */
    counter?: BootCounter;
}
export type EntryState = "good" | "counting" | "bad";
/** `cairn-4+2-1.conf` -> { generation 4, left 2, done 1 }; undefined for any other file name. */
export declare function parseEntryName(file: string): EntryName | undefined;
export declare function formatEntryName(e: EntryName): string;
export declare function entryState(e: EntryName): EntryState;
/** "good", "bad (3 tries used)", "2 tries left" — as `cairn system list` shows it. */
export declare function describeState(e: EntryName): string;
export interface EntrySpec {
    generation: number;
    label?: string;
    kernelVersion?: string;
    sortKey: string;
    /** ESP-relative paths, '/'-separated, leading '/'. */
    linux: string;
    initrd: string;
    kernelParams: string;
    /** The init store path, passed as init=. */
    init: string;
}
/** The marker put in every entry's options, read back by `bless` from /proc/cmdline. */
export declare const GEN_PARAM = "cairn.gen";
export declare function entryOptions(s: Pick<EntrySpec, "kernelParams" | "init" | "generation">): string;
export declare function entryText(s: EntrySpec): string;
/** The fields of an entry (BLS: `key value`, `#` comments); a repeated key keeps every value. */
export declare function parseEntryText(text: string): Map<string, string[]>;
/** The generation an entry's options name (`cairn.gen=N`), from a kernel command line too. */
export declare function generationFromCmdline(cmdline: string): number | undefined;
/**
 * loader.conf with `default cairn-*`: cairn owns the `default` line and keeps every other line
 * (timeout, console-mode, editor) as the user wrote it. A new file sets only the default
 * (systemd-boot's own timeout default is 0: the menu shows while a key is held).
 */
export declare function loaderConfText(existing: string | undefined): string;
/**
 * systemd's strverscmp_improved: segments of digits compare as numbers, of letters as strings;
 * '~' sorts before anything, then the end of the string, then '-', '^', '.'; other characters
 * separate segments. Negative when `a` is older.
 */
export declare function strverscmpImproved(a: string, b: string): number;
/** What systemd-boot knows of an entry when it sorts: its file name and two fields. */
export interface SortableEntry {
    file: string;
    sortKey?: string;
    version?: string;
    machineId?: string;
}
/** systemd-boot 252's config_entry_compare: negative when `a` comes first in the menu. */
export declare function compareBootEntries(a: SortableEntry, b: SortableEntry): number;
export declare function bootOrder<T extends SortableEntry>(entries: readonly T[]): T[];
/** systemd's fnmatch for `default`: '*', '?' and '[...]' against the lowercased id. */
export declare function matchesPattern(pattern: string, id: string): boolean;
/** The entry `default PATTERN` picks: the first match in boot order (undefined: none matches). */
export declare function defaultEntry<T extends SortableEntry>(entries: readonly T[], pattern?: string): T | undefined;
/** The sort key cairn gives an entry: the current generation first, then good, then untested. */
export declare function sortKeyFor(isCurrent: boolean, name: EntryName): string;
export type BlobRole = "linux" | "initrd";
export declare const BLOB_DIR = "cairn";
/** `cairn/<nix32 sha256 of the content, 32 chars>-<role>`: one file per distinct content. */
export declare function blobName(hash32: string, role: BlobRole): string;
export declare function parseBlobName(file: string): {
    hash: string;
    role: BlobRole;
} | undefined;
/** The ESP-relative path an entry names. */
export declare const blobEspPath: (file: string) => string;
