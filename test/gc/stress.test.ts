// A small GC-7 (RELIABILITY.md §5) without the builder, which is not on this branch yet: writer
// processes add DAGs of text objects (temp-rooted, as a build's inputs and outputs will be) and
// check at their end that every path they made is still valid with the right bytes; a profile
// switcher makes generations; a gc loop runs all along. Then: no writer lost a path, every
// generation is valid, verify and the independent checker are clean, and a final quiet gc leaves
// only what the roots keep. The builder-based GC-7 (4 builders, 120 s) is for after the merge.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCairn } from "../helpers/checker.js";
import { assertConsistent, envOf, isValid, scratchPerTest, spawnClient } from "./helpers.js";

const SECONDS = Number(process.env.CAIRN_TEST_GC_STRESS_S ?? 20);
const WRITERS = 3;
const dirs = scratchPerTest("cairn-gc-stress-");

describe("gc stress (GC-7 without builds)", () => {
  it(`${WRITERS} writers, a profile switcher and a gc loop for ${SECONDS} s: nothing live is deleted`, async () => {
    const { root, scratch } = dirs;
    const deadline = Date.now() + SECONDS * 1000;
    const profiles = path.join(root, "var/cairn/profiles");
    fs.mkdirSync(profiles, { recursive: true });
    // Writers: DAGs of texts; all theirs stay temp-rooted while they run; they self-check at the end.
    const writers = Array.from({ length: WRITERS }, (_, w) =>
      spawnClient(
        root,
        scratch,
        `const mine = [];
const deadline = ${deadline};
let round = 0;
while (Date.now() < deadline) {
  const refs = [];
  for (let k = 0; k < 3 && mine.length > 0; k++) refs.push(mine[Math.floor(Math.random() * mine.length)].path);
  const text = "writer ${w} round " + round++ + " " + Math.random() + " " + [...new Set(refs)].join(" ");
  const p = store.addText("w${w}-" + round, text, [...new Set(refs)]);
  mine.push({ path: p, text });
}
let bad = 0;
for (const { path: p, text } of mine) {
  if (!store.isValidPath(p) || fs.readFileSync(store.realPath(p), "utf8") !== text) { bad++; console.log("LOST " + p); }
}
console.log("checked " + mine.length + " bad " + bad);`,
        { T_WAIT: "0" },
      ),
    );
    // Garbage makers: short-lived clients whose paths become dead when they exit.
    const garbage = (async () => {
      let n = 0;
      while (Date.now() < deadline) {
        const c = spawnClient(root, scratch, `for (let i = 0; i < 20; i++) store.addText("junk-${n}-" + i, "junk ${n} " + i + " " + Math.random());`, { T_WAIT: "0" });
        await c.done;
        n++;
      }
      return n;
    })();
    // Profile switcher: temp root, generation link, atomic switch (the layout profiles/ will use).
    const generations: string[] = [];
    const switcher = (async () => {
      let gen = 0;
      while (Date.now() < deadline) {
        gen++;
        const c = spawnClient(
          root,
          scratch,
          `const dir = ${JSON.stringify(profiles)};
const p = store.addText("gen-${gen}", "generation ${gen} " + Math.random());
fs.symlinkSync(p, path.join(dir, "default-${gen}-link.tmp"));
fs.renameSync(path.join(dir, "default-${gen}-link.tmp"), path.join(dir, "default-${gen}-link"));
fs.symlinkSync("default-${gen}-link", path.join(dir, "default.tmp"));
fs.renameSync(path.join(dir, "default.tmp"), path.join(dir, "default"));
console.log("gen " + p);`,
          { T_WAIT: "0" },
        );
        const r = await c.done;
        expect(r.status, r.err).toBe(0);
        generations.push(/gen (\S+)/.exec(r.out)![1]!);
      }
    })();
    let gcs = 0;
    let deletions = 0;
    const gcLoop = (async () => {
      while (Date.now() < deadline) {
        const r = await runCairn(["gc", "--json"], { env: envOf(root) });
        expect(r.status, r.stderr).toBe(0);
        deletions += (JSON.parse(r.out) as { deleted: string[] }).deleted.length;
        gcs++;
      }
    })();
    const results = await Promise.all(writers.map((w) => w.done));
    await Promise.all([garbage, switcher, gcLoop]);
    for (const r of results) {
      expect(r.status, r.err).toBe(0);
      expect(r.out).toMatch(/checked \d+ bad 0/);
    }
    for (const g of generations) expect(isValid(root, g)).toBe(true);
    await assertConsistent(root);
    // Quiet: the writers are gone, so only the generations remain after one gc.
    const final = await runCairn(["gc"], { env: envOf(root) });
    expect(final.status, final.stderr).toBe(0);
    const left = fs.readdirSync(path.join(root, "store")).filter((n) => !n.startsWith("."));
    expect(left.sort()).toEqual(generations.map((g) => path.basename(g)).sort());
    await assertConsistent(root);
    const written = results.map((r) => Number(/checked (\d+)/.exec(r.out)![1])).reduce((a, b) => a + b, 0);
    console.log(`gc stress: ${SECONDS} s, ${written} paths written by ${WRITERS} writers, ${generations.length} generations, ${gcs} gc runs, ${deletions} deletions, 0 live paths lost`);
  }, 600_000);
});
