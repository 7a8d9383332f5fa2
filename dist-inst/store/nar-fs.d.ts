import { type Hash, type HashAlgo, type ByteSink } from "./format/index.js";
/** NAR hash of `p` (or, with `flat`, the hash of a regular file's bytes). Nix: nix-hash. */
export declare function hashPath(p: string, opts?: {
    flat?: boolean;
    algo?: HashAlgo;
}): {
    hash: Hash;
    narSize?: number;
};
export declare function dumpPath(p: string, sink: ByteSink): number;
/**
 * Unpack a NAR into `dest`, which must not exist (Nix: "File exists"). The tree is built under a
 * temporary sibling name and renamed into place, so `dest` is either complete or absent.
 */
export declare function restorePath(dest: string, read: (n: number) => Uint8Array, atEnd: () => boolean, crash?: (point: string) => void): {
    entries: number;
    narSize: number;
};
