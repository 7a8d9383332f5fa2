export declare class ReferenceScanner {
    private readonly pending;
    private readonly seen;
    private tail;
    constructor(hashParts: Iterable<string>);
    private search;
    update(chunk: Uint8Array): this;
    /** The hash parts found so far. */
    found(): Set<string>;
}
export declare function scanForReferences(data: Uint8Array, hashParts: Iterable<string>): Set<string>;
