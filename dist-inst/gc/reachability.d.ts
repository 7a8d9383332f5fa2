export interface StoreGraph {
    /** Every valid path and its references (self-references allowed). */
    references: ReadonlyMap<string, readonly string[]>;
    /** path -> its deriver (.drv), where recorded. */
    derivers?: ReadonlyMap<string, string>;
    /** .drv -> its known output paths. */
    outputs?: ReadonlyMap<string, readonly string[]>;
}
export interface ReachabilityOptions {
    /** A live output keeps its deriver alive (Nix `keep-derivations`, default true). */
    keepDerivations?: boolean;
    /** A live derivation keeps its outputs alive (Nix `keep-outputs`, default false). */
    keepOutputs?: boolean;
}
export interface Reachability {
    live: Set<string>;
    /** Valid paths not live, in deletion order: every referrer before what it refers to. */
    dead: string[];
    /** For each live path, the path it was reached from (undefined for a root): for --explain. */
    parent: Map<string, string | undefined>;
}
/** Mark from `roots` (invalid ones are ignored), then order the complement for deletion. */
export declare function computeReachability(roots: Iterable<string>, graph: StoreGraph, opts?: ReachabilityOptions): Reachability;
/**
 * Order `paths` so that a path comes after every path of the set that refers to it (Kahn's
 * algorithm over the reversed reference edges). Self-references do not count; a cycle (which
 * content addressing rules out) is broken arbitrarily rather than losing paths.
 */
export declare function deletionOrder(paths: readonly string[], references: ReadonlyMap<string, readonly string[]>): string[];
/** A shortest chain root -> … -> `p` from a reachability's parent map (empty when `p` is dead). */
export declare function chainTo(parent: ReadonlyMap<string, string | undefined>, p: string): string[];
