/** Nix's default is unlimited; a runaway builder should not fill the disk. */
export declare const DEFAULT_LOG_LIMIT: number;
export declare function logPathOf(logDir: string, drvPath: string): string;
/** Collects a build's output: compressed to a temp file, renamed into place at the end. */
export declare class LogWriter {
    private readonly dest;
    private readonly limit;
    private readonly gz;
    private readonly tmp;
    private readonly file;
    private written;
    private truncated;
    private partial;
    /** The last complete non-empty line, for the progress display. */
    lastLine: string;
    /** The last lines (for the failure message). */
    private readonly tail;
    constructor(dest: string, limit?: number);
    write(chunk: Buffer): void;
    lastLines(): string[];
    close(): Promise<void>;
}
/** The stored log of a derivation, or undefined. */
export declare function readLog(logDir: string, drvPath: string): Buffer | undefined;
/** Control characters (except newline and tab) as visible escapes, so a log cannot drive the terminal. */
export declare function escapeControl(text: string): string;
