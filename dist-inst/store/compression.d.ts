import { CairnError } from "./format/index.js";
export type Compression = "none" | "xz" | "zstd";
export declare const COMPRESSIONS: readonly Compression[];
/** The NAR file's suffix in a cache, as Nix names it. */
export declare function narExtension(c: Compression): string;
/** Compression names cairn reads; Nix's others (bzip2, br, lz4, lzip, gzip) are refused by name. */
export declare function checkCompression(name: string, where?: string): Compression;
/** The error for decompressed output beyond what the (signed) NarSize allows: a bomb or a lie. */
export declare function outputTooLarge(c: Compression, maxBytes: number): CairnError;
/** Compress file `src` into the new file `dest` (mode 0600) in a child process. */
export declare function compressFile(src: string, dest: string, c: Exclude<Compression, "none">): Promise<void>;
/**
 * Decompress the open file `fd` in a child process; `onChunk` gets the output as it arrives and
 * may throw to stop (the child is killed). Output beyond `maxBytes` is refused.
 */
export declare function decompressStream(fd: number, c: Exclude<Compression, "none">, maxBytes: number, onChunk: (b: Uint8Array) => void): Promise<void>;
