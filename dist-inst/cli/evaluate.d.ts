import { Evaluator, type SelectedDerivation } from "../eval/evaluator.js";
import type { EvalStore } from "../eval/state.js";
import type { AddPathOptions, LocalStore } from "../store/local-store.js";
import { type SourceRecord } from "./eval-cache.js";
export { Evaluator };
export interface Evaluated {
    selected: {
        attr: string;
        drv: SelectedDerivation;
    }[];
    written: number;
}
/**
 * Evaluate `file` with `ev` and write the .drv files and toFile objects the selection needs that
 * are not valid yet. `store` may still be opening: the evaluation thread starts at once, and its
 * calls into the store (path()) wait for it.
 */
export declare function instantiate(ev: Evaluator, opening: PromiseLike<LocalStore>, file: string, attrs: readonly string[]): Promise<Evaluated>;
/**
 * What path() copies into. LocalStore.addPath copies before it knows the path, and each path()
 * call blocks the evaluation thread: so a source is hashed first, and where its path is valid
 * already (a second run's case) it is only rooted. Before the store is open, a source that can be
 * hashed gets its path at once (the evaluation need not wait for the store); attach() then roots
 * those paths and adds any not valid, before anything the evaluation made is registered.
 */
export declare class RecipeSources {
    private readonly storeDir;
    private readonly owed;
    /** Every path() call answered, for the evaluation cache (which hashes each source again). */
    private readonly answered;
    constructor(storeDir: string);
    /** The path addPath would give `source`, or undefined if it cannot be hashed (addPath says why). */
    pathOf(source: string, opts: AddPathOptions): string | undefined;
    early(source: string, opts?: AddPathOptions): string | undefined;
    private answer;
    recorded(): SourceRecord[];
    attach(store: LocalStore): EvalStore;
}
/**
 * The process's RecipeSources for a store dir: whoever answered a path() call early (cli/main.ts
 * for the head start, or instantiate) leaves the path owed in the one instance that attaches. A
 * head start the command does not take over (a wrong guess) leaves its owed sources here too: they
 * are added like the others, referenced by nothing (gc garbage); a guess is rarely wrong.
 */
export declare function recipeSources(storeDir: string): RecipeSources;
/** Evaluate one recipe file on its own evaluation thread. */
export declare function evaluate(store: LocalStore, file: string, attrs: readonly string[], cacheDir: string): Promise<Evaluated>;
