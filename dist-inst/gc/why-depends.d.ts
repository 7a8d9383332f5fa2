import type { LocalStore } from "../store/local-store.js";
/** Shortest chain A -> … -> B over references (breadth first), or undefined if B is not in A's closure. */
export declare function shortestReferenceChain(from: string, to: string, references: (p: string) => readonly string[]): string[] | undefined;
export interface Hit {
    /** File inside the referrer, relative to its root ("" for the path itself). */
    file: string;
    /** Bytes around the hash, non-printable ones shown as '.'. */
    context: string;
}
/** Where `hashPart` occurs in the files (and symlink targets) of the tree at `root`. */
export declare function findHashInTree(root: string, hashPart: string): Hit[];
export interface WhyDependsStep {
    path: string;
    /** How the previous path refers to this one (with `precise`). */
    hits?: Hit[];
}
export declare function whyDepends(store: LocalStore, a: string, b: string, precise?: boolean): WhyDependsStep[];
