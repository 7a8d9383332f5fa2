/** This process's temp roots file: created on the first root, append-only, removed at close. */
export declare class TempRootsFile {
    private readonly dir;
    private fd;
    private file;
    constructor(dir: string);
    /** Append `paths` (complete lines, in one write where the kernel allows). */
    append(paths: readonly string[]): void;
    private open;
    /** Close the file; with `unlink`, remove it too (the roots end; otherwise a gc sweeps them later). */
    close(unlink: boolean): void;
    get created(): boolean;
}
/**
 * Every temp root under `dir`, by owner tag. Only complete lines count: a line still being
 * written belongs to an owner that has not passed the gate yet, whose validity check therefore
 * comes after the reader's transaction.
 */
export declare function readTempRoots(dir: string): Map<string, string[]>;
/** Every path temp-rooted under `dir` (any owner). */
export declare function tempRootedPaths(dir: string): Set<string>;
/** Remove the files of dead owners (pid gone, or reused with another start time); how many. */
export declare function removeDeadTempRoots(dir: string): number;
