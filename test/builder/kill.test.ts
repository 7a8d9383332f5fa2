// kill -9 of cairn at random times during builds (RELIABILITY.md CR-3 for `build`), and two
// cairn processes building overlapping graphs at once (each output built once).
import fs from "node:fs";
import path from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, rmTree } from "../helpers/cli.js";
import { project } from "../helpers/build.js";
import { checkStore, runCairn, type VerifyJson } from "../helpers/checker.js";

const RUNS = Number(process.env.CAIRN_TEST_KILL_RUNS ?? 50);

/** A small graph: 3 leaves, 2 middles, 1 top; each build leaves a background process behind. */
const GRAPH = `const leaf = (i: number) => sh(\`leaf-\${i}\`, \`setsid sleep 4242\${i} & usleep \${150000 + i * 70000}; $B mkdir -p $out/d; echo leaf \${i} > $out/d/f\`, { n: String(SEED) });
const mid = (i: number, deps: unknown[]) => sh(\`mid-\${i}\`, \`usleep 120000; $B mkdir $out; for d in \${deps.join(" ")}; do cat $d/d/f >> $out/all; done\`, { n: String(SEED) });
const l = [0, 1, 2].map(leaf);
const m = [mid(0, [l[0], l[1]]), mid(1, [l[1], l[2]])];
export default sh("top", \`usleep 100000; cat \${m[0]}/all \${m[1]}/all > $out\`, { n: String(SEED) });`;

/** Live (non-zombie) processes of these builds: their sleeps, bwraps working in `dir`, and the build spawner of cairn `pid`. */
function leftovers(dir: string, pid = -1): string {
  const ps = spawnSync("ps", ["-eo", "pid=,stat=,args="]).stdout.toString().split("\n");
  return ps
    .filter((l) => !/^\s*\d+\s+Z/.test(l) && (/sleep 4242/.test(l) || (l.includes("bwrap") && l.includes(dir)) || l.endsWith(`spawner.js ${pid}`)))
    .join("\n")
    .trim();
}

async function assertConsistent(root: string, independent = true): Promise<void> {
  const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env: { CAIRN_ROOT: root } });
  const rep = JSON.parse(v.out) as VerifyJson;
  expect(rep.problems, JSON.stringify(rep.problems)).toEqual([]);
  expect(v.status, v.stderr).toBe(0);
  if (!independent) return;
  const c = await checkStore({ root, verifyChecked: rep.checked });
  expect(c.violations, c.violations.join("\n")).toEqual([]);
}

describe("builds killed with -9", () => {
  const p = project("cairn-kill-");
  afterAll(() => rmTree(p.dir));

  it(`${RUNS} random kills: no process left, store consistent, the re-run completes`, async () => {
    // Measure one undisturbed run to pick kill times in [0, 1.2 x duration].
    const f0 = p.recipe("g-base.ts", `const SEED = -1;\n${GRAPH}`);
    const t0 = performance.now();
    const base = await runCairn(["build", f0, "--no-link", "-j", "2"], { env: p.env, cwd: p.dir });
    const duration = performance.now() - t0;
    expect(base.status, base.stderr).toBe(0);
    let killedMidBuild = 0;
    for (let i = 0; i < RUNS; i++) {
      const f = p.recipe(`g-${i}.ts`, `const SEED = ${i};\n${GRAPH}`);
      const child = spawn(process.execPath, [CLI, "build", f, "--no-link", "-j", "2"], {
        env: { ...process.env, ...p.env },
        cwd: p.dir,
        stdio: ["ignore", "ignore", "pipe"],
      });
      const closed = new Promise((r) => child.on("close", r));
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      // Odd runs: a random instant of the whole run (start-up included). Even runs: a random
      // instant once the first build has started, so that kills do land among running builds
      // however long start-up takes on a loaded machine.
      let at = Math.random() * 1.2 * duration;
      if (i % 2 === 0) {
        await new Promise<void>((r) => {
          const look = () => (/building '/.test(stderr) ? r() : undefined);
          child.stderr.on("data", look);
          child.on("close", () => r());
          look();
        });
        at = Math.random() * 0.8 * duration;
      }
      await new Promise((r) => setTimeout(r, at));
      child.kill("SIGKILL");
      await closed;
      if (/building/.test(stderr) && !/built '.*top\.drv'/.test(stderr)) killedMidBuild++;
      // The spawner sees cairn die and kills bwrap and everything in its pid namespace.
      let left = leftovers(p.dir, child.pid);
      for (let w = 0; w < 20 && left !== ""; w++) {
        await new Promise((r) => setTimeout(r, 50));
        left = leftovers(p.dir, child.pid);
      }
      expect(left, `run ${i}: processes left after kill at ${at.toFixed(0)} ms`).toBe("");
      // cairn verify after every kill; the independent checker (slower) after every fifth.
      await assertConsistent(p.root, i % 5 === 0);
      const again = await runCairn(["build", f, "--no-link", "-j", "2"], { env: p.env, cwd: p.dir });
      expect(again.status, `run ${i} re-run: ${again.stderr}`).toBe(0);
      expect(fs.readFileSync(again.out.trim(), "utf8")).toBe("leaf 0\nleaf 1\nleaf 1\nleaf 2\n");
    }
    expect(leftovers(p.dir)).toBe("");
    // The random times must actually hit running builds, not only start-up or the end.
    expect(killedMidBuild).toBeGreaterThan(RUNS / 5);
    await assertConsistent(p.root);
  }, 900_000);
});

describe("two cairn processes building overlapping graphs", () => {
  const p = project("cairn-two-");
  afterAll(() => rmTree(p.dir));

  it("builds each output once; both succeed with the same outputs", async () => {
    const f = p.recipe("shared.ts", `const SEED = 7;\n${GRAPH}\nexport const other = sh("other-top", \`cat \${m[1]}/all \${l[2]}/d/f > $out\`);`);
    const [a, b] = await Promise.all([
      runCairn(["build", f, "--no-link", "-j", "2"], { env: p.env, cwd: p.dir }),
      runCairn(["build", f, "-A", "other", "--no-link", "-j", "2"], { env: p.env, cwd: p.dir }),
    ]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    // Count builder runs by the "building" lines of both processes.
    const started = [...(a.stderr + b.stderr).matchAll(/^building '([^']+)'/gm)].map((m) => path.basename(m[1]!));
    expect(new Set(started).size, started.join("\n")).toBe(started.length);
    expect(started.length).toBe(7);
    await assertConsistent(p.root);
  }, 300_000);
});

describe("cancelling a build (SIGTERM, SIGINT)", () => {
  const p = project("cairn-cancel-");
  afterAll(() => rmTree(p.dir));

  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    it(`${sig}: builds killed, build dirs removed, claims released, exit 130`, async () => {
      const f = p.recipe(`slow-${sig}.ts`, `export default sh("slow-${sig}", "echo started; setsid sleep 4343 & sleep 30; echo > $out");`);
      const child = spawn(process.execPath, [CLI, "build", f, "--no-link"], { env: { ...process.env, ...p.env }, cwd: p.dir, stdio: ["ignore", "ignore", "pipe"] });
      const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
      let stderr = "";
      await new Promise<void>((resolve) => {
        child.stderr.on("data", (c: Buffer) => {
          stderr += c.toString();
          if (/building '/.test(stderr)) resolve();
        });
        void closed.then(() => resolve());
      });
      expect(stderr, "the build did not start").toMatch(/building '/);
      // Let the builder get going, then cancel.
      await new Promise((r) => setTimeout(r, 500));
      child.kill(sig);
      const code = await Promise.race([closed, new Promise<string>((r) => setTimeout(() => r("still running 30 s after the signal"), 30_000))]);
      expect(code, stderr).toBe(130);
      expect(stderr).toMatch(/cancelled/);
      // This test's own builds only (their bwrap command lines name this project's root).
      const ps = spawnSync("ps", ["-eo", "stat=,args="]).stdout.toString().split("\n").filter((l) => !l.startsWith("Z") && l.includes(p.dir));
      expect(ps).toEqual([]);
      expect(fs.readdirSync(path.join(p.root, "var/cairn/builds"))).toEqual([]);
      // The claim is gone: another process may build it at once (and is not told to wait).
      const again = await runCairn(["build", f, "--no-link", "--timeout", "1"], { env: p.env, cwd: p.dir });
      expect(again.status).toBe(101);
      expect(again.stderr).not.toMatch(/waiting for another/);
    });
  }
});
