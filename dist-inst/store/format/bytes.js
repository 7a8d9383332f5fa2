// Byte helpers. Nix sorts and compares everything as unsigned bytes (C++ std::string order),
// never as JavaScript UTF-16 code units: these helpers are the only comparison cairn uses.
const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: false });
export function utf8(s) {
    return enc.encode(s);
}
export function fromUtf8(b) {
    return dec.decode(b);
}
export function compareBytes(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        const d = a[i] - b[i];
        if (d !== 0)
            return d < 0 ? -1 : 1;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
/**
 * Compare two JS strings by their UTF-8 bytes, without encoding them: UTF-8 byte order is code
 * point order, which differs from UTF-16 code unit order only in that surrogates (U+D800–DFFF,
 * i.e. code points above U+FFFF) must sort after U+E000–FFFF. Shift the units accordingly.
 */
export function compareUtf8(a, b) {
    if (a === b)
        return 0;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        let x = a.charCodeAt(i);
        let y = b.charCodeAt(i);
        if (x === y)
            continue;
        if (x >= 0xd800)
            x = x < 0xe000 ? x + 0x2000 : x - 0x800;
        if (y >= 0xd800)
            y = y < 0xe000 ? y + 0x2000 : y - 0x800;
        return x < y ? -1 : 1;
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}
/** Sort strings by UTF-8 bytes, as Nix's std::set<std::string> does. */
export function sortUtf8(xs) {
    return [...xs].sort(compareUtf8);
}
export function bytesEqual(a, b) {
    return a.length === b.length && compareBytes(a, b) === 0;
}
export function toHex(b) {
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}
//# sourceMappingURL=bytes.js.map