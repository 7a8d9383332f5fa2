export declare const KEEP_MS: number;
/** Mark `file` used now (best effort). */
export declare function touch(file: string): void;
/** Remove the files under `dir`'s subdirectories not used for `keepMs`. */
export declare function prune(dir: string, keepMs?: number): void;
