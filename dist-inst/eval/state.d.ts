/** What evaluation needs from a store (LocalStore satisfies it). */
export interface EvalStore {
    readonly storeDir: string;
    addPath(source: string, opts?: {
        method?: "recursive" | "flat";
        name?: string;
    }): string;
}
export interface MadeDerivation {
    drvPath: string;
    name: string;
    /** The .drv file's bytes (ATerm text): `chunk[start, end)` in the evaluation's text arena. */
    chunk: Buffer;
    start: number;
    end: number;
    /** inputSrcs and inputDrvs: the .drv file's references. */
    references: string[];
    /** hashDerivationModulo of the final derivation, hex (what its dependents' ATerms print). */
    moduloHex: string;
    /** Marks of the last walk over what was made (EvalState.walk) that reached it, and that found it referenced. */
    seen: number;
    referenced: number;
}
export interface MadeText {
    path: string;
    name: string;
    bytes: Uint8Array;
    references: string[];
    seen: number;
    referenced: number;
}
export type Origin = {
    kind: "output";
    path: string;
    drvPath: string;
    output: string;
} | {
    kind: "source";
    path: string;
} | {
    kind: "drv";
    path: string;
};
/**
 * Bytes of the text objects made, in big off-heap chunks: 10,000 .drv texts kept as JS strings
 * are ~11 MB that every young-generation gc would copy (twice) before they settle.
 */
declare class TextArena {
    /** The chunk the last add() wrote to; `used` is where its bytes end. */
    chunk: Buffer<ArrayBuffer>;
    used: number;
    /**
     * Store a byte string's bytes; they are `chunk[start, used)` after, where start is returned
     * (no view made: 10,000 of them would be as many objects for the gc to copy).
     */
    add(s: string): number;
}
/** The bytes of a .drv made in this evaluation. */
export declare function drvText(made: MadeDerivation): Uint8Array;
export declare class EvalState {
    readonly storeDir: string;
    readonly store: EvalStore | undefined;
    readonly arena: TextArena;
    readonly drvs: Map<string, MadeDerivation>;
    readonly texts: Map<string, MadeText>;
    /**
     * 32-char hash part -> what has that hash part: one origin, or a list where fixed outputs of
     * several derivations share a path (a list per entry would cost 30,000 arrays for 10,000
     * derivations).
     */
    private readonly byHashPart;
    /**
     * Hash parts of the .drv files and input-addressed outputs made, not in byHashPart yet: no one
     * else has them (they hash the derivation itself), so they go in only when a lookup misses.
     * Most recipes pass derivations as values, and 20,000 Map entries made eagerly cost ~25 ms.
     */
    private readonly pendingParts;
    private readonly pendingDrvs;
    /** The output's path and name; "" for the .drv file itself. */
    private readonly pendingPaths;
    private readonly pendingOutputs;
    /** `storeDir/`: what starts a store path in a string. */
    readonly pathPrefix: string;
    /** Whether the store dir is ASCII (then so are the store paths in ATerms). */
    readonly asciiStoreDir: boolean;
    /** Whether store paths are printed in ATerms as they are (ASCII, nothing to escape). */
    readonly plainStoreDir: boolean;
    /** Absolute file system path -> its store path (a path is copied once per evaluation). */
    readonly pathLiterals: Map<string, string>;
    /** `drvPath!output` of derivation values that were turned into strings (see coerce.ts). */
    readonly stringified: Set<string>;
    /** The same, since the last derivation() call: the template strings of its own attributes. */
    readonly recentlyStringified: Set<string>;
    /** Walks over what was made so far (marks on the objects tell what a walk reached). */
    walks: number;
    /** Told of each .drv and toFile object as it is made (the worker streams them to the store). */
    onMade: ((path: string) => void) | undefined;
    constructor(storeDir: string, store: EvalStore | undefined);
    /** A .drv (`output` "") or an input-addressed output made: its hash part is new. */
    addMade(hashPart: string, drvPath: string, output: string, path: string): void;
    private flush;
    /** What has `hashPart`: one origin, or several (fixed outputs sharing a path). */
    lookup(hashPart: string): Origin | Origin[] | undefined;
    /**
     * Add what else has a hash part: a source, or a fixed output (fixed paths of several derivations
     * may coincide). Neither can have a pending hash part (other fingerprint types), but a toFile
     * text could be byte for byte a .drv (`flush`: those go in first, as if added eagerly).
     */
    addOrigin(hashPart: string, o: Origin, flush?: boolean): void;
    /** What has `hashPart`, as a list. */
    origins(hashPart: string): readonly Origin[] | undefined;
}
/** Start an evaluation; recipes' derivation()/toFile()/path() calls land in it. */
export declare function beginEvaluation(storeDir: string, store?: EvalStore): EvalState;
export declare function endEvaluation(): void;
export declare function evalState(): EvalState;
export {};
