export interface FetchProgress {
    (received: number, total: number | undefined): void;
}
export interface FetchOptions {
    signal?: AbortSignal;
    progress?: FetchProgress;
    /** Attempts for transient failures (connection errors, 5xx, 429). */
    attempts?: number;
}
/** Download `url` (with retries on transient errors) to `dest`, as a file or an unpacked NAR. */
export declare function builtinFetchurl(env: ReadonlyMap<string, string>, dest: string, opts?: FetchOptions): Promise<void>;
