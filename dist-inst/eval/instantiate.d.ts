import { type EvalState } from "./state.js";
export interface ClosureEntry {
    path: string;
    references: readonly string[];
}
/** The text objects in the closure of `drvPaths` among what this evaluation made. */
export declare function closureOf(state: EvalState, drvPaths: Iterable<string>): ClosureEntry[];
/**
 * The selected `.drv` paths nothing else in their closure refers to: when these are valid, so is
 * everything the selection needs. One walk, marking what was made (no sets of 10,000 paths).
 */
export declare function topsOf(state: EvalState, drvPaths: readonly string[]): string[];
/** The contents of text objects this evaluation made, packed in one buffer (for a transfer). */
export interface PackedTexts {
    paths: string[];
    references: (readonly string[])[];
    /** End offset of each in `bytes`. */
    ends: number[];
    bytes: Uint8Array;
}
export declare function packTexts(state: EvalState, paths: readonly string[]): PackedTexts;
export interface TextObject {
    path: string;
    bytes: Uint8Array;
    references: readonly string[];
}
/** Unpack what packTexts made. */
export declare function unpackTexts(t: PackedTexts): TextObject[];
