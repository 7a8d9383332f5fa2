import type { Selection } from "../eval/evaluator.js";
import type { AddPathOptions } from "../store/local-store.js";
/** A path() call and the store path it gave. */
export interface SourceRecord {
    source: string;
    opts: AddPathOptions;
    path: string;
}
/** What an evaluation gave, and what it read besides its recipe files. */
export interface CachedEvaluation {
    selection: Selection;
    /** The selection's .drv paths nothing else in its closure refers to (Evaluation.tops). */
    tops: string[];
    sources: SourceRecord[];
}
export declare class EvalCache {
    private readonly dir;
    /** Node's version and platform and the variables that change JavaScript's behaviour. */
    private readonly runtime;
    private fingerprint;
    /** Entries preload() found current: their headers. */
    private readonly current;
    /** Entries whose files are unchanged but whose .drv files the store lacks (preload probed). */
    private readonly notInStore;
    constructor(dir: string, 
    /** Node's version and platform and the variables that change JavaScript's behaviour. */
    runtime: string);
    key(storeDir: string, file: string, attrs: readonly string[]): string;
    private fileOf;
    /** The entry's header, if it is whole. */
    private header;
    /** Whether the files `h` records are as they were. */
    private static unchanged;
    /**
     * Whether an entry for `key` is current as far as this can tell without hashing the sources or
     * opening the store (its probed .drv files exist): cli/main.ts then gives the evaluation thread
     * no head start. What it finds is kept for lookup() and lacksStore().
     */
    preload(key: string): boolean;
    /** Whether preload() found the entry unchanged but its .drv files missing from the store. */
    lacksStore(key: string): boolean;
    /** The entry for `key`, if its files are unchanged (the caller checks sources and store). */
    lookup(key: string): CachedEvaluation | undefined;
    /**
     * Keep `entry` for `key`, with the files it read, unless the entry there (read by this process)
     * says the same. Best effort: a cache that cannot be written only costs time.
     */
    write(key: string, files: [string, string][], absent: string[], entry: CachedEvaluation): void;
}
/** Set by cli/main.ts (where the cache lives, what the runtime is); unset, nothing is cached. */
export declare function useEvalCache(cache: EvalCache | undefined): void;
export declare function evalCache(): EvalCache | undefined;
