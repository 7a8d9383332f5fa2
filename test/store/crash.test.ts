// CR-1 and CR-3 (RELIABILITY.md §5) for add, add --flat, restore and NAR import: the CLI is killed
// at every named crash point (CAIRN_CRASH_AT=<point>:<n>, n = 1..3) and at uniformly random
// instants, and after each kill the store must satisfy the invariants (`cairn verify
// --check-contents` and the independent checker of test/helpers/checker.ts) and the interrupted
// operation, re-run, must give exactly what a crash-free run gives (I9).
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, rmTree, tmpDir } from "../helpers/cli.js";
import {
  checkStore,
  checkerSelfTest,
  fileSha256,
  flatPath,
  narBytes,
  narDigest,
  runCairn,
  runNode,
  sourcePath,
  type AsyncRunResult,
  type PathInfoJson,
  type VerifyJson,
} from "../helpers/checker.js";

/** One logical store dir for every root here, so paths compare across roots. */
const STORE_DIR = "/cairn-crash-test/store";
const ADD_POINTS = ["add.entry", "add.written", "add.claimed", "add.synced", "add.renamed", "add.registering", "add.registered"];
const IMPORT_POINTS = ["import.claimed", "import.entry", "add.synced", "add.renamed", "add.registering", "add.registered"];
const RESTORE_POINTS = ["restore.entry", "restore.written", "restore.renamed"];
const HITS = [1, 2, 3];

let scratch: string;
let tree: string; // small tree: 5 files/symlinks and 2 subdirectories
let blob: string; // a single file for --flat
let narFile: string; // NAR of `tree`, made by the checker's own serialiser
let treeEntries: number;
const roots: string[] = [];
const stats = { crashRuns: 0, killed: 0, normalExits: 0, leftoverRestoreTemps: 0 };

function newRoot(): string {
  const r = path.join(scratch, `root-${roots.length}`);
  roots.push(r);
  return r;
}

const envOf = (root: string, crashAt?: string) => ({ CAIRN_ROOT: root, CAIRN_STORE_DIR: STORE_DIR, CAIRN_CRASH_AT: crashAt });

function countEntries(p: string): number {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return 1;
  let n = 1;
  for (const c of fs.readdirSync(p)) n += countEntries(path.join(p, c));
  return n;
}

/** verify --check-contents (0 problems, garbage allowed) and the independent checker (0 violations). */
async function assertConsistent(root: string, paths: string[] = []): Promise<{ verify: VerifyJson; valid: Map<string, PathInfoJson> }> {
  const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env: envOf(root) });
  let rep: VerifyJson;
  try {
    rep = JSON.parse(v.out) as VerifyJson;
  } catch {
    throw new Error(`cairn verify gave no JSON (exit ${v.status ?? v.signal}): ${v.stderr}`);
  }
  expect(rep.problems, JSON.stringify(rep.problems)).toEqual([]);
  expect(v.status, v.stderr).toBe(0);
  const c = await checkStore({ root, storeDir: STORE_DIR, paths, verifyChecked: rep.checked });
  expect(c.violations, c.violations.join("\n")).toEqual([]);
  return { verify: rep, valid: c.valid };
}

async function pathInfo(root: string, p: string): Promise<PathInfoJson> {
  const r = await runCairn(["path-info", "--json", p], { env: envOf(root) });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.out) as PathInfoJson[])[0]!;
}

function expectOutcome(r: AsyncRunResult, shouldDie: boolean): void {
  stats.crashRuns++;
  if (shouldDie) {
    expect(r.signal, `expected SIGKILL; exit ${r.status}: ${r.stderr}`).toBe("SIGKILL");
    expect(r.out).toBe(""); // nothing is acknowledged before the process ends normally
    stats.killed++;
  } else {
    expect(r.status, r.stderr).toBe(0);
    stats.normalExits++;
  }
}

/** Run `tasks` with at most `limit` at once. */
async function pool<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

// The import workload: LocalStore.addFromNar through the built library (no CLI command calls
// it yet), with the same CAIRN_CRASH_AT convention as cli/main.ts.
const IMPORT_SCRIPT = `
import fs from "node:fs";
const { LocalStore, Layout, parseHash } = await import(process.env.T_DIST + "/store/index.js");
const spec = process.env.CAIRN_CRASH_AT ?? "";
const at = spec.slice(0, spec.lastIndexOf(":"));
const nth = Number(spec.slice(spec.lastIndexOf(":") + 1));
let hits = 0;
const crash = (p) => { if (p === at && ++hits === nth) process.kill(process.pid, "SIGKILL"); };
const store = LocalStore.open(new Layout(process.env.CAIRN_ROOT, process.env.CAIRN_STORE_DIR), { crash });
const nar = fs.readFileSync(process.env.T_NAR);
let off = 0;
const read = (n) => { const b = nar.subarray(off, off + n); off += b.length; return b; };
const p = store.addFromNar(read, () => off >= nar.length, {
  path: process.env.T_PATH, narHash: parseHash(process.env.T_HASH), narSize: nar.length,
});
process.stdout.write(p + "\\n");
await store.close();
`;

interface Workload {
  name: string;
  points: string[];
  /** How often a crash-free run reaches `point`. */
  hits(point: string): number;
  run(root: string, crashAt?: string): Promise<AsyncRunResult>;
}

const workloads: Workload[] = [
  {
    name: "add",
    points: ADD_POINTS,
    hits: (p) => (p === "add.entry" ? treeEntries : 1),
    run: (root, crashAt) => runCairn(["add", tree], { env: envOf(root, crashAt) }),
  },
  {
    name: "add --flat",
    points: ADD_POINTS,
    hits: () => 1,
    run: (root, crashAt) => runCairn(["add", "--flat", blob], { env: envOf(root, crashAt) }),
  },
  {
    name: "import (addFromNar)",
    points: IMPORT_POINTS,
    hits: (p) => (p === "import.entry" ? treeEntries : 1),
    run: (root, crashAt) => {
      const d = narDigest(tree);
      return runNode(["--input-type=module", "-e", IMPORT_SCRIPT], {
        env: {
          ...envOf(root, crashAt),
          T_DIST: path.join(REPO, "dist"),
          T_NAR: narFile,
          T_PATH: sourcePath(STORE_DIR, "imported", d.sha256),
          T_HASH: `sha256:${d.nix32}`,
        },
      });
    },
  },
];

const reference = new Map<string, { path: string; narHash: string; narSize: number }>();

beforeAll(async () => {
  scratch = tmpDir("cairn-crash-");
  tree = path.join(scratch, "src/tree");
  fs.mkdirSync(path.join(tree, "bin"), { recursive: true });
  fs.mkdirSync(path.join(tree, "lib"));
  fs.writeFileSync(path.join(tree, "README"), "hello\n");
  fs.writeFileSync(path.join(tree, "bin/run"), "#!/bin/sh\necho hi\n");
  fs.chmodSync(path.join(tree, "bin/run"), 0o755);
  const data = Buffer.alloc(24_000);
  for (let i = 0; i < data.length; i += 32) createHash("sha256").update(String(i)).digest().copy(data, i);
  fs.writeFileSync(path.join(tree, "lib/data"), data);
  fs.writeFileSync(path.join(tree, "lib/empty"), "");
  fs.symlinkSync("README", path.join(tree, "link"));
  treeEntries = countEntries(tree);
  blob = path.join(scratch, "src/blob.bin");
  fs.writeFileSync(blob, data.subarray(0, 5000));
  narFile = path.join(scratch, "tree.nar");
  fs.writeFileSync(narFile, narBytes(tree));

  // Crash-free reference runs, each in its own root; their paths must be the checker's too.
  const d = narDigest(tree);
  const expected: Record<string, string> = {
    add: sourcePath(STORE_DIR, "tree", d.sha256),
    "add --flat": flatPath(STORE_DIR, "blob.bin", fileSha256(blob)),
    "import (addFromNar)": sourcePath(STORE_DIR, "imported", d.sha256),
  };
  for (const w of workloads) {
    const root = newRoot();
    const r = await w.run(root);
    expect(r.status, r.stderr).toBe(0);
    const p = r.out.trim();
    expect(p).toBe(expected[w.name]);
    const info = await pathInfo(root, p);
    reference.set(w.name, { path: p, narHash: info.narHash, narSize: info.narSize });
    await assertConsistent(root, [p]);
  }
  expect(reference.get("add")!.narHash).toBe(d.sri);
  expect(reference.get("add")!.narSize).toBe(d.size);
});

afterAll(() => {
  console.log(
    `CR-1/CR-3 (crash.test.ts): ${stats.crashRuns} crash runs, ${stats.killed} killed, ${stats.normalExits} ran to completion; ` +
      `${stats.leftoverRestoreTemps} restore temp dirs left next to the target`,
  );
  if (scratch !== undefined) rmTree(scratch);
});

describe("the independent checker", () => {
  it("reproduces the NIX-COMPAT.md §3.3 demo vector (NAR hash, size, store path)", () => {
    const d = tmpDir("cairn-checker-");
    try {
      expect(checkerSelfTest(d)).toEqual([]);
    } finally {
      rmTree(d);
    }
  });

  it("agrees with cairn on a crash-free add", async () => {
    const root = newRoot();
    const r = await runCairn(["add", tree], { env: envOf(root) });
    expect(r.status, r.stderr).toBe(0);
    const { valid } = await assertConsistent(root);
    expect([...valid.keys()]).toEqual([r.out.trim()]);
  });

  it("notices a corrupted store object", async () => {
    const root = newRoot();
    const r = await runCairn(["add", tree], { env: envOf(root) });
    const real = path.join(root, "store", path.basename(r.out.trim()));
    fs.chmodSync(path.join(real, "lib"), 0o755);
    fs.chmodSync(path.join(real, "lib/data"), 0o644);
    fs.appendFileSync(path.join(real, "lib/data"), "x");
    fs.chmodSync(path.join(real, "lib/data"), 0o444);
    const c = await checkStore({ root, storeDir: STORE_DIR });
    expect(c.violations.some((v) => v.startsWith("I2:") && v.includes("NAR hash"))).toBe(true);
    expect(c.violations.some((v) => v.startsWith("I5:") && v.includes("directory mode 755"))).toBe(true);
  });
});

describe("CR-1: named crash points", () => {
  for (const w of workloads) {
    for (const point of w.points) {
      it(`${w.name}: ${point} at hits 1..3`, async () => {
        const ref = reference.get(w.name)!;
        await pool(
          3,
          HITS.map((n) => async () => {
            const root = newRoot();
            const r = await w.run(root, `${point}:${n}`);
            expectOutcome(r, n <= w.hits(point));
            const { valid } = await assertConsistent(root, [ref.path]);
            // Killed after registration: valid and complete; before it: not valid.
            expect(valid.has(ref.path)).toBe(point === "add.registered" || r.status === 0);
            const again = await w.run(root);
            expect(again.status, again.stderr).toBe(0);
            expect(again.out.trim()).toBe(ref.path);
            const info = await pathInfo(root, ref.path);
            expect({ narHash: info.narHash, narSize: info.narSize }).toEqual({ narHash: ref.narHash, narSize: ref.narSize });
            await assertConsistent(root, [ref.path]);
          }),
        );
      });
    }
  }

  for (const point of RESTORE_POINTS) {
    it(`restore: ${point} at hits 1..3`, async () => {
      const nar = fs.readFileSync(narFile);
      const want = narDigest(tree);
      await pool(
        3,
        HITS.map((n) => async () => {
          const dir = fs.mkdtempSync(path.join(scratch, "restore-"));
          const target = path.join(dir, "out");
          const env = { CAIRN_ROOT: path.join(dir, "unused-root"), CAIRN_CRASH_AT: `${point}:${n}` };
          const r = await runCairn(["restore", target], { env, input: nar });
          const dies = n <= (point === "restore.entry" ? treeEntries : 1);
          expectOutcome(r, dies);
          const present = fs.existsSync(target);
          // Either absent or complete: the rename is the only way `out` appears.
          expect(present).toBe(!dies || point === "restore.renamed");
          if (present) expect(narDigest(target)).toEqual(want);
          stats.leftoverRestoreTemps += fs.readdirSync(dir).filter((e) => e.startsWith(".out.tmp-")).length;
          const again = await runCairn(["restore", target], { env: { CAIRN_ROOT: env.CAIRN_ROOT }, input: nar });
          if (present) {
            expect(again.status).toBe(1);
            expect(again.stderr).toMatch(/^cairn: restore: .*File exists\n$/);
          } else {
            expect(again.status, again.stderr).toBe(0);
          }
          expect(narDigest(target)).toEqual(want);
          expect(fs.existsSync(path.join(dir, "unused-root"))).toBe(false);
        }),
      );
    });
  }
});

describe("CR-1: a crash during recovery from a crash", () => {
  it("add.trashed: killed while moving a stale unregistered copy aside", async () => {
    const ref = reference.get("add")!;
    const root = newRoot();
    expectOutcome(await runCairn(["add", tree], { env: envOf(root, "add.renamed:1") }), true);
    // The object is in place but unregistered; the next add must replace it.
    const r = await runCairn(["add", tree], { env: envOf(root, "add.trashed:1") });
    expectOutcome(r, true);
    const { valid } = await assertConsistent(root, [ref.path]);
    expect(valid.has(ref.path)).toBe(false);
    const again = await runCairn(["add", tree], { env: envOf(root) });
    expect(again.out.trim()).toBe(ref.path);
    await assertConsistent(root, [ref.path]);
    expect(fs.readdirSync(path.join(root, "store/.trash"))).toEqual([]);
  });

  it("recover.claim-dropped: a dead adder's claim released, its temp tree not yet removed", async () => {
    const ref = reference.get("add")!;
    const root = newRoot();
    expectOutcome(await runCairn(["add", tree], { env: envOf(root, "add.synced:1") }), true);
    const r = await runCairn(["verify", "--all"], { env: envOf(root, "recover.claim-dropped:1") });
    expectOutcome(r, true);
    const { verify } = await assertConsistent(root, [ref.path]);
    // The orphaned temp tree is garbage (its owner is dead), which gc collects.
    expect(verify.garbage.every((g) => g.startsWith(".tmp-"))).toBe(true);
    const again = await runCairn(["add", tree], { env: envOf(root) });
    expect(again.out.trim()).toBe(ref.path);
    await assertConsistent(root, [ref.path]);
  });
});

describe("CR-3: random SIGKILL during add", () => {
  // Two lanes on two cores; the checker hashes synchronously in this process, so fewer paths
  // per root keep its pauses (which delay the other lane's kill timer) short.
  const LANES = 2;
  const PER_LANE = 50;
  const PATHS_PER_ROOT = 5;

  function makeMediumTree(dir: string): void {
    for (let d = 0; d < 10; d++) {
      fs.mkdirSync(path.join(dir, `d${d}`), { recursive: true });
      for (let i = 0; i < 30; i++) {
        const size = i % 6 === 0 ? 60_000 : 7_000;
        const f = path.join(dir, `d${d}`, `f${i}`);
        fs.writeFileSync(f, createHash("sha512").update(`${dir}/${d}/${i}`).digest().toString("hex").repeat(size / 128));
        if (i % 10 === 3) fs.chmodSync(f, 0o755);
      }
      fs.symlinkSync(`f${d}`, path.join(dir, `d${d}`, "link"));
    }
  }

  it(`${LANES * PER_LANE} random kills of \`cairn add\` of a 300-file tree`, { timeout: 300_000 }, async () => {
    const lanes = Array.from({ length: LANES }, (_, l) => {
      const src = path.join(scratch, `medium-${l}/medium`);
      makeMediumTree(src);
      return { l, src, root: "", added: new Map<string, { sri: string; size: number }>() };
    });
    // After a root's last run: everything added to it is there as a crash-free run made it.
    const finalCheck = async (lane: (typeof lanes)[number]) => {
      const { valid } = await assertConsistent(lane.root);
      for (const [p, want] of lane.added) expect(valid.get(p)?.narHash).toBe(want.sri);
      expect(valid.size).toBe(lane.added.size);
    };
    const variant = (lane: (typeof lanes)[number], tag: string) => {
      fs.writeFileSync(path.join(lane.src, "variant"), `lane ${lane.l} ${tag}\n`);
      return narDigest(lane.src);
    };
    // Typical duration, measured as in the kill loop: two lanes at once, into an existing store
    // (the first add, which also creates the database, is not counted).
    const durations = (
      await Promise.all(
        lanes.map(async (lane) => {
          const ms: number[] = [];
          const root = newRoot();
          for (let k = 0; k < 4; k++) {
            const d = variant(lane, `warm-${k}`);
            const r = await runCairn(["add", lane.src], { env: envOf(root) });
            expect(r.status, r.stderr).toBe(0);
            expect(r.out.trim()).toBe(sourcePath(STORE_DIR, "medium", d.sha256));
            if (k > 0) ms.push(r.ms);
          }
          return ms;
        }),
      )
    ).flat();
    // The typical duration follows the load: the median of the last full adds (runs that
    // completed, and re-runs that had to do the whole add).
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const typical = () => median(durations.slice(-16));
    const typicals: number[] = [];
    const outcome = { killed: 0, completed: 0, killedButValid: 0, ackedBeforeKill: 0, maxRecoveryMs: 0 };
    // Where the kills landed, judged from the store as the killed process left it.
    const phases: Record<string, number> = { "before writing": 0, writing: 0, "renamed, unregistered": 0, registered: 0 };
    const listStore = (root: string) => (fs.existsSync(path.join(root, "store")) ? fs.readdirSync(path.join(root, "store")) : []);

    await Promise.all(
      lanes.map(async (lane) => {
        for (let i = 0; i < PER_LANE; i++) {
          if (lane.root === "" || lane.added.size >= PATHS_PER_ROOT) {
            if (lane.root !== "") {
              await finalCheck(lane);
              rmTree(lane.root); // free the space
            }
            lane.root = newRoot();
            lane.added.clear();
          }
          const d = variant(lane, `run-${i}`);
          const expected = sourcePath(STORE_DIR, "medium", d.sha256);
          typicals.push(typical());
          const delay = Math.random() * 1.2 * typical();
          const before = new Set(listStore(lane.root));
          const r = await runCairn(["add", lane.src], { env: envOf(lane.root), killAfterMs: delay });
          stats.crashRuns++;
          if (r.killedByUs) {
            expect(r.signal).toBe("SIGKILL");
            outcome.killed++;
            stats.killed++;
          } else {
            expect(r.status, r.stderr).toBe(0);
            expect(r.out.trim()).toBe(expected);
            outcome.completed++;
            durations.push(r.ms);
            stats.normalExits++;
          }
          const appeared = listStore(lane.root).filter((n) => !before.has(n));
          const t0 = performance.now();
          const { valid } = await assertConsistent(lane.root, [expected]);
          outcome.maxRecoveryMs = Math.max(outcome.maxRecoveryMs, performance.now() - t0);
          if (r.killedByUs && valid.has(expected)) outcome.killedButValid++;
          if (r.killedByUs) {
            const phase = valid.has(expected)
              ? "registered"
              : appeared.includes(path.basename(expected))
                ? "renamed, unregistered"
                : appeared.some((n) => n.startsWith(".tmp-"))
                  ? "writing"
                  : "before writing";
            phases[phase]!++;
          }
          // Earlier adds to this root are still there, as a crash-free run made them.
          for (const [p, want] of lane.added) {
            expect({ p, narHash: valid.get(p)?.narHash, narSize: valid.get(p)?.narSize }).toEqual({ p, narHash: want.sri, narSize: want.size });
          }
          // Printed means registered (acknowledged => present).
          if (r.killedByUs && r.out !== "") {
            outcome.ackedBeforeKill++;
            expect(valid.has(expected)).toBe(true);
          }
          const again = await runCairn(["add", lane.src], { env: envOf(lane.root) });
          if (!valid.has(expected)) durations.push(again.ms);
          expect(again.status, again.stderr).toBe(0);
          expect(again.out.trim()).toBe(expected);
          lane.added.set(expected, { sri: d.sri, size: d.size });
        }
      }),
    );
    for (const lane of lanes) await finalCheck(lane);
    console.log(
      `CR-3 (add, ${LANES} lanes): typical add ${Math.min(...typicals).toFixed(0)}-${Math.max(...typicals).toFixed(0)} ms; ${LANES * PER_LANE} runs: ${outcome.killed} killed ` +
        `(${outcome.killedButValid} after registration, ${outcome.ackedBeforeKill} after printing), ${outcome.completed} completed; ` +
        `0 violations; slowest verify+check after a kill ${outcome.maxRecoveryMs.toFixed(0)} ms; kills by phase: ${JSON.stringify(phases)}`,
    );
    // Delays are uniform over 1.2 x the typical duration, so most runs die; few kills would
    // mean they missed the operation.
    expect(outcome.killed).toBeGreaterThanOrEqual(0.3 * LANES * PER_LANE);
  });
});
