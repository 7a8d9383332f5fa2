// Binary cache copy, cairn vs Nix 2.8 side by side (issue 7 "Performance"): a closure of
// PATHS store paths holding FILES files and MIB MiB in all, copied to a file:// cache and back
// into an empty store, per compression, both signed. Reproducible: the tree is generated from a
// fixed seed (text-like, compressible about 3:1, like binaries and docs).
// Run after `npm run build`:  node bench/cache-copy.mjs [MIB=200] [FILES=20000] [PATHS=20] [compressions=none,zstd,xz]
// Prints a markdown table and writes it with the raw timings to bench/results/.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(REPO, "dist/cli/main.js");
const MIB = Number(process.argv[2] ?? 200);
const FILES = Number(process.argv[3] ?? 20000);
const PATHS = Number(process.argv[4] ?? 20);
const COMPRESSIONS = (process.argv[5] ?? "none,zstd,xz").split(",");
const NIX = ["--extra-experimental-features", "nix-command", "--option", "substituters", ""];
const nixEnv = { ...process.env, NIX_REMOTE: "" };

const startLoad = os.loadavg()[0].toFixed(1);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cachebench-"));
const time = (cmd, args, env = process.env) => {
  // Start each step with nothing dirty: cairn syncs the store's file system before registering
  // (RELIABILITY §8.2) and would otherwise pay for the previous step's writes, Nix's included.
  spawnSync("sync");
  const t = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 6).join(" ")}… failed: ${r.stderr}`);
  return (performance.now() - t) / 1000;
};
const out = (cmd, args, env) => {
  const r = spawnSync(cmd, args, { env, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return r.stdout.toString().trim();
};

// 1. The trees: PATHS directories of FILES/PATHS files in subdirectories of 50.
const words = Array.from({ length: 4096 }, (_, i) => createHash("sha256").update(`w${i}`).digest("base64").slice(0, 3 + (i % 9)));
// xorshift32: an LCG's low bits repeat every few thousand draws, which made the data 250:1.
let seed = 0x12345678;
const rnd = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>>= 0);
};
const perFile = Math.floor((MIB * 1048576) / FILES);
const trees = [];
for (let p = 0; p < PATHS; p++) {
  const root = path.join(work, "src", `pkg-${p}`);
  for (let f = 0; f < FILES / PATHS; f++) {
    const d = path.join(root, `d${Math.floor(f / 50)}`);
    if (f % 50 === 0) fs.mkdirSync(d, { recursive: true });
    const parts = [];
    let n = 0;
    while (n < perFile) {
      // Mostly words (compressible), some raw bytes (like code sections).
      const s = rnd() % 8 === 0 ? createHash("md5").update(String(rnd())).digest("latin1") : words[rnd() % words.length] + " ";
      parts.push(s);
      n += s.length;
    }
    fs.writeFileSync(path.join(d, `f${f}`), Buffer.from(parts.join(""), "latin1").subarray(0, perFile));
  }
  trees.push(root);
}

// 2. The same paths in a cairn store and a Nix store (logical /nix/store for both).
const cairnEnv = (root) => ({ ...process.env, CAIRN_ROOT: root, CAIRN_STORE_DIR: "/nix/store" });
const cSrc = path.join(work, "cairn-src");
const cPaths = trees.map((t) => out(process.execPath, [CLI, "add", t], cairnEnv(cSrc)));
const nSrc = path.join(work, "nix-src");
const nPaths = trees.map((t) => out("nix-store", ["--store", `local?root=${nSrc}`, "--option", "substituters", "", "--add", t], nixEnv));
if (cPaths.join() !== nPaths.join()) throw new Error("cairn and Nix disagree on the store paths");
out(process.execPath, [CLI, "key", "generate", "bench-1", "--secret-key-file", path.join(work, "c.sec"), "--public-key-file", path.join(work, "c.pub")], process.env);
out("nix-store", ["--generate-binary-cache-key", "bench-1", path.join(work, "n.sec"), path.join(work, "n.pub")], nixEnv);
const cPub = fs.readFileSync(path.join(work, "c.pub"), "utf8");
const nPub = fs.readFileSync(path.join(work, "n.pub"), "utf8");
const narMiB = cPaths.length && JSON.parse(out(process.execPath, [CLI, "path-info", "--json", ...cPaths], cairnEnv(cSrc))).reduce((n, i) => n + i.narSize, 0) / 1048576;

// For reference: the store's own cost of writing the same content (`cairn add` of the trees,
// `nix-store --add`), which any import pays; copy --from adds reading the cache to it.
const addRef = {
  cairn: time(process.execPath, [CLI, "add", ...trees], cairnEnv(path.join(work, "cairn-addref"))),
  nix: time("nix-store", ["--store", `local?root=${path.join(work, "nix-addref")}`, "--option", "substituters", "", "--add", ...trees], nixEnv),
};

// 3. Copy out and back, per compression.
const rows = [];
for (const c of COMPRESSIONS) {
  const cc = path.join(work, `cairn-cache-${c}`);
  const nc = path.join(work, `nix-cache-${c}`);
  const r = { compression: c };
  r.cairnTo = time(process.execPath, [CLI, "copy", "--to", `file://${cc}`, "--compression", c, "--secret-key-file", path.join(work, "c.sec"), ...cPaths], cairnEnv(cSrc));
  r.nixTo = time("nix", [...NIX, "copy", "--store", `local?root=${nSrc}`, "--to", `file://${nc}?compression=${c}&secret-key=${path.join(work, "n.sec")}`, ...nPaths], nixEnv);
  r.cairnFrom = time(process.execPath, [CLI, "copy", "--from", `file://${cc}`, "--trusted-public-keys", cPub, ...cPaths], cairnEnv(path.join(work, `cairn-dst-${c}`)));
  r.nixFrom = time("nix", [...NIX, "--option", "trusted-public-keys", nPub, "copy", "--from", `file://${nc}`, "--store", `local?root=${path.join(work, `nix-dst-${c}`)}`, ...nPaths], nixEnv);
  const size = (d) => fs.readdirSync(path.join(d, "nar")).reduce((n, f) => n + fs.statSync(path.join(d, "nar", f)).size, 0) / 1048576;
  r.cairnMiB = size(cc);
  r.nixMiB = size(nc);
  rows.push(r);
  console.error(JSON.stringify(r));
}

const f = (x) => x.toFixed(1);
// The machine is shared: the load average says how much to trust a run.
let table = `Closure: ${PATHS} paths, ${FILES} files, NAR ${f(narMiB)} MiB; ${os.cpus().length} cores; ${out("nix-store", ["--version"], nixEnv)}; node ${process.version}; load average at start ${startLoad}, at end ${os.loadavg()[0].toFixed(1)}\n\n`;
table += "| compression | to cache: cairn s | nix s | from cache: cairn s | nix s | cache MiB: cairn | nix |\n|---|---|---|---|---|---|---|\n";
for (const r of rows) table += `| ${r.compression} | ${f(r.cairnTo)} | ${f(r.nixTo)} | ${f(r.cairnFrom)} | ${f(r.nixFrom)} | ${f(r.cairnMiB)} | ${f(r.nixMiB)} |\n`;
table += `| (reference) add the same trees | | | ${f(addRef.cairn)} | ${f(addRef.nix)} | | |\n`;
console.log(table);
const stamp = new Date().toISOString().replace(/[:.]/g, "").slice(0, 17);
fs.mkdirSync(path.join(REPO, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(REPO, "bench", "results", `${stamp}-cache-copy.md`), table + "\n```json\n" + JSON.stringify(rows, null, 2) + "\n```\n");
spawnSync("chmod", ["-R", "u+w", work]);
fs.rmSync(work, { recursive: true, force: true });
