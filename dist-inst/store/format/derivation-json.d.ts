import type { Derivation } from "./derivation.js";
/** A JSON string literal the way Nix 2.8's JSON writer prints it. */
export declare function nixJsonString(s: string): string;
/** The whole `nix show-derivation` output (trailing newline included), as a byte string. */
export declare function showDerivationJson(drvs: Map<string, Derivation>): string;
