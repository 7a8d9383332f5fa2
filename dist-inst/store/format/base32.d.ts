export declare const NIX32_ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
/** Number of nix32 characters for `n` bytes. */
export declare function nix32Length(n: number): number;
export declare function isNix32Char(code: number): boolean;
export declare function encodeNix32(bytes: Uint8Array): string;
/** Decode `s` to exactly `n` bytes; rejects wrong lengths, foreign characters and non-zero spare bits. */
export declare function decodeNix32(s: string, n: number): Uint8Array;
