// Binary cache copy, cairn vs Nix 2.8 side by side (issue 7 "Performance"): a closure of
// PATHS store paths holding FILES files and MIB MiB in all, copied to a file:// cache and back
// into an empty store, per compression, both signed. Reproducible: the tree is generated from a
// fixed seed (text-like, compressible about 2:1, like binaries and docs). Every measurement is
// taken RUNS times, cairn and Nix interleaved (cairn first in odd runs, Nix first in even ones),
// so that load from others sharing the machine hits both; the table has the medians and the
// median of the per-run cairn/nix ratios. Nothing is deleted until the end (this disk's ext4
// creates files slowly for a while after mass deletion), and each step starts after `sync`.
//
// Run after `npm run build`:
//   node bench/cache-copy.mjs [MIB=200] [FILES=20000] [PATHS=20] [compressions=none,zstd,xz] [RUNS=3]
// env KEEP=DIR keeps the generated trees, stores and caches in DIR (reused by the next run, which
// adds runs beside the old ones); without it everything is deleted at the end. Do not start a
// run within minutes of deleting a big tree on the same disk (see bench/README.md).
// Prints a markdown table and writes it with every run's timings to bench/results/.
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
const RUNS = Number(process.argv[6] ?? 3);
const NIX = ["--extra-experimental-features", "nix-command", "--option", "substituters", ""];
const nixEnv = { ...process.env, NIX_REMOTE: "" };
const TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

const loadAvg = () => os.loadavg().map((x) => x.toFixed(1)).join(" ");
/** CPU pressure (share of time some runnable task waited for a CPU), last 10 s, where the kernel says. */
const cpuPressure = () => {
  try {
    return /avg10=([\d.]+)/.exec(fs.readFileSync("/proc/pressure/cpu", "utf8"))?.[1] ?? "n/a";
  } catch {
    return "n/a";
  }
};
const startLoad = loadAvg();
const work = process.env.KEEP ? path.resolve(process.env.KEEP) : fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cachebench-"));
fs.mkdirSync(work, { recursive: true });
const fresh = (name) => {
  // Never reuse (nor delete) a destination between timed runs.
  for (let i = 0; ; i++) {
    const p = path.join(work, "runs", `${name}-${i}`);
    if (!fs.existsSync(p)) return p;
  }
};

/** Wall seconds and, through /usr/bin/time, user+sys CPU seconds of the command and its children. */
const time = (cmd, args, env = process.env) => {
  // Start each step with nothing dirty: cairn syncs the store's file system before registering
  // (RELIABILITY §8.2) and would otherwise pay for the previous step's writes, Nix's included.
  spawnSync("sync");
  const argv = TIME ? [TIME, ["-f", "%U %S", cmd, ...args]] : [cmd, args];
  const t = performance.now();
  const r = spawnSync(argv[0], argv[1], { env, stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 28 });
  const wall = (performance.now() - t) / 1000;
  const err = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 6).join(" ")}… failed: ${err}`);
  const m = TIME ? /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(err) : null;
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
};
const out = (cmd, args, env) => {
  const r = spawnSync(cmd, args, { env, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return r.stdout.toString().trim();
};

// 1. The trees: PATHS directories of FILES/PATHS files in subdirectories of 50.
const srcDir = path.join(work, "src");
const trees = Array.from({ length: PATHS }, (_, p) => path.join(srcDir, `pkg-${p}`));
const stamp = path.join(srcDir, `.made-${MIB}-${FILES}-${PATHS}`);
if (!fs.existsSync(stamp)) {
  fs.rmSync(srcDir, { recursive: true, force: true });
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
  for (const root of trees) {
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
  }
  fs.writeFileSync(stamp, "");
}

// 2. The same paths in a cairn store and a Nix store (logical /nix/store for both).
const cairnEnv = (root) => ({ ...process.env, CAIRN_ROOT: root, CAIRN_STORE_DIR: "/nix/store" });
const cSrc = path.join(work, "cairn-src");
const cPaths = trees.map((t) => out(process.execPath, [CLI, "add", t], cairnEnv(cSrc)));
const nSrc = path.join(work, "nix-src");
const nPaths = trees.map((t) => out("nix-store", ["--store", `local?root=${nSrc}`, "--option", "substituters", "", "--add", t], nixEnv));
if (cPaths.join() !== nPaths.join()) throw new Error("cairn and Nix disagree on the store paths");
const key = (f) => path.join(work, f);
if (!fs.existsSync(key("c.sec"))) {
  out(process.execPath, [CLI, "key", "generate", "bench-1", "--secret-key-file", key("c.sec"), "--public-key-file", key("c.pub")], process.env);
  out("nix-store", ["--generate-binary-cache-key", "bench-1", key("n.sec"), key("n.pub")], nixEnv);
}
const cPub = fs.readFileSync(key("c.pub"), "utf8");
const nPub = fs.readFileSync(key("n.pub"), "utf8");
const narMiB = JSON.parse(out(process.execPath, [CLI, "path-info", "--json", ...cPaths], cairnEnv(cSrc))).reduce((n, i) => n + i.narSize, 0) / 1048576;

// 3. Per compression: to a cache, then from it into an empty store, RUNS times each, interleaved.
const sides = {
  cairn: {
    to: (c, cache) => time(process.execPath, [CLI, "copy", "--to", `file://${cache}`, "--compression", c, "--secret-key-file", key("c.sec"), ...cPaths], cairnEnv(cSrc)),
    from: (cache, dst) => time(process.execPath, [CLI, "copy", "--from", `file://${cache}`, "--trusted-public-keys", cPub, ...cPaths], cairnEnv(dst)),
  },
  nix: {
    to: (c, cache) => time("nix", [...NIX, "copy", "--store", `local?root=${nSrc}`, "--to", `file://${cache}?compression=${c}&secret-key=${key("n.sec")}`, ...nPaths], nixEnv),
    from: (cache, dst) => time("nix", [...NIX, "--option", "trusted-public-keys", nPub, "copy", "--from", `file://${cache}`, "--store", `local?root=${dst}`, ...nPaths], nixEnv),
  },
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const rows = [];
for (const c of COMPRESSIONS) {
  const r = { compression: c, runs: [] };
  const caches = {};
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? ["cairn", "nix"] : ["nix", "cairn"];
    const run = { to: {}, from: {}, load: loadAvg(), cpuPressure: cpuPressure() };
    for (const side of order) {
      const cache = fresh(`${side}-cache-${c}`);
      run.to[side] = sides[side].to(c, cache);
      caches[side] ??= cache;
    }
    for (const side of order) run.from[side] = sides[side].from(caches[side], fresh(`${side}-dst-${c}`));
    r.runs.push(run);
    console.error(JSON.stringify({ compression: c, run: i + 1, ...run }));
  }
  const size = (d) => fs.readdirSync(path.join(d, "nar")).reduce((n, f) => n + fs.statSync(path.join(d, "nar", f)).size, 0) / 1048576;
  r.cacheMiB = { cairn: size(caches.cairn), nix: size(caches.nix) };
  for (const dir of ["to", "from"]) {
    r[dir] = {
      cairn: median(r.runs.map((x) => x[dir].cairn.wall)),
      nix: median(r.runs.map((x) => x[dir].nix.wall)),
      ratio: median(r.runs.map((x) => x[dir].cairn.wall / x[dir].nix.wall)),
      cpu: { cairn: median(r.runs.map((x) => x[dir].cairn.cpu)), nix: median(r.runs.map((x) => x[dir].nix.cpu)) },
    };
  }
  rows.push(r);
}

const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
let table =
  `Closure: ${PATHS} paths, ${FILES} files, NAR ${f(narMiB, 1)} MiB; ${os.cpus().length} cores; ${out("nix-store", ["--version"], nixEnv)}; node ${process.version}; ` +
  `${RUNS} interleaved runs per cell, medians; load average (1/5/15 min) at start ${startLoad}, at end ${loadAvg()}\n\n` +
  "| compression | direction | cairn s | nix s | cairn/nix | cairn cpu s | nix cpu s | cache MiB cairn / nix |\n|---|---|---:|---:|---:|---:|---:|---|\n";
for (const r of rows) {
  for (const dir of ["to", "from"]) {
    const m = r[dir];
    table += `| ${r.compression} | ${dir === "to" ? "to cache" : "from cache"} | ${f(m.cairn)} | ${f(m.nix)} | ${f(m.ratio)} | ${f(m.cpu.cairn)} | ${f(m.cpu.nix)} | ${dir === "to" ? `${f(r.cacheMiB.cairn, 1)} / ${f(r.cacheMiB.nix, 1)}` : ""} |\n`;
  }
}
console.log(table);
const when = new Date().toISOString().replace(/[:.]/g, "").slice(0, 17);
fs.mkdirSync(path.join(REPO, "bench", "results"), { recursive: true });
fs.writeFileSync(path.join(REPO, "bench", "results", `${when}-cache-copy.md`), table + "\n```json\n" + JSON.stringify(rows, null, 2) + "\n```\n");
// With KEEP nothing is deleted: a next run right after deleting ~10^6 inodes would create files
// several times slower for minutes (this disk's ext4), and measure that.
if (!process.env.KEEP) {
  spawnSync("chmod", ["-R", "u+w", work]);
  fs.rmSync(work, { recursive: true, force: true });
}
