// Ed25519 keys and signatures in Nix's text forms (`NAME:base64`) over Nix's path fingerprint.
// Nix: src/libutil/signature/local-keys.cc (crypto.cc in 2.8), ValidPathInfo::fingerprint/sign.
// node:crypto (OpenSSL), as for hashing: no new dependency and non-canonical S rejected
// (RELIABILITY §1.8); thousands of verifications per second (bench/cache-sign.mjs), far below
// the cost of fetching a narinfo.
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from "node:crypto";
import { CairnError } from "./errors.js";
import { printHash } from "./hash.js";
import { compareUtf8, utf8 } from "./bytes.js";
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
const KEY_NAME = /^[^\s:]+$/;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Strict base64 of exactly `n` bytes: one spelling per value (no stray bits, no whitespace). */
function decodeB64(body, n, what, input) {
    if (!B64.test(body) || body.length !== 4 * Math.ceil(n / 3)) {
        throw new CairnError("E_BAD_SIGNATURE", `${what} '${clip(input)}' is not base64 of ${n} bytes`, { input: clip(input), what });
    }
    const b = Buffer.from(body, "base64");
    if (b.length !== n || b.toString("base64") !== body) {
        throw new CairnError("E_BAD_SIGNATURE", `${what} '${clip(input)}' is not base64 of ${n} bytes`, { input: clip(input), what });
    }
    return new Uint8Array(b);
}
const clip = (s) => (s.length > 120 ? s.slice(0, 117) + "..." : s);
/** Split `NAME:BODY`; the name is what Nix looks keys up by. */
function splitNamed(s, what) {
    const colon = s.indexOf(":");
    if (colon <= 0) {
        throw new CairnError("E_BAD_SIGNATURE", `${what} '${clip(s)}' is not of the form NAME:BASE64`, { input: clip(s), what });
    }
    const name = s.slice(0, colon);
    if (!KEY_NAME.test(name))
        throw new CairnError("E_BAD_SIGNATURE", `${what} has an invalid key name '${clip(name)}'`, { input: clip(s), what });
    return [name, s.slice(colon + 1)];
}
export function parsePublicKey(s) {
    const [name, body] = splitNamed(s.trim(), "public key");
    return { name, key: decodeB64(body, 32, "public key", s) };
}
export function parseSecretKey(s) {
    const [name, body] = splitNamed(s.trim(), "secret key");
    const key = decodeB64(body, 64, "secret key", name + ":…");
    // The second half must be the public key of the seed, or signatures verify under no key.
    const derived = publicKeyBytes(key.subarray(0, 32));
    if (Buffer.compare(derived, key.subarray(32)) !== 0) {
        throw new CairnError("E_BAD_SIGNATURE", `secret key '${name}' is inconsistent: its public half does not match its seed`, { name });
    }
    return { name, key };
}
export const printPublicKey = (k) => `${k.name}:${Buffer.from(k.key).toString("base64")}`;
export const printSecretKey = (k) => `${k.name}:${Buffer.from(k.key).toString("base64")}`;
/** Parsing the DER costs more than signing or verifying: one KeyObject per key, made once. */
function memoKey(make, prefix) {
    const cache = new Map();
    return (raw) => {
        const id = Buffer.from(raw).toString("base64");
        let k = cache.get(id);
        if (k === undefined)
            cache.set(id, (k = make(Buffer.concat([prefix, raw]))));
        return k;
    };
}
const privateKeyObject = memoKey((der) => createPrivateKey({ key: der, format: "der", type: "pkcs8" }), PKCS8_PREFIX);
const publicKeyObject = memoKey((der) => createPublicKey({ key: der, format: "der", type: "spki" }), SPKI_PREFIX);
function publicKeyBytes(seed) {
    const der = createPublicKey(privateKeyObject(seed)).export({ format: "der", type: "spki" });
    return new Uint8Array(der.subarray(der.length - 32));
}
/** A key pair from a 32-byte seed; the caller supplies the randomness (so tests are reproducible). */
export function makeSecretKey(name, seed) {
    if (!KEY_NAME.test(name))
        throw new CairnError("E_USAGE", `invalid key name '${name}': it may not be empty or contain ':' or spaces`, { name });
    if (seed.length !== 32)
        throw new CairnError("E_USAGE", `an ed25519 seed is 32 bytes, got ${seed.length}`);
    const key = new Uint8Array(64);
    key.set(seed, 0);
    key.set(publicKeyBytes(seed), 32);
    return { name, key };
}
export function toPublicKey(sk) {
    return { name: sk.name, key: sk.key.slice(32) };
}
/** Nix's ValidPathInfo::fingerprint: `1;PATH;sha256:NIX32;SIZE;REF,REF`. References are full paths. */
export function fingerprintPath(path, narHash, narSize, references) {
    if (narHash.algo !== "sha256")
        throw new CairnError("E_BAD_HASH", `a fingerprint needs a sha256 NAR hash, got ${narHash.algo}`, { path });
    return `1;${path};${printHash(narHash, "nix32", true)};${narSize};${[...references].sort(compareUtf8).join(",")}`;
}
/** `NAME:base64(sig)` over the fingerprint's bytes. */
export function signDetached(sk, data) {
    const sig = cryptoSign(null, utf8(data), privateKeyObject(sk.key.subarray(0, 32)));
    return `${sk.name}:${sig.toString("base64")}`;
}
export function parseSignature(s) {
    const [name, body] = splitNamed(s, "signature");
    return { name, sig: decodeB64(body, 64, "signature", s) };
}
/**
 * Whether `sig` is a valid signature of `data` by a key in `trusted`. A key is trusted by its
 * name and bytes together: a signature naming a trusted key but made by other bytes fails.
 * Malformed signatures count as not valid (they are never by a trusted key).
 */
export function verifyDetached(data, sig, trusted) {
    let p;
    try {
        p = parseSignature(sig);
    }
    catch {
        return false;
    }
    const bytes = utf8(data);
    for (const k of trusted) {
        if (k.name !== p.name)
            continue;
        if (cryptoVerify(null, bytes, publicKeyObject(k.key), p.sig))
            return true;
    }
    return false;
}
/** `CAIRN_TRUSTED_PUBLIC_KEYS` / `--trusted-public-keys`: whitespace-separated `NAME:base64`. */
export function parsePublicKeys(list) {
    const items = typeof list === "string" ? [list] : list;
    return items.flatMap((s) => s.split(/\s+/)).filter((s) => s !== "").map(parsePublicKey);
}
//# sourceMappingURL=signature.js.map