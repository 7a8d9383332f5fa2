export interface TransportOptions {
    /** Attempts per request, the first included (transient failures only). Default 5. */
    attempts?: number;
    /** First backoff delay in ms, doubled per retry (with jitter). Default 200. */
    backoffMs?: number;
    /** A request that receives nothing for this long is aborted and retried. Default 300 s (Nix's stalled-download-timeout). */
    stallMs?: number;
    /** Called before a retry, for progress/verbose output. */
    onRetry?: (what: string, attempt: number, why: string) => void;
}
export interface CacheTransport {
    readonly url: string;
    /** A small file (narinfo, nix-cache-info), or undefined when the cache has none. */
    getText(rel: string): Promise<string | undefined>;
    exists(rel: string): Promise<boolean>;
    /**
     * Copy `rel` into the new file `dest`, passing each chunk to `onChunk` (hashing, progress);
     * `onRestart` is called when a retry starts the transfer over.
     */
    download(rel: string, dest: string, onChunk: (c: Uint8Array) => void, onRestart?: () => void): Promise<void>;
    /** file:// only: where `rel` lies on disk, to be read in place. */
    localPath?(rel: string): string;
    /**
     * Store the file `src` (or bytes) at `rel`, replacing it atomically where the backend can.
     * With `move`, the caller gives `src.file` up: a file:// cache renames it into place when it
     * is on the same file system (no second copy of a big NAR).
     */
    upload(rel: string, src: {
        file: string;
        move?: boolean;
    } | {
        bytes: Uint8Array;
    }, contentType: string): Promise<void>;
}
export declare function openTransport(url: string, opts?: TransportOptions): CacheTransport;
