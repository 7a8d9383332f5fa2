import { type Hash } from "./hash.js";
export declare const HASH_PART_LEN = 32;
export declare const MAX_NAME_LEN = 211;
/** A store path relative to no store dir: `<hashPart>-<name>`. Printing needs the store dir. */
export interface StorePath {
    readonly hashPart: string;
    readonly name: string;
}
/** Why `name` is not a valid store path name, or undefined if it is. */
export declare function nameError(name: string): string | undefined;
export declare function checkName(name: string, what?: string): string;
/** A logical store dir: absolute, canonical, no trailing slash (it is part of every hash). */
export declare function checkStoreDir(dir: string): string;
export declare function parseBaseName(base: string, input?: string): StorePath;
/** Parse `STORE/<hash>-<name>` (exactly one component below the store dir). */
export declare function parseStorePath(storeDir: string, path: string): StorePath;
export declare function isStorePath(storeDir: string, path: string): boolean;
export declare function baseName(p: StorePath): string;
export declare function printStorePath(storeDir: string, p: StorePath): string;
/**
 * Nix's makeStorePath: `TYPE:sha256:<hex inner>:STORE:NAME`, sha256, XOR-fold to 20 bytes. The
 * inner hash is bytes or lower-case hex (what evaluation has at hand).
 */
export declare function makeStorePath(storeDir: string, type: string, inner: Uint8Array | string, name: string): StorePath;
/** makeTextPath with references given as printed store paths of this store, in byte order. */
export declare function makeTextPathFromPrinted(storeDir: string, name: string, contentSha256: Uint8Array | string, refs: readonly string[]): StorePath;
/** `builtins.toFile` and `.drv` files: `text[:REF…]`, inner = sha256 of the contents. */
export declare function makeTextPath(storeDir: string, name: string, contentSha256: Uint8Array, refs: Iterable<StorePath>): StorePath;
export type FileIngestionMethod = "flat" | "recursive";
export interface FixedOutputInfo {
    method: FileIngestionMethod;
    hash: Hash;
    references?: Iterable<StorePath>;
    /** Whether the object refers to itself (only for recursive sha256). */
    hasSelfReference?: boolean;
}
/** Content-addressed paths: recursive sha256 uses `source:`, everything else `fixed:out:`. */
export declare function makeFixedOutputPath(storeDir: string, name: string, info: FixedOutputInfo): StorePath;
/** Output path of an input-addressed derivation. Nix: outputPathName. */
export declare function makeOutputPath(storeDir: string, outputName: string, drvHash: Uint8Array | string, drvName: string): StorePath;
