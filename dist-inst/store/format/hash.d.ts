export type HashAlgo = "md5" | "sha1" | "sha256" | "sha512";
export type HashFormat = "base16" | "nix32" | "base64" | "sri";
export declare const HASH_SIZE: Readonly<Record<HashAlgo, number>>;
export interface Hash {
    readonly algo: HashAlgo;
    readonly bytes: Uint8Array;
}
export declare function isHashAlgo(s: string): s is HashAlgo;
export declare function parseHashAlgo(s: string): HashAlgo;
export declare function makeHash(algo: HashAlgo, bytes: Uint8Array): Hash;
/** Incremental hasher; the one place cairn creates digests. */
export declare class Hasher {
    readonly algo: HashAlgo;
    private readonly h;
    constructor(algo: HashAlgo);
    update(data: Uint8Array | string): this;
    digest(): Hash;
}
export declare function hashBytes(algo: HashAlgo, data: Uint8Array | string): Hash;
export declare function sha256(data: Uint8Array | string): Uint8Array;
/**
 * sha256 as lower-case hex, or as a binary string (one code unit per byte). Evaluation makes ~6
 * digests per derivation; as strings they cost no ArrayBuffer, which the gc pays for dearly.
 */
export declare function sha256Hex(data: Uint8Array | string): string;
export declare function sha256Binary(data: Uint8Array | string): string;
/**
 * Parse a hash as Nix's Hash::parseAny does: `ALGO:BODY`, SRI `ALGO-BASE64`, or a bare body with
 * `algo` given by context. A bare body's encoding is chosen by its length. Non-canonical nix32
 * (spare bits set) and base64 are refused.
 */
export declare function parseHash(s: string, algo?: HashAlgo): Hash;
export declare function printHash(h: Hash, format: HashFormat, withAlgo?: boolean): string;
export declare function hashEqual(a: Hash, b: Hash): boolean;
/** XOR-fold a digest (bytes, or a binary string) to `size` bytes (store path hashes use 20). Nix: compressHash. */
export declare function compressHash(digest: Uint8Array | string, size: number): Uint8Array;
/**
 * The nix32 hash part of a store path from its fingerprint (`TYPE:sha256:INNER:STORE:NAME`, a JS
 * string hashed as UTF-8): sha256, XOR-folded to 20 bytes. Nix: makeStorePath. No allocation but
 * the digest and the result (evaluation computes ~30,000 of them for 10,000 derivations).
 */
export declare function storePathHashPart(fingerprint: string): string;
