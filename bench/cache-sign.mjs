// ed25519 over Nix fingerprints with node:crypto (what store/format/signature.ts uses): signs and
// verifications per second. @noble/curves was not measured: it is not a dependency, and adding
// one for what OpenSSL in Node already does (with canonical-S checks) was not worth it.
// Run after `npm run build`: node bench/cache-sign.mjs
import { makeSecretKey, signDetached, verifyDetached, toPublicKey } from "../dist/store/format/index.js";

const sk = makeSecretKey("bench-1", new Uint8Array(32).fill(1));
const pk = [toPublicKey(sk)];
const fp = (i) => `1;/nix/store/${String(i).padStart(32, "0")}-x;sha256:0m29vxh7maf5ml5dyq7vy0ah53zah45pvy8yk5y8la4nnla95gfi;160;`;
const N = 20000;
const sigs = [];
let t = performance.now();
for (let i = 0; i < N; i++) sigs.push(signDetached(sk, fp(i)));
const signRate = N / ((performance.now() - t) / 1000);
t = performance.now();
for (let i = 0; i < N; i++) if (!verifyDetached(fp(i), sigs[i], pk)) throw new Error("verify failed");
const verifyRate = N / ((performance.now() - t) / 1000);
console.log(`node ${process.version}: sign ${Math.round(signRate)}/s, verify ${Math.round(verifyRate)}/s (parse + verify of NAME:base64 signatures)`);
