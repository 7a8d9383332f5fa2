import { CairnError } from "../store/format/errors.js";
import { type DerivationOutput } from "./values.js";
/** One line naming the file (and line:column where known) for anything a recipe throws. */
export declare function recipeError(file: string, e: unknown): CairnError;
/** Exports may be zero-argument functions: call each once, lazily. */
export declare function force(v: unknown, file: string): unknown;
/**
 * Select `attrPath` ("a.b") in a recipe module. The first component names an export, or else an
 * attribute of the default export; without a path the default export is selected.
 */
export declare function selectAttr(mod: Record<string, unknown>, attrPath: string | undefined, file: string): unknown;
/** What a command acts on: a derivation, or each derivation in an object (one level deep). */
export declare function derivationsIn(v: unknown, what: string, file: string): {
    attr: string;
    drv: DerivationOutput;
}[];
