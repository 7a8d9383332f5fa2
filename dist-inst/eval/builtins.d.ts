import type { Derivation } from "./values.js";
/** `builtins.toFile NAME TEXT`: a text store object referring to the sources in TEXT. */
export declare function toFile(name: string, text: string): string;
/**
 * A file or tree as a Nix path literal: copied to the store (recursive sha256, named after its
 * base name), once per evaluation. Relative paths resolve against the calling recipe's directory.
 */
export declare function path_(p: string): string;
export interface FetchurlArgs {
    url: string;
    /** SRI (`sha256-…`) or `algo:…` */
    hash: string;
    name?: string;
    executable?: boolean;
    unpack?: boolean;
}
/**
 * A fixed-output derivation realised by cairn's builtin fetcher: the same derivation as Nix's
 * `import <nix/fetchurl.nix> { url; hash; }`, so it has the same .drv and output paths.
 */
export declare function fetchurl(args: FetchurlArgs): Derivation;
/** `builtins.placeholder`: the text standing for an output's path inside a builder. */
export declare function placeholder(output: string): string;
