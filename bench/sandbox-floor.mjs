#!/usr/bin/env node
// The floor of build-sandbox (issue 4): bare bwrap runs with the sandbox cairn sets up, nothing
// else (no node per build, no database, no hashing). For each derivation of the shared bench's
// build workload (300 `echo i $deps > $out`, each on 0-3 earlier ones), bwrap gets the same flags,
// /proc, /dev, /tmp, /etc files, store dir and one read-only bind per input of its closure that
// cairn passes, runs the builder (busybox sh) and is waited for; -P2 as `-j 2`. Mount points are
// made once and reused (as cairn's pool does), so no inode churn is measured.
//
//   node bench/sandbox-floor.mjs BUILD_TS BUSYBOX [runs]
//   e.g. node bench/sandbox-floor.mjs /tmp/cairn-bench/inputs/build/build.ts /bin/busybox 3
//
// Variants: "closure" (each build's real input count), "one input" (busybox only: the shared
// harness's floor shape), and "closure, no /proc /dev" (what the mount table's size costs).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const [buildTs, busybox, runsArg] = process.argv.slice(2);
if (!buildTs || !busybox) {
  console.error("usage: sandbox-floor.mjs BUILD_TS BUSYBOX [runs]");
  process.exit(2);
}
const RUNS = Number(runsArg ?? 3);
const src = fs.readFileSync(buildTs, "utf8");
const deps = new Map();
for (const m of src.matchAll(/const p(\d+) = .*deps: \[([^\]]*)\]/g)) deps.set(Number(m[1]), (m[2].match(/p\d+/g) ?? []).map((s) => Number(s.slice(1))));
const closure = new Map();
const closureOf = (i) => {
  if (closure.has(i)) return closure.get(i);
  const s = new Set();
  for (const d of deps.get(i)) {
    s.add(d);
    for (const x of closureOf(d)) s.add(x);
  }
  closure.set(i, s);
  return s;
};
const n = deps.size;
const work = fs.mkdtempSync(path.join(process.env.BENCH_WORK ?? os.tmpdir(), "sandbox-floor-"));
const storeDir = path.join(work, "store");
const bb = path.join(storeDir, "0000000000000000000000000000000b-bb");
fs.mkdirSync(path.join(bb, "bin"), { recursive: true });
fs.copyFileSync(busybox, path.join(bb, "bin/busybox"));
fs.chmodSync(path.join(bb, "bin/busybox"), 0o555);
fs.symlinkSync("busybox", path.join(bb, "bin/sh"));
const inputName = (i) => `${String(i).padStart(32, "0")}-t${i}`;
for (let i = 0; i < n; i++) fs.writeFileSync(path.join(storeDir, inputName(i)), `${i}\n`);
const etc = path.join(work, "etc");
fs.mkdirSync(etc);
for (const f of ["passwd", "group", "hosts"]) fs.writeFileSync(path.join(etc, f), "x\n");

function argv(i, slot, variant) {
  const area = path.join(work, `slot${slot}`);
  const inputs = variant === "one input" ? [] : [...closureOf(i)];
  const a = ["--unshare-user", "--uid", "1000", "--gid", "100", "--disable-userns", "--cap-drop", "ALL", "--unshare-ipc", "--unshare-pid", "--unshare-uts"];
  a.push("--hostname", "localhost", "--unshare-cgroup-try", "--unshare-net", "--die-with-parent", "--as-pid-1", "--new-session", "--clearenv");
  a.push("--setenv", "out", `${storeDir}/${inputName(i)}-out`, "--tmpfs", "/tmp", "--bind", path.join(area, "store"), storeDir, "--ro-bind", bb, bb);
  for (const d of inputs) a.push("--ro-bind", path.join(storeDir, inputName(d)), path.join(storeDir, inputName(d)));
  if (variant !== "closure, no /proc /dev") a.push("--proc", "/proc", "--dev", "/dev");
  for (const f of ["passwd", "group", "hosts"]) a.push("--ro-bind", path.join(etc, f), `/etc/${f}`);
  a.push("--bind", path.join(area, "build"), "/build", "--chdir", "/build", "--", `${bb}/bin/sh`, "-c", "echo $out > $out");
  return a;
}

function prepareSlot(slot) {
  const area = path.join(work, `slot${slot}`);
  fs.mkdirSync(path.join(area, "build"), { recursive: true });
  fs.mkdirSync(path.join(area, "store", path.basename(bb)), { recursive: true });
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(area, "store", inputName(i)), "");
}

const once = (args) =>
  new Promise((resolve, reject) => {
    const c = spawn("bwrap", args, { stdio: ["ignore", "ignore", "pipe"], env: {} });
    let err = "";
    c.stderr.on("data", (d) => (err += d));
    c.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`bwrap: exit ${code}: ${err}`))));
  });

async function run(variant) {
  const t = performance.now();
  let next = 0;
  await Promise.all(
    [0, 1].map(async (slot) => {
      for (let i = next++; i < n; i = next++) {
        await once(argv(i, slot, variant));
        fs.unlinkSync(path.join(work, `slot${slot}`, "store", `${inputName(i)}-out`));
      }
    }),
  );
  return (performance.now() - t) / 1000;
}

prepareSlot(0);
prepareSlot(1);
const avg = [...Array(n).keys()].reduce((s, i) => s + closureOf(i).size + 1, 0) / n;
console.log(`${n} builds, ${avg.toFixed(1)} read-only binds per build on average (busybox included), -P2, ${RUNS} runs each`);
for (const variant of ["closure", "one input", "closure, no /proc /dev"]) {
  const times = [];
  for (let r = 0; r < RUNS; r++) times.push(await run(variant));
  times.sort((a, b) => a - b);
  console.log(`${variant.padEnd(24)} median ${times[Math.floor(times.length / 2)].toFixed(2)} s  (${times.map((x) => x.toFixed(2)).join(" ")})`);
}
fs.rmSync(work, { recursive: true, force: true });
