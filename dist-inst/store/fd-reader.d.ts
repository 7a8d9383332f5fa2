export declare class FdReader {
    private readonly fd;
    private readonly onConsumed?;
    private buf;
    private start;
    private end;
    private eof;
    /** Start of the bytes consumed but not yet passed to `onConsumed`. */
    private passed;
    /**
     * `onConsumed` sees every byte that read() returns, in order, in big runs (as the buffer is
     * refilled, and at flushConsumed()): hashing a NAR a token at a time cost ~300,000 hash
     * calls for 20,000 files, more than the hashing itself.
     */
    constructor(fd: number, onConsumed?: ((bytes: Uint8Array) => void) | undefined);
    /** Pass the bytes consumed so far to `onConsumed`. */
    flushConsumed(): void;
    private fill;
    /** Up to `n` bytes; fewer only at end of input. The result is valid until the next call. */
    read(n: number): Uint8Array;
    /** True when no byte is left. */
    atEnd(): boolean;
}
