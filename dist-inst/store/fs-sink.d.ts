import { type NarEvents } from "./format/index.js";
export interface FsSinkOptions {
    /** Store objects: read-only modes and mtime 1. Otherwise Nix's restore modes (0666/0777 - umask). */
    canonical: boolean;
    /** fsync every file and directory as it is finished (else the caller syncs the file system). */
    fsyncEach: boolean;
    /** Called once per file, symlink or directory written (crash points, progress). */
    onEntry?: () => void;
}
export declare class FsSink implements NarEvents {
    private readonly opts;
    private readonly root;
    private fd;
    private fdPath;
    private executable;
    /** Number of files, directories and symlinks written. */
    entries: number;
    bytes: number;
    constructor(root: string | Buffer, opts: FsSinkOptions);
    private at;
    directory(path: readonly Uint8Array[]): void;
    directoryRel(rel: Buffer): void;
    private directoryAt;
    regular(path: readonly Uint8Array[], executable: boolean): void;
    regularRel(rel: Buffer, executable: boolean): void;
    private regularAt;
    contents(chunk: Uint8Array): void;
    endRegular(): void;
    symlink(path: readonly Uint8Array[], target: Uint8Array): void;
    symlinkRel(rel: Buffer, target: Buffer): void;
    private symlinkAt;
    endDirectory(path: readonly Uint8Array[]): void;
    endDirectoryRel(rel: Buffer): void;
    private endDirectoryAt;
    /** TreeSink (store/fs-writer.ts): everything is written as the events come. */
    done(): Promise<void>;
    /** TreeSink: give the tree up after an error. */
    cancel(): Promise<void>;
    /** Close a half-written file after an error. */
    abandon(): void;
}
