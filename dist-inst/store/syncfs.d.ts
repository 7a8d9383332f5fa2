export declare function syncFileSystem(dir: string): void;
/** syncFileSystem without blocking the event loop (worker threads keep being fed meanwhile). */
export declare function syncFileSystemAsync(dir: string): Promise<void>;
export declare function fsyncDir(dir: string): void;
/** `fsyncDir` on libuv's thread pool, for callers whose event loop has other work meanwhile. */
export declare function fsyncDirAsync(dir: string): Promise<void>;
