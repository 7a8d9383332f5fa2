import { type NarInfo, type PublicKey, type SecretKey } from "./format/index.js";
import type { LocalStore } from "./local-store.js";
import { type CacheTransport, type TransportOptions } from "./cache-transport.js";
import { type Compression } from "./compression.js";
export type CopyEvent = {
    kind: "plan";
    total: number;
    skipped: number;
    bytes: number;
} | {
    kind: "start";
    path: string;
    narSize: number;
}
/** Bytes transferred over the network (compressed), as they arrive. */
 | {
    kind: "bytes";
    path: string;
    bytes: number;
}
/** A path copied; `narSize` counts toward the plan's `bytes`. */
 | {
    kind: "done";
    path: string;
    narSize: number;
} | {
    kind: "retry";
    what: string;
    attempt: number;
    why: string;
};
export interface CopyOptions extends TransportOptions {
    /** Parallel transfers. Default 4. */
    jobs?: number;
    onEvent?: (e: CopyEvent) => void;
    /** Named crash points for tests (CAIRN_CRASH_AT). */
    crash?: (point: string) => void;
}
export interface CopyResult {
    /** Paths copied, references first. */
    copied: string[];
    /** Paths already at the destination. */
    skipped: string[];
}
export declare class BinaryCache {
    readonly url: string;
    readonly transport: CacheTransport;
    /** The URL as recorded in path infos (substitutedFrom): no query, no credentials. */
    readonly origin: string;
    private constructor();
    static open(url: string, opts?: TransportOptions): BinaryCache;
    /** The cache's store dir must be ours, or every path and signature in it means something else. */
    checkStoreDir(storeDir: string, create: boolean): Promise<void>;
    /** The narinfo of `storePath`, or undefined when the cache lacks it. */
    queryNarInfo(storeDir: string, storePath: string): Promise<NarInfo | undefined>;
}
/** `url` without its query, fragment or user:password@ (Nix's store parameters, secrets). */
export declare function cacheOrigin(url: string): string;
/**
 * Why a narinfo may not be imported, or undefined if it may: it needs a signature by a trusted
 * key over its fingerprint, unless it is content-addressed in a way that the NAR hash check
 * proves (fixed:r:sha256 whose hash is the NAR hash and whose path follows from it). Nix:
 * ValidPathInfo::checkSignatures, isContentAddressed.
 */
export declare function untrustedReason(storeDir: string, info: NarInfo, trusted: readonly PublicKey[]): string | undefined;
export interface CopyFromOptions extends CopyOptions {
    trustedKeys: readonly PublicKey[];
    /** Import unsigned and untrusted paths (`--no-check-sigs`). */
    checkSigs?: boolean;
}
/**
 * Copy the closures of `paths` from `cache` into `store`, references first. Every narinfo is
 * parsed and its signature checked before any download; every NAR is checked against its
 * narinfo's hash and size before it is registered (LocalStore.addFromNar).
 */
export declare function copyFromCache(store: LocalStore, cache: BinaryCache, paths: readonly string[], opts: CopyFromOptions): Promise<CopyResult>;
export interface CopyToOptions extends CopyOptions {
    compression?: Compression;
    /** Sign the narinfos written (Nix: `?secret-key=`). */
    secretKey?: SecretKey;
}
/** The narinfo of a valid local path, with a signature by `sk` added if given. */
export declare function makeNarInfo(store: LocalStore, p: string, file: {
    url: string;
    compression: Compression;
    fileHash: NarInfo["narHash"];
    fileSize: number;
}, sk?: SecretKey): NarInfo;
/**
 * Copy the closures of `paths` to `cache`, skipping paths whose narinfo it has. A path's NAR is
 * written before its narinfo, and a narinfo after those of its references, so a reader never
 * finds a narinfo whose NAR or references are missing.
 */
export declare function copyToCache(store: LocalStore, cache: BinaryCache, paths: readonly string[], opts?: CopyToOptions): Promise<CopyResult>;
/** Add `sk`'s signature to each path's recorded info (Nix: `nix store sign`). Returns how many changed. */
export declare function signPaths(store: LocalStore, paths: readonly string[], sk: SecretKey): number;
export interface SubstituteResult {
    /** Paths now valid, with the cache each closure came from. */
    substituted: Map<string, string>;
    /** Paths not substituted, with one reason per cache tried (not in cache, untrusted key, …). */
    failed: Map<string, string[]>;
}
/**
 * Try to make `paths` valid from `caches` (in order), each with its closure. For the builder:
 * what is substituted need not be built; what failed is built, and the reasons say why
 * (`--verbose`). Never throws for a path that a cache lacks or cannot vouch for.
 */
export declare function substitute(store: LocalStore, paths: readonly string[], caches: readonly string[], trustedKeys: readonly PublicKey[], opts?: CopyOptions): Promise<SubstituteResult>;
