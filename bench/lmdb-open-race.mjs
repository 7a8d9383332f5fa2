// Reproduces the LMDB open race of lmdb-js 3.x (see store/db.ts) with lmdb-js alone, and shows the
// open gate that cairn uses fixing it. W writer processes commit N keys each, one transaction per
// key, and check after every commit that their previous key is still there, while 3 streams of
// processes open and close the environment 40 times each.
//   node bench/lmdb-open-race.mjs DIR [--gated]     (W=5 N=1500 by default; DIR must not exist)
// Without --gated: a lost commit ("LOST ...") or an LMDB error in about 2 runs of 7 here.
import { open, ABORT } from "lmdb";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";

const [mode, dir, id, n, gated] = process.argv.slice(2);
const base = { overlappingSync: false, noSync: false, useWritemap: false, maxReaders: 1024, maxDbs: 16, cache: false, compression: false, commitDelay: 0 };
function openMain() {
  if (!gated) return { env: open({ path: dir, ...base }) };
  const gate = open({ path: `${dir}/gate`, ...base });
  let env;
  gate.transactionSync(() => {
    env = open({ path: dir, ...base });
    return ABORT;
  });
  return { env, gate };
}
function commit({ env, gate }, fn) {
  if (!gate) return env.transactionSync(fn);
  gate.transactionSync(() => {
    env.transactionSync(fn);
    return ABORT;
  });
}
if (mode === "writer") {
  const h = openMain();
  let bad = 0;
  for (let i = 0; i < Number(n); i++) {
    try {
      commit(h, () => {
        h.env.put(`w${id}-${i}`, i);
      });
    } catch (e) {
      bad++;
      console.error(`writer ${id} commit ${i}: ${e.message}`);
    }
    if (i > 0 && h.env.get(`w${id}-${i - 1}`) === undefined) (bad++, console.error(`LOST w${id}-${i - 1}`));
  }
  process.exit(bad ? 1 : 0);
} else if (mode === "opener") {
  for (let k = 0; k < 40; k++) {
    const h = openMain();
    h.env.get("x");
    await h.env.close();
    if (h.gate) await h.gate.close();
  }
} else {
  const target = process.argv[2];
  const useGate = process.argv.includes("--gated") ? "1" : "";
  mkdirSync(target);
  const W = Number(process.env.W ?? 5);
  const N = process.env.N ?? "1500";
  const child = (args) => new Promise((res) => spawn(process.execPath, [process.argv[1], ...args], { stdio: "inherit" }).on("exit", res));
  await child(["opener", target, "0", "0", useGate]);
  let done = false;
  let opens = 0;
  const stream = async () => {
    while (!done) {
      await child(["opener", target, "0", "0", useGate]);
      opens += 40;
    }
  };
  const streams = Promise.all([stream(), stream(), stream()]);
  const codes = await Promise.all(Array.from({ length: W }, (_, w) => child(["writer", target, String(w), N, useGate])));
  done = true;
  await streams;
  console.log(`gated=${Boolean(useGate)} opens=${opens} writers failed: ${codes.filter((c) => c !== 0).length} of ${W}`);
}
