export declare function utf8(s: string): Uint8Array;
export declare function fromUtf8(b: Uint8Array): string;
export declare function compareBytes(a: Uint8Array, b: Uint8Array): number;
/**
 * Compare two JS strings by their UTF-8 bytes, without encoding them: UTF-8 byte order is code
 * point order, which differs from UTF-16 code unit order only in that surrogates (U+D800–DFFF,
 * i.e. code points above U+FFFF) must sort after U+E000–FFFF. Shift the units accordingly.
 */
export declare function compareUtf8(a: string, b: string): number;
/** Sort strings by UTF-8 bytes, as Nix's std::set<std::string> does. */
export declare function sortUtf8(xs: Iterable<string>): string[];
export declare function bytesEqual(a: Uint8Array, b: Uint8Array): boolean;
export declare function toHex(b: Uint8Array): string;
