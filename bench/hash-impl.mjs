// Which SHA-256 should cairn use? node:crypto (OpenSSL, SHA-NI) versus @noble/hashes (pure JS),
// over big buffers and over many small ones (the shape of NAR tokens). Run: node bench/hash-impl.mjs
import { createHash } from "node:crypto";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

const MB = 1 << 20;
const big = new Uint8Array(256 * MB).map((_, i) => (i * 2654435761) >>> 24);
const small = Array.from({ length: 20000 }, (_, i) => big.subarray(i * 64, i * 64 + 64));

function time(label, bytes, fn) {
  fn(); // warm up
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  const ms = runs.sort((a, b) => a - b)[1];
  console.log(`${label.padEnd(38)} ${ms.toFixed(1).padStart(8)} ms  ${((bytes / MB / ms) * 1000).toFixed(0).padStart(6)} MB/s`);
  return ms;
}

const a = time("node:crypto, 256 MiB in 1 MiB updates", big.length, () => {
  const h = createHash("sha256");
  for (let o = 0; o < big.length; o += MB) h.update(big.subarray(o, o + MB));
  h.digest();
});
const b = time("@noble/hashes, 256 MiB in 1 MiB updates", big.length, () => {
  const h = nobleSha256.create();
  for (let o = 0; o < big.length; o += MB) h.update(big.subarray(o, o + MB));
  h.digest();
});
time("node:crypto, 20k x 64 B digests", 20000 * 64, () => {
  for (const s of small) createHash("sha256").update(s).digest();
});
time("@noble/hashes, 20k x 64 B digests", 20000 * 64, () => {
  for (const s of small) nobleSha256(s);
});
console.log(`node:crypto is ${(b / a).toFixed(1)}x faster on bulk data`);
