import type { HashAlgo } from "../store/format/hash.js";
/** Internal identity of a derivation output, for exact string context. */
export declare const ORIGIN: unique symbol;
/** Internal: the modulo hash (hex) of a derivation output's derivation, for its dependents. */
export declare const MODULO: unique symbol;
/** One output of a derivation; in a string (`${drv.dev}/include`) it is its store path. */
export interface DerivationOutput {
    readonly type: "derivation";
    readonly name: string;
    readonly drvPath: string;
    readonly outPath: string;
    readonly outputName: string;
    readonly system: string;
    toString(): string;
}
/** A derivation: it stands for its first output, and has one value per output. */
export type Derivation<O extends string = "out"> = DerivationOutput & {
    /** Output names in the order given (`outputs` attribute), first = the default. */
    readonly outputs: readonly O[];
    readonly all: readonly DerivationOutput[];
    /** The attributes it was made from. */
    readonly drvAttrs: Readonly<Record<string, unknown>>;
} & {
    readonly [K in O]: DerivationOutput;
};
/** Anything Nix can turn into an environment string. */
export type Value = string | number | bigint | boolean | null | undefined | DerivationOutput | {
    readonly outPath: Value;
} | {
    readonly __toString: (self: never) => Value;
} | readonly Value[];
/** Values of structured attributes (`__structuredAttrs: true`) may also be nested objects. */
export type StructuredValue = Value | readonly StructuredValue[] | {
    readonly [k: string]: StructuredValue;
};
export interface DerivationAttrs {
    name: string;
    system: string;
    builder: string | DerivationOutput;
    args?: readonly Value[];
    outputs?: readonly string[];
    outputHash?: string;
    outputHashAlgo?: HashAlgo | "";
    outputHashMode?: "flat" | "recursive";
    __structuredAttrs?: boolean;
    __ignoreNulls?: boolean;
    passAsFile?: readonly string[];
    allowedReferences?: readonly Value[];
    allowedRequisites?: readonly Value[];
    disallowedReferences?: readonly Value[];
    disallowedRequisites?: readonly Value[];
    [attr: string]: StructuredValue;
}
export declare function isDerivationOutput(v: unknown): v is DerivationOutput;
