// GC-7 (RELIABILITY.md §5) with real builds: 4 cairn processes build random DAGs of tiny
// derivations in the sandbox (half of them keep their result through an indirect root, ./result
// style), a profile switcher installs packages, and a gc loop runs all along, for
// CAIRN_TEST_GC7_S seconds (120 at CI size). Each top derivation reads all its inputs (its
// self-check: a missing input fails the build). At the end: every build succeeded, no path the gc
// deleted is live, verify and the independent checker are clean, and a final quiet gc leaves
// exactly the closures of the roots.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCairn, checkStore } from "../helpers/checker.js";
import { rmTree } from "../helpers/cli.js";
import { project } from "../helpers/build.js";

const SECONDS = Number(process.env.CAIRN_TEST_GC7_S ?? 120);
const BUILDERS = 4;

function dagRecipe(tag: string, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const deps = [...new Set(Array.from({ length: Math.min(i, 1 + Math.floor(Math.random() * 3)) }, () => Math.floor(Math.random() * i)))];
    const cat = deps.map((d) => `cat \${d${d}} >> $out;`).join(" ");
    lines.push(`const d${i} = sh("g7-${tag}-${i}", \`set -e; echo ${tag}-${i} > $out; ${cat}\`);`);
  }
  const all = Array.from({ length: n }, (_, i) => `\${d${i}}`).join(" ");
  // The self-check: every input is read, and must start with its own tag.
  lines.push(`export default sh("g7-${tag}-top", \`set -e; i=0; for x in ${all}; do head -1 $x | grep -qx "${tag}-$i"; i=$((i+1)); done; echo ok > $out\`);`);
  return lines.join("\n");
}

describe("gc stress with builds (GC-7)", () => {
  it(`${BUILDERS} builders, a profile switcher and a gc loop for ${SECONDS} s`, async () => {
    const p = project("cairn-gc7-");
    try {
      const env = p.env;
      const deadline = Date.now() + SECONDS * 1000;
      const roots: string[] = []; // result links kept
      let builds = 0;
      const failures: string[] = [];
      const builders = Array.from({ length: BUILDERS }, async (_, w) => {
        for (let i = 0; Date.now() < deadline; i++) {
          const tag = `w${w}r${i}`;
          const f = p.recipe(`${tag}.ts`, dagRecipe(tag, 6 + Math.floor(Math.random() * 10)));
          const keep = i % 2 === 0;
          const link = path.join(p.dir, `result-${tag}`);
          const r = await runCairn(["build", f, "-j", "1", ...(keep ? ["-o", link] : ["--no-link"])], { env, cwd: p.dir });
          builds++;
          if (r.status !== 0) failures.push(`${tag}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
          else if (keep) roots.push(link);
        }
      });
      const generations: string[] = [];
      const switcher = (async () => {
        for (let g = 0; Date.now() < deadline; g++) {
          // Built and installed in one process, as a user would: nothing unrooted in between.
          const f = p.recipe(`tool-${g}.ts`, `export default sh("tool-${g % 3}-1.${g}", "mkdir -p $out/bin; echo ${g} > $out/bin/tool-${g % 3}");`);
          const inst = await runCairn(["profile", "install", f], { env, cwd: p.dir });
          expect(inst.status, inst.stderr).toBe(0);
          generations.push(fs.readlinkSync(path.join(p.root, "var/cairn/profiles/default")));
          await new Promise((r) => setTimeout(r, 500));
        }
      })();
      const deleted = new Set<string>();
      let gcs = 0;
      const gcLoop = (async () => {
        while (Date.now() < deadline) {
          const r = await runCairn(["gc", "--json"], { env });
          expect(r.status, r.stderr).toBe(0);
          for (const d of (JSON.parse(r.out) as { deleted: string[] }).deleted) deleted.add(d);
          gcs++;
        }
      })();
      const settled = await Promise.allSettled([...builders, switcher, gcLoop]);
      for (const r of settled) if (r.status === "rejected") throw r.reason;
      expect(failures, failures.join("\n")).toEqual([]);
      // Live at the end: the closures of the kept results and of every generation still linked.
      const rootPaths = roots.map((l) => fs.readlinkSync(l));
      const profileLinks = fs
        .readdirSync(path.join(p.root, "var/cairn/profiles"))
        .filter((n) => /-\d+-link$/.test(n))
        .map((n) => fs.readlinkSync(path.join(p.root, "var/cairn/profiles", n)));
      const closure = await runCairn(["path-info", "-r", ...rootPaths, ...profileLinks], { env });
      expect(closure.status, closure.stderr).toBe(0);
      const live = new Set(closure.out.trim().split("\n"));
      const lost = [...live].filter((x) => deleted.has(x));
      expect(lost, "live paths the gc deleted").toEqual([]);
      const v = await runCairn(["verify", "--all", "--check-contents"], { env });
      expect(v.status, v.stderr).toBe(0);
      // Quiet: one gc, then the store holds exactly the live closures.
      const final = await runCairn(["gc"], { env });
      expect(final.status, final.stderr).toBe(0);
      const left = fs.readdirSync(path.join(p.root, "store")).filter((n) => !n.startsWith(".")).map((n) => `${p.root}/store/${n}`);
      // What the gc keeps: the closures above plus, with keep-derivations (the default, as in
      // Nix), the .drv closures of live outputs.
      const printLive = await runCairn(["gc", "--print-live"], { env });
      const kept = new Set(printLive.out.trim().split("\n"));
      for (const x of live) expect(kept.has(x), `${x} is live`).toBe(true);
      expect(left.filter((x) => !kept.has(x)), "garbage left after a quiet gc").toEqual([]);
      expect(left.filter((x) => !live.has(x)).every((x) => x.endsWith(".drv") || /-bb$/.test(x) || /\.ts$|-tool-/.test(x)), "only derivers kept besides the closures").toBe(true);
      const c = await checkStore({ root: p.root });
      expect(c.violations, c.violations.join("\n")).toEqual([]);
      console.log(`GC-7: ${BUILDERS} builders + gc + profile switcher, ${SECONDS} s: ${builds} builds, ${gcs} gc runs, ${deleted.size} deletions, ${generations.length} generations, 0 live paths deleted`);
    } finally {
      rmTree(p.dir);
    }
  }, (SECONDS + 300) * 1000);
});
