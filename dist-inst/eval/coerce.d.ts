import type { EvalState } from "./state.js";
import { MODULO } from "./values.js";
/**
 * String context: sources (inputSrcs) and used outputs of derivations (inputDrvs), as they are
 * found, duplicates included (derivation() sorts and merges the few it gets; arrays, not a Set
 * and a Map of Sets, since a derivation's context is a handful of entries).
 */
export declare class Context {
    readonly srcs: string[];
    /** drvPaths[i] has output drvOutputs[i] used. */
    readonly drvPaths: string[];
    readonly drvOutputs: string[];
    /** The derivation's modulo hash where known at hand ("": to be looked up). */
    readonly drvModulos: string[];
    addSrc(path: string): void;
    addDrvOutput(drvPath: string, output: string, moduloHex?: string): void;
    /** The sources, sorted, each once. */
    sortedSrcs(): string[];
    /** Used outputs by derivation, each once (`.drv` path -> output names; unsorted). */
    drvs(): Map<string, Set<string>>;
}
export declare function emptyContext(): Context;
/** `xs` sorted in place (store paths: their UTF-16 order is their byte order) without repeats. */
export declare function sortUnique(xs: string[]): string[];
/** What a derivation output value carries under ORIGIN (the value itself). */
export interface OriginTag {
    drvPath: string;
    outputName: string;
    [MODULO]?: string;
}
/** Format a float as C's %f does (Nix: env strings). */
export declare function formatFloat(x: number): string;
/**
 * Find the store paths made in this evaluation inside `s` and add them to `ctx`. A hash part
 * shared by several fixed-output derivations resolves to those turned into strings.
 */
export declare function scanContext(state: EvalState, s: string, ctx: Context, where: string): void;
/**
 * Convert a value to an env string, adding its context. `where` names the attribute for errors.
 * Lists use Nix's spacing: a space after each element but the last, and none after an element
 * that is itself an empty list.
 */
export declare function coerceToString(state: EvalState, v: unknown, ctx: Context, where: string): string;
