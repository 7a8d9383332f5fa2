// Hashes and their text forms (base16, nix32, base64, SRI), compressHash. Nix: src/libutil/hash.cc.
// Digests come from node:crypto: it is OpenSSL with SHA-NI here (1.7 GB/s), measured ~10x faster
// than @noble/hashes' pure-JS sha256 on bulk data (bench/hash-impl.mjs), and hashing is hot.
import { createHash, hash as cryptoHash, type Hash as NodeHash } from "node:crypto";
import { decodeNix32, encodeNix32, nix32Length } from "./base32.js";
import { CairnError } from "./errors.js";
import { toHex } from "./bytes.js";

export type HashAlgo = "md5" | "sha1" | "sha256" | "sha512";
export type HashFormat = "base16" | "nix32" | "base64" | "sri";

export const HASH_SIZE: Readonly<Record<HashAlgo, number>> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

export interface Hash {
  readonly algo: HashAlgo;
  readonly bytes: Uint8Array;
}

export function isHashAlgo(s: string): s is HashAlgo {
  return s === "md5" || s === "sha1" || s === "sha256" || s === "sha512";
}

export function parseHashAlgo(s: string): HashAlgo {
  if (!isHashAlgo(s)) {
    throw new CairnError("E_BAD_HASH", `unknown hash algorithm '${s}', expected md5, sha1, sha256 or sha512`, {
      input: s,
    });
  }
  return s;
}

export function makeHash(algo: HashAlgo, bytes: Uint8Array): Hash {
  if (bytes.length !== HASH_SIZE[algo]) {
    throw new CairnError("E_BAD_HASH", `${algo} hash must be ${HASH_SIZE[algo]} bytes, got ${bytes.length}`, { algo });
  }
  return { algo, bytes };
}

/** Incremental hasher; the one place cairn creates digests. */
export class Hasher {
  private readonly h: NodeHash;
  constructor(readonly algo: HashAlgo) {
    this.h = createHash(algo);
  }
  update(data: Uint8Array | string): this {
    this.h.update(data);
    return this;
  }
  digest(): Hash {
    return { algo: this.algo, bytes: new Uint8Array(this.h.digest()) };
  }
}

/** The hash of `data` in one call (crypto.hash: no Hash object, which 10k-derivation graphs feel). */
export function hashBytes(algo: HashAlgo, data: Uint8Array | string): Hash {
  return { algo, bytes: new Uint8Array(cryptoHash(algo, data, "buffer")) };
}

export function sha256(data: Uint8Array | string): Uint8Array {
  return hashBytes("sha256", data).bytes;
}

/**
 * sha256 as lower-case hex, or as a binary string (one code unit per byte). Evaluation makes ~6
 * digests per derivation; as strings they cost no ArrayBuffer, which the gc pays for dearly.
 */
export function sha256Hex(data: Uint8Array | string): string {
  return cryptoHash("sha256", data, "hex");
}

export function sha256Binary(data: Uint8Array | string): string {
  return cryptoHash("sha256", data, "binary");
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
function decodeBase64Exact(body: string, n: number, input: string): Uint8Array {
  const expectLen = 4 * Math.ceil(n / 3);
  if (body.length !== expectLen || !B64.test(body)) {
    throw new CairnError("E_BAD_HASH", `invalid base64 hash '${input}'`, { input });
  }
  const bytes = new Uint8Array(Buffer.from(body, "base64"));
  // Re-encoding must give the same text, so one hash has one spelling (no stray bits).
  if (bytes.length !== n || Buffer.from(bytes).toString("base64") !== body) {
    throw new CairnError("E_BAD_HASH", `invalid base64 hash '${input}' (not canonical or wrong length)`, { input });
  }
  return bytes;
}

function decodeBase16(body: string, input: string): Uint8Array {
  if (!/^[0-9a-fA-F]*$/.test(body)) throw new CairnError("E_BAD_HASH", `invalid base16 hash '${input}'`, { input });
  return new Uint8Array(Buffer.from(body, "hex"));
}

/**
 * Parse a hash as Nix's Hash::parseAny does: `ALGO:BODY`, SRI `ALGO-BASE64`, or a bare body with
 * `algo` given by context. A bare body's encoding is chosen by its length. Non-canonical nix32
 * (spare bits set) and base64 are refused.
 */
export function parseHash(s: string, algo?: HashAlgo): Hash {
  let prefix: string | undefined;
  let body = s;
  let sri = false;
  const colon = s.indexOf(":");
  if (colon >= 0) {
    prefix = s.slice(0, colon);
    body = s.slice(colon + 1);
  } else {
    const dash = s.indexOf("-");
    if (dash >= 0) {
      prefix = s.slice(0, dash);
      body = s.slice(dash + 1);
      sri = true;
    }
  }
  let a: HashAlgo;
  if (prefix !== undefined) {
    a = parseHashAlgo(prefix);
    if (algo !== undefined && algo !== a) {
      throw new CairnError("E_BAD_HASH", `hash '${s}' should have type '${algo}'`, { input: s, expected: algo });
    }
  } else if (algo !== undefined) {
    a = algo;
  } else {
    throw new CairnError("E_BAD_HASH", `hash '${s}' does not include a type, nor is the type otherwise known`, {
      input: s,
    });
  }
  const n = HASH_SIZE[a];
  if (sri) return { algo: a, bytes: decodeBase64Exact(body, n, s) };
  if (body.length === 2 * n) return { algo: a, bytes: decodeBase16(body, s) };
  if (body.length === nix32Length(n)) {
    try {
      return { algo: a, bytes: decodeNix32(body, n) };
    } catch (e) {
      throw new CairnError("E_BAD_HASH", `invalid nix32 hash '${s}': ${(e as Error).message}`, { input: s });
    }
  }
  if (body.length === 4 * Math.ceil(n / 3)) return { algo: a, bytes: decodeBase64Exact(body, n, s) };
  throw new CairnError("E_BAD_HASH", `hash '${s}' has wrong length for hash type '${a}'`, { input: s, algo: a });
}

export function printHash(h: Hash, format: HashFormat, withAlgo = false): string {
  switch (format) {
    case "sri":
      return `${h.algo}-${Buffer.from(h.bytes).toString("base64")}`;
    case "base16":
      return (withAlgo ? `${h.algo}:` : "") + toHex(h.bytes);
    case "nix32":
      return (withAlgo ? `${h.algo}:` : "") + encodeNix32(h.bytes);
    case "base64":
      return (withAlgo ? `${h.algo}:` : "") + Buffer.from(h.bytes).toString("base64");
  }
}

export function hashEqual(a: Hash, b: Hash): boolean {
  return a.algo === b.algo && Buffer.compare(a.bytes, b.bytes) === 0;
}

/** XOR-fold a digest (bytes, or a binary string) to `size` bytes (store path hashes use 20). Nix: compressHash. */
export function compressHash(digest: Uint8Array | string, size: number): Uint8Array {
  return compressInto(new Uint8Array(size), digest);
}

function compressInto(out: Uint8Array, digest: Uint8Array | string): Uint8Array {
  const size = out.length;
  if (typeof digest === "string") for (let i = 0; i < digest.length; i++) out[i % size]! ^= digest.charCodeAt(i);
  else for (let i = 0; i < digest.length; i++) out[i % size]! ^= digest[i]!;
  return out;
}

const folded = new Uint8Array(20);

/**
 * The nix32 hash part of a store path from its fingerprint (`TYPE:sha256:INNER:STORE:NAME`, a JS
 * string hashed as UTF-8): sha256, XOR-folded to 20 bytes. Nix: makeStorePath. No allocation but
 * the digest and the result (evaluation computes ~30,000 of them for 10,000 derivations).
 */
export function storePathHashPart(fingerprint: string): string {
  folded.fill(0);
  return encodeNix32(compressInto(folded, cryptoHash("sha256", fingerprint, "binary")));
}
