import { type Hash } from "./hash.js";
export interface PublicKey {
    readonly name: string;
    /** 32 bytes. */
    readonly key: Uint8Array;
}
export interface SecretKey {
    readonly name: string;
    /** 64 bytes: 32-byte seed then 32-byte public key (libsodium's layout). */
    readonly key: Uint8Array;
}
export declare function parsePublicKey(s: string): PublicKey;
export declare function parseSecretKey(s: string): SecretKey;
export declare const printPublicKey: (k: PublicKey) => string;
export declare const printSecretKey: (k: SecretKey) => string;
/** A key pair from a 32-byte seed; the caller supplies the randomness (so tests are reproducible). */
export declare function makeSecretKey(name: string, seed: Uint8Array): SecretKey;
export declare function toPublicKey(sk: SecretKey): PublicKey;
/** Nix's ValidPathInfo::fingerprint: `1;PATH;sha256:NIX32;SIZE;REF,REF`. References are full paths. */
export declare function fingerprintPath(path: string, narHash: Hash, narSize: number, references: readonly string[]): string;
/** `NAME:base64(sig)` over the fingerprint's bytes. */
export declare function signDetached(sk: SecretKey, data: string): string;
export interface ParsedSignature {
    readonly name: string;
    readonly sig: Uint8Array;
}
export declare function parseSignature(s: string): ParsedSignature;
/**
 * Whether `sig` is a valid signature of `data` by a key in `trusted`. A key is trusted by its
 * name and bytes together: a signature naming a trusted key but made by other bytes fails.
 * Malformed signatures count as not valid (they are never by a trusted key).
 */
export declare function verifyDetached(data: string, sig: string, trusted: readonly PublicKey[]): boolean;
/** `CAIRN_TRUSTED_PUBLIC_KEYS` / `--trusted-public-keys`: whitespace-separated `NAME:base64`. */
export declare function parsePublicKeys(list: string | readonly string[]): PublicKey[];
