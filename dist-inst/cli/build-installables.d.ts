import type { LocalStore } from "../store/local-store.js";
export interface Wanted {
    drvPath: string;
    /** Outputs asked for (undefined: all). */
    outputs?: string[];
    /** The recipe attribute it came from, if any. */
    attr?: string;
    file?: string;
    /** Output name -> path, when evaluation already told us. */
    known?: Map<string, string>;
}
/**
 * `opening` may still be opening: a recipe's evaluation thread starts at once (it was prestarted
 * by cli/main.ts) and waits for the store only where it needs it. Each evaluation thread is ended
 * without waiting: the promises of their ends go to `closing`, for the caller to await later.
 */
export declare function resolveInstallables(storeDir: string, opening: Promise<LocalStore>, args: readonly string[], attrs: readonly string[], cacheDir: string, closing?: Promise<void>[]): Promise<Wanted[]>;
