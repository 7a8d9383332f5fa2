// Wall time of `cairn system switch` (issue 8): a new generation whose kernel is unchanged (only the
// entry is written; the kernel file on the ESP is shared) against one whose kernel changed (an
// 8 MiB kernel copied to the ESP and fsynced), each as a fresh CLI process, as a user runs it.
// Toplevels are store paths made with `cairn add` (kernel, initrd, kernel-params, init), so the
// figures are cairn's own work, not builds; with examples/system/kernel.json present it also times
// switching between the example recipes (evaluation + an up-to-date build + switch).
// Run after `npm run build`: node bench/system-switch.mjs [runs] [kernel MiB]
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(repo, "dist/cli/main.js");
const runs = Number(process.argv[2] ?? 10);
const kernelMiB = Number(process.argv[3] ?? 8);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-bench-system-"));
const env = { ...process.env, CAIRN_ROOT: path.join(work, "root"), XDG_CACHE_HOME: path.join(work, "cache") };
const esp = path.join(work, "esp");
fs.mkdirSync(esp);

function cairn(...args) {
  const t = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: "utf8" });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`cairn ${args.join(" ")}: ${r.stderr}`);
  return { ms, out: r.stdout, err: r.stderr };
}

const initrd = randomBytes(1 << 20);
/** A toplevel in the store: kernel (given bytes), a shared initrd, params, init inside it. */
function toplevel(name, kernel, params) {
  const d = path.join(work, "trees", name);
  fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(d, "kernel"), kernel);
  fs.writeFileSync(path.join(d, "initrd"), initrd);
  fs.writeFileSync(path.join(d, "kernel-params"), `${params}\n`);
  fs.writeFileSync(path.join(d, "init"), "#!/bin/sh\n", { mode: 0o755 });
  return cairn("add", d, "--name", name).out.trim();
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `median ${s[Math.floor(s.length / 2)].toFixed(0)} ms, mean ${mean.toFixed(0)} ms, min ${s[0].toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms (n=${s.length})`;
};

const kernelA = randomBytes(kernelMiB << 20);
const unchanged = [];
const changed = [];
// Alternate so that both series see a profile of the same size: an unchanged-kernel switch, then
// a changed-kernel one (a kernel no generation had before), and so on.
const first = toplevel("sys-0", kernelA, "console=ttyS0");
cairn("system", "switch", first, "--esp", esp);
for (let i = 1; i <= runs; i++) {
  const same = toplevel(`sys-same-${i}`, kernelA, `console=ttyS0 run=${i}`);
  const r1 = cairn("system", "switch", same, "--esp", esp);
  if (/kernel changed/.test(r1.err)) throw new Error("expected an unchanged kernel");
  unchanged.push(r1.ms);
  const other = toplevel(`sys-new-${i}`, randomBytes(kernelMiB << 20), `console=ttyS0 run=${i}`);
  const r2 = cairn("system", "switch", other, "--esp", esp);
  if (!/reboot required: kernel changed/.test(r2.err)) throw new Error("expected a changed kernel");
  changed.push(r2.ms);
  // Back to kernel A for the next unchanged-kernel switch.
  cairn("system", "switch", first, "--esp", esp);
}
const gens = JSON.parse(cairn("system", "list", "--json").out).generations.length;
console.log(`node ${process.version}, ${os.cpus().length} cores, ESP = a directory on ${work} (not FAT), kernel ${kernelMiB} MiB, initrd 1 MiB`);
console.log(`switch, kernel unchanged: ${stats(unchanged)}`);
console.log(`switch, kernel changed:   ${stats(changed)}`);
console.log(`(the profile grew to ${gens} generations, all with entries on the ESP)`);

const pin = path.join(repo, "examples/system/kernel.json");
if (fs.existsSync(pin) && fs.existsSync(path.join(repo, "examples/bootstrap/busybox.nar"))) {
  const recipe = path.join(repo, "examples/system/system.ts");
  const esp2 = path.join(work, "esp2");
  fs.mkdirSync(esp2);
  cairn("system", "switch", recipe, "-A", "good", "--esp", esp2); // builds everything once
  const rec = [];
  for (let i = 0; i < runs; i++) rec.push(cairn("system", "switch", recipe, "-A", i % 2 === 0 ? "good2" : "good", "--esp", esp2).ms);
  console.log(`switch FILE.ts -A good|good2 (evaluate, nothing to build, kernel unchanged): ${stats(rec)}`);
}
spawnSync("chmod", ["-R", "u+w", work]);
fs.rmSync(work, { recursive: true, force: true });
