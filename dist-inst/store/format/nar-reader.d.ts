/** Receives the tree as it is parsed. Paths are entry names from the root (empty = the root). */
export interface NarEvents {
    directory(path: readonly Uint8Array[]): void;
    regular(path: readonly Uint8Array[], executable: boolean, size: number): void;
    /** A chunk of the current regular file; valid only during the call. */
    contents(chunk: Uint8Array): void;
    endRegular(): void;
    symlink(path: readonly Uint8Array[], target: Uint8Array): void;
    /** After a directory's last entry. */
    endDirectory?(path: readonly Uint8Array[]): void;
}
/** Feed a parser from an in-memory NAR; trailing bytes are an error. */
export declare function parseNarBuffer(nar: Uint8Array, events: NarEvents): void;
/** Events that do nothing: validate a NAR without materialising it. */
export declare const discardEvents: NarEvents;
/**
 * Drive a parser from a pull source: `read(n)` returns up to `n` bytes (fewer only at the end).
 * `onBytes` sees every byte consumed (to hash the NAR as it is read). Returns the NAR's size.
 */
export declare function parseNarFrom(read: (n: number) => Uint8Array, events: NarEvents, onBytes?: (chunk: Uint8Array) => void): number;
/**
 * Drive a parser by pushing chunks of any size as they arrive (a decompressor's output stream).
 * Requests the chunks satisfy whole are passed through without a copy; others are assembled in
 * one reused buffer (the parser copies whatever it keeps). Bytes after the NAR's end are an
 * error, as is an input that ends before it.
 */
export declare class NarPushParser {
    /** Sees each pushed chunk once it has been consumed whole (not what an error stopped in). */
    private readonly onBytes?;
    private readonly parser;
    private want;
    private staged;
    private have;
    private finished;
    /** Bytes of NAR consumed so far. */
    size: number;
    constructor(events: NarEvents, 
    /** Sees each pushed chunk once it has been consumed whole (not what an error stopped in). */
    onBytes?: ((chunk: Uint8Array) => void) | undefined);
    /** Whether the NAR's last byte has been consumed. */
    get done(): boolean;
    private step;
    push(input: Uint8Array): void;
    /** The input ended: the NAR must be complete. Returns its size. */
    end(): number;
}
