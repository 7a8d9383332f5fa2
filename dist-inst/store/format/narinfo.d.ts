import { type Hash } from "./hash.js";
export interface NarInfo {
    /** Full store path. */
    storePath: string;
    /** Relative to the cache root, e.g. `nar/<nix32>.nar.xz`. */
    url: string;
    compression: string;
    fileHash?: Hash;
    fileSize?: number;
    narHash: Hash;
    narSize: number;
    /** Full store paths, sorted. */
    references: string[];
    /** Full store path of the .drv. */
    deriver?: string;
    system?: string;
    sigs: string[];
    ca?: string;
}
/**
 * A relative URL inside the cache: components of safe characters, none empty, none starting
 * with '.', so a narinfo cannot point outside the cache (`../../etc/shadow`, `/abs`,
 * `http://elsewhere/`).
 */
export declare function checkNarUrl(url: string, where?: string): string;
/** Parse `.narinfo` text. `where` names it in errors (e.g. the URL it came from). */
export declare function parseNarInfo(storeDir: string, text: string, where?: string): NarInfo;
/** NarInfo::to_string: the field order and spelling Nix writes (References always present). */
export declare function printNarInfo(info: NarInfo): string;
/** What a signature on this narinfo covers. */
export declare function narInfoFingerprint(info: Pick<NarInfo, "storePath" | "narHash" | "narSize" | "references">): string;
/** `<hash part>.narinfo`, where a cache keeps the narinfo of `storePath`. */
export declare function narInfoFileFor(storeDir: string, storePath: string): string;
export interface CacheInfo {
    storeDir: string;
    wantMassQuery?: boolean;
    priority?: number;
}
export declare function parseCacheInfo(text: string, where?: string): CacheInfo;
/** What Nix 2.8's `nix copy --to file://` writes. */
export declare function printCacheInfo(info: CacheInfo): string;
