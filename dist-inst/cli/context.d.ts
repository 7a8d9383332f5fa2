import { Layout } from "../store/layout.js";
import type { LocalStore, StoreHooks } from "../store/local-store.js";
export interface Env {
    CAIRN_ROOT?: string;
    CAIRN_STORE_DIR?: string;
    XDG_DATA_HOME?: string;
    XDG_CACHE_HOME?: string;
    HOME?: string;
    /** builder */
    CAIRN_MAX_JOBS?: string;
    TERM?: string;
    /** gc: FIFO sync points for interleaving tests; automatic optimise after builds */
    CAIRN_TEST_GC_SYNC_1?: string;
    CAIRN_TEST_GC_SYNC_2?: string;
    CAIRN_TEST_GC_SYNC_3?: string;
    CAIRN_AUTO_OPTIMISE?: string;
    /** binary caches */
    CAIRN_SUBSTITUTERS?: string;
    CAIRN_TRUSTED_PUBLIC_KEYS?: string;
    /** shell */
    SHELL?: string;
    PATH?: string;
    /** system: what statfs says is free on the ESP (tests that cannot mount a small file system) */
    CAIRN_TEST_ESP_FREE?: string;
}
export interface GlobalOptions {
    root?: string;
    storeDir?: string;
    json?: boolean;
}
export interface Context {
    env: Env;
    hooks: StoreHooks;
    stdoutIsTTY: boolean;
    stderrIsTTY: boolean;
    /** Runs `f` with a signal that fires on SIGINT/SIGTERM (main.ts installs the handlers). */
    withCancellation<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T>;
}
export declare function resolveLayout(ctx: Pick<Context, "env">, opts: GlobalOptions): Layout;
/** Where type-stripped recipes are cached: $XDG_CACHE_HOME/cairn/recipes. */
export declare function recipeCacheDir(ctx: Pick<Context, "env">): string;
/** Where evaluations are cached (cli/eval-cache.ts): $XDG_CACHE_HOME/cairn/eval. */
export declare function evalCacheDir(ctx: Pick<Context, "env">): string;
/** Loaded on demand: lmdb costs ~70 ms to import, which `hash` and `dump` should not pay. */
export declare function openStore(ctx: Context, opts: GlobalOptions): Promise<LocalStore>;
/**
 * The store, opened on first use (the first `await`, `then` or `catch`). Commands that evaluate a
 * recipe hand their evaluation thread its work first: opening the store (loading LMDB, reading the
 * database) would otherwise delay that on this thread, and the evaluation is what they wait for.
 */
export declare class LazyStore implements PromiseLike<LocalStore> {
    private readonly open;
    private opened;
    constructor(open: () => Promise<LocalStore>);
    then<A = LocalStore, B = never>(ok?: ((s: LocalStore) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B>;
    /** Close the store if it was opened (errors opening it were reported to whoever awaited it). */
    close(): Promise<void>;
}
/** Write all of `data` to an fd, synchronously; copes with non-blocking pipes. */
export declare function writeAll(fd: number, data: Uint8Array | string): void;
export declare const out: (s: string) => void;
export declare const err: (s: string) => void;
/**
 * A store path given on the command line, where a symlink into the store (`./result`) stands for
 * its target, as Nix's followLinksToStorePath.
 */
export declare function followLinksToStorePath(layout: Layout, arg: string): string;
