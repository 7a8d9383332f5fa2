// NAR hashing throughput on one large file, against node's own sha256 over the same bytes.
// Goal (issue 2): cairn's NAR hashing >= 70% of node's sha256 throughput.
// Run after `npm run build`: node bench/nar-throughput.mjs [MiB]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { hashPath } from "../dist/store/nar-fs.js";

const MiB = Number(process.argv[2] ?? 1024);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-narbench-"));
const file = path.join(dir, "big.bin");
const block = Buffer.alloc(1 << 20);
for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
const fd = fs.openSync(file, "w");
for (let i = 0; i < MiB; i++) {
  block.writeUInt32LE(i, 0);
  fs.writeSync(fd, block);
}
fs.closeSync(fd);
const bytes = MiB * (1 << 20);

function median(fn, runs = 5) {
  fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}
const mbs = (ms) => (bytes / (1 << 20) / (ms / 1000)).toFixed(0);

const rawMs = median(() => {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(1 << 20);
  const f = fs.openSync(file, "r");
  let n;
  while ((n = fs.readSync(f, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  fs.closeSync(f);
  h.digest();
});
const narMs = median(() => hashPath(file));
const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../dist/cli/main.js");
const startMs = median(() => execFileSync(process.execPath, [cli, "--version"]));
const cliMs = median(() => execFileSync(process.execPath, [cli, "hash", file]));

console.log(`file: ${MiB} MiB (page cache warm)`);
console.log(`node read + sha256 (floor):      ${rawMs.toFixed(0)} ms  ${mbs(rawMs)} MB/s`);
console.log(`cairn hashPath (NAR, in-process): ${narMs.toFixed(0)} ms  ${mbs(narMs)} MB/s  = ${((rawMs / narMs) * 100).toFixed(0)}% of the floor`);
console.log(`cairn hash CLI (minus ${startMs.toFixed(0)} ms start-up): ${(cliMs - startMs).toFixed(0)} ms  ${mbs(cliMs - startMs)} MB/s  = ${((rawMs / (cliMs - startMs)) * 100).toFixed(0)}% of the floor`);
fs.rmSync(dir, { recursive: true, force: true });
