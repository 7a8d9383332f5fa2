export interface DerivationOutput {
    /** Full store path ("" while masked). */
    path: string;
    /** "" for input-addressed outputs; `sha256`, `r:sha256`, … for fixed ones. */
    hashAlgo: string;
    /** Lower-case base16, or "". */
    hash: string;
}
export interface Derivation {
    outputs: Map<string, DerivationOutput>;
    /** `.drv` path -> output names */
    inputDrvs: Map<string, Set<string>>;
    inputSrcs: Set<string>;
    platform: string;
    builder: string;
    args: string[];
    env: Map<string, string>;
}
/** Whether a byte string is ASCII, i.e. its own UTF-8 (nearly every ATerm is). */
export declare function isAscii(s: string): boolean;
/** A UTF-8 JS string as a byte string. */
export declare function byteString(s: string): string;
/** A byte string back to a JS string (invalid UTF-8 becomes U+FFFD). */
export declare function fromByteString(b: string): string;
/** A byte string as an ATerm string literal: quoted, with `"` `\\` and newline, CR, tab escaped. */
export declare function escapeAterm(s: string): string;
export interface PrintOptions {
    /** Replaces the inputDrvs list (the modulo hash prints hex hashes in place of .drv paths). */
    inputs?: Map<string, Set<string>>;
    /** Print as if masked: output paths and the env variables named like outputs empty. */
    masked?: boolean;
}
export declare function printOutputs(drv: Derivation, masked?: boolean): string;
export declare function printInputs(inputs: ReadonlyMap<string, ReadonlySet<string>>): string;
/**
 * Sources, platform, builder, args and environment, printed once with a gap where the value of
 * each env variable named like an output goes: `segments[i]` `fill(slots[i])` … `segments[n]`.
 */
export interface RestParts {
    segments: string[];
    slots: string[];
}
export declare function printRestParts(drv: Derivation): RestParts;
/** The rest with each output-named variable's value from `fill` (masked: always ""). */
export declare function joinRest(parts: RestParts, fill: (slot: string) => string): string;
/** Sources, platform, builder, args and environment. */
export declare function printRest(drv: Derivation, masked?: boolean): string;
export declare function assembleAterm(outputs: string, inputs: string, rest: string): string;
/** ATerm text of `drv` as a byte string. */
export declare function printDerivation(drv: Derivation, opts?: PrintOptions): string;
export declare function derivationBytes(drv: Derivation, opts?: PrintOptions): Uint8Array;
/**
 * sha256 of a byte string. ASCII text is hashed as is (node:crypto's one-shot hash of a string is
 * the cheapest call measured, ~1.6 µs per KB); callers hashing several forms of one text pass
 * `ascii` once.
 */
export declare function sha256ByteString(s: string, ascii?: boolean): Uint8Array;
/** The same as lower-case hex. */
export declare function sha256ByteStringHex(s: string, ascii?: boolean): string;
/** Parse ATerm bytes (or a byte string). `what` names the input in errors. */
export declare function parseDerivation(text: Uint8Array | string, what?: string): Derivation;
export declare function isFixedOutput(drv: Derivation): boolean;
/** The inputDrvs of `drv` with each .drv path replaced by its modulo hash (hex); equal ones merge. */
export declare function replacedInputs(drv: Derivation, lookup: (drvPath: string) => Uint8Array | string): Map<string, Set<string>>;
/**
 * Nix's hashDerivationModulo. `lookup(drvPath)` gives the modulo hash (bytes or hex) of an input
 * derivation (callers memoise: eval from what it made, import from the .drv files it read). For
 * a new derivation, pass `masked` (or a masked copy): output paths and their env variables empty.
 */
export declare function hashDerivationModulo(drv: Derivation, lookup: (drvPath: string) => Uint8Array | string, masked?: boolean): Uint8Array;
/** The modulo hash of a fixed-output derivation: only its hash and output path count. */
export declare function fixedOutputModulo(drv: Derivation): Uint8Array;
/** The masked form of `drv`: every output path and the env variable of every output emptied. */
export declare function maskOutputs(drv: Derivation): Derivation;
