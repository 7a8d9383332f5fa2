import { type Derivation } from "./format/index.js";
import type { LocalStore } from "./local-store.js";
export declare function drvNameOf(drvPath: string): string;
/** Read and parse a valid .drv store path. */
export declare function readDerivation(store: LocalStore, drvPath: string): Derivation;
/** Memoised modulo hashes of derivations in the store (or about to be added). */
export declare class ModuloHashes {
    private readonly store;
    private readonly pending;
    private readonly memo;
    constructor(store: LocalStore, pending?: Map<string, Derivation>);
    get(drvPath: string): Uint8Array;
}
/** The output paths `drv` must have, given its name: Nix's checkDerivationOutputs. */
export declare function expectedOutputs(storeDir: string, name: string, drv: Derivation, modulo: (p: string) => Uint8Array): Map<string, string>;
export interface ImportedDerivation {
    file: string;
    drvPath: string;
}
/**
 * Register .drv files (e.g. written by Nix) in this store. Their inputs must be valid already or
 * among `files`; each one's outputs must match its hash. All are written in one transaction.
 */
export declare function importDerivations(store: LocalStore, files: string[]): ImportedDerivation[];
