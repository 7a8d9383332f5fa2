// Nix's base32 ("nix32"): its own alphabet and bit order. Nix: src/libutil/hash.cc (printHash32).
import { CairnError } from "./errors.js";
export const NIX32_ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
const ALPHABET_CODES = Array.from(NIX32_ALPHABET, (c) => c.charCodeAt(0));
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < NIX32_ALPHABET.length; i++)
    DIGIT[NIX32_ALPHABET.charCodeAt(i)] = i;
/** Number of nix32 characters for `n` bytes. */
export function nix32Length(n) {
    return n === 0 ? 0 : Math.floor((8 * n - 1) / 5) + 1;
}
export function isNix32Char(code) {
    return code < 128 && DIGIT[code] >= 0;
}
const codes = [];
export function encodeNix32(bytes) {
    const n = bytes.length;
    const len = nix32Length(n);
    // One flat string, not a chain of 32 concatenations: hash parts are kept by the thousand. The
    // code array is reused (this runs several times per derivation).
    codes.length = len;
    for (let k = len - 1, o = 0; k >= 0; k--, o++) {
        const b = 5 * k;
        const i = b >> 3;
        const j = b & 7;
        let v = bytes[i] >> j;
        if (i + 1 < n)
            v |= bytes[i + 1] << (8 - j);
        codes[o] = ALPHABET_CODES[v & 31];
    }
    return String.fromCharCode.apply(null, codes);
}
/** Decode `s` to exactly `n` bytes; rejects wrong lengths, foreign characters and non-zero spare bits. */
export function decodeNix32(s, n) {
    const L = nix32Length(n);
    if (s.length !== L) {
        throw new CairnError("E_BAD_BASE32", `nix32 string '${s}' has length ${s.length}, expected ${L}`, { input: s });
    }
    const out = new Uint8Array(n);
    for (let k = 0; k < L; k++) {
        const c = s.charCodeAt(L - 1 - k);
        const d = c < 128 ? DIGIT[c] : -1;
        if (d < 0) {
            throw new CairnError("E_BAD_BASE32", `invalid character '${s[L - 1 - k]}' in nix32 string '${s}'`, {
                input: s,
                offset: L - 1 - k,
            });
        }
        const b = 5 * k;
        const i = b >> 3;
        const j = b & 7;
        out[i] |= (d << j) & 0xff;
        if (i + 1 < n)
            out[i + 1] |= d >> (8 - j);
        else if (d >> (8 - j) !== 0) {
            throw new CairnError("E_BAD_BASE32", `nix32 string '${s}' has non-zero bits beyond the hash`, { input: s });
        }
    }
    return out;
}
//# sourceMappingURL=base32.js.map