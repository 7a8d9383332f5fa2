import type { Purity } from "./purity.js";
import { RecipeCache } from "./strip.js";
export declare class RecipeLinker {
    private readonly cache;
    /** Told every file read, and every module loaded that it cannot see into. */
    private readonly purity;
    /** url -> module, recipe or passed through; each is made once per evaluation. */
    private readonly modules;
    /** Static imports between recipe files seen so far (for naming cycles). */
    private readonly edges;
    private readonly library;
    constructor(library: Record<string, unknown>, cache: RecipeCache, 
    /** Told every file read, and every module loaded that it cannot see into. */
    purity: Purity);
    /** Import a recipe file (running it) and return its namespace. */
    import(file: string): Promise<Record<string, unknown>>;
    /** Link and run `m` (and what it imports) unless done already. */
    private ready;
    private linked;
    private pathTo;
    /** The URL `specifier` names from the module at `parent` (import.meta.resolve's answer). */
    resolve(specifier: string, parent: string): string;
    private load;
    private external;
    private compile;
}
