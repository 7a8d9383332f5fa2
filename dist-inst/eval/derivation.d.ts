import { type Derivation, type DerivationAttrs } from "./values.js";
/** `xs` sorted by UTF-8 bytes; for ASCII (attribute names nearly always) that is the native order. */
export declare function sortUtf8Fast(xs: string[]): string[];
/** Nix's builtins.derivation. */
export declare function derivation<const O extends string = "out">(attrs: DerivationAttrs & {
    outputs?: readonly O[];
}): Derivation<O>;
