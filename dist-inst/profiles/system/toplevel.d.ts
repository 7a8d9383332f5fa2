import type { Layout } from "../../store/layout.js";
export interface Toplevel {
    /** The toplevel's store path (logical). */
    storePath: string;
    /** Physical paths of the kernel image and the initrd (symlinks inside the store followed). */
    kernel: string;
    initrd: string;
    kernelParams: string;
    /** The init program as the booted system sees it: a logical store path. */
    init: string;
    label?: string;
    kernelVersion?: string;
}
/** Read and check a toplevel; every problem names the toplevel and the file. */
export declare function readToplevel(layout: Layout, storePath: string): Toplevel;
/** The store path an absolute path inside the store belongs to. */
export declare function storePathOf(layout: Layout, logical: string): string;
export interface FileDigest {
    /** nix32 of the sha256 of the content, first 32 characters (160 bits, as store path hashes). */
    hash: string;
    size: number;
}
/**
 * Content hashes of files in the store, remembered in `cacheFile` (ROOT/var/cairn/system/
 * digests.json) across runs: every switch names the kernels and initrds of all live generations,
 * and hashing each again would cost ~25 ms per 8 MiB kernel per generation. A file is trusted to
 * be the one hashed while its device, inode, size and ctime are the same (store files are never
 * changed in place). Callers hold the system profile's lock, so one writer at a time.
 */
export declare class FileHasher {
    private readonly cacheFile?;
    private readonly memo;
    private dirty;
    constructor(cacheFile?: string | undefined);
    digest(physical: string): FileDigest;
    /** Write the cache back, keeping only files that still exist. */
    save(): void;
}
