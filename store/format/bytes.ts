// Byte helpers. Nix sorts and compares everything as unsigned bytes (C++ std::string order),
// never as JavaScript UTF-16 code units: these helpers are the only comparison cairn uses.

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: false });

export function utf8(s: string): Uint8Array {
  return enc.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return dec.decode(b);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const HIGH = /[\ud800-\uffff]/;

/**
 * Compare two JS strings by their UTF-8 bytes, without encoding them: UTF-8 byte order is code
 * point order, which differs from UTF-16 code unit order only in that surrogates (U+D800–DFFF,
 * i.e. code points above U+FFFF) must sort after U+E000–FFFF. Shift the units accordingly.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  // Without surrogates or code units above them, UTF-16 order is UTF-8 order, and the native
  // comparison is several times faster than the loop (store paths share a long prefix).
  if (!HIGH.test(a) && !HIGH.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800) x = x < 0xe000 ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Sort strings by UTF-8 bytes, as Nix's std::set<std::string> does. */
export function sortUtf8(xs: Iterable<string>): string[] {
  return [...xs].sort(compareUtf8);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}
