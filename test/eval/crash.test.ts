// CR-1 (RELIABILITY.md §5) for `cairn instantiate`: killed at each crash point of writing the
// .drv files (CAIRN_CRASH_AT=<point>:<n>), the store must stay consistent (`cairn verify
// --check-contents` and the independent checker), nothing may be registered before the files are
// in place and durable, and a re-run must give what a crash-free run gives. Two recipes: a small
// one (a file fsynced at a time) and one of 100 derivations (one syncfs), each with and without
// -A (without it, files are staged while the recipe evaluates).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmTree, tmpDir } from "../helpers/cli.js";
import { checkStore, runCairn, type VerifyJson } from "../helpers/checker.js";

const STORE_DIR = "/cairn-crash-test/store";
let scratch: string;
let n = 0;

const small = `import { derivation, path, toFile } from "cairn";
const src = path("./data.txt");
const note = toFile("note", \`uses \${src}\`);
const a = derivation({ name: "a", system: "x86_64-linux", builder: "/bin/sh", src, note });
const b = derivation({ name: "b", system: "x86_64-linux", builder: "/bin/sh", outputs: ["out", "dev"], deps: [a] });
export const c = derivation({ name: "c", system: "x86_64-linux", builder: "/bin/sh", lib: b.dev, a });
export default { a, b, c };
`;

const big = `import { derivation, path } from "cairn";
const src = path("./data.txt");
const all = {};
let prev = [];
for (let i = 0; i < 100; i++) {
  const d = derivation({ name: \`p\${i}\`, system: "x86_64-linux", builder: "/bin/sh", src, deps: prev.slice(-3) });
  all[\`p\${i}\`] = d;
  prev.push(d);
}
export const last = prev[99];
export default all;
`;

interface Case {
  name: string;
  file: string;
  attrs: string[];
  /** .drv files (and toFile objects) the selection writes: those the crash points guard. */
  texts: number;
}
const cases: Case[] = [];
const reference = new Map<string, { out: string; valid: string[]; root: string }>();

const envOf = (root: string, crashAt?: string) => ({ CAIRN_ROOT: root, CAIRN_STORE_DIR: STORE_DIR, CAIRN_CRASH_AT: crashAt, XDG_CACHE_HOME: path.join(scratch, "cache") });
const instantiate = (c: Case, root: string, crashAt?: string) => runCairn(["instantiate", c.file, ...c.attrs.flatMap((a) => ["-A", a])], { env: envOf(root, crashAt) });

async function consistent(root: string): Promise<string[]> {
  const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env: envOf(root) });
  const rep = JSON.parse(v.out) as VerifyJson;
  expect(rep.problems, JSON.stringify(rep.problems)).toEqual([]);
  const c = await checkStore({ root, storeDir: STORE_DIR, verifyChecked: rep.checked });
  expect(c.violations, c.violations.join("\n")).toEqual([]);
  return [...c.valid.keys()].sort();
}

beforeAll(async () => {
  scratch = tmpDir("cairn-eval-crash-");
  fs.writeFileSync(path.join(scratch, "data.txt"), "data\n");
  fs.writeFileSync(path.join(scratch, "small.ts"), small);
  fs.writeFileSync(path.join(scratch, "big.ts"), big);
  const s = path.join(scratch, "small.ts");
  const b = path.join(scratch, "big.ts");
  cases.push(
    { name: "small recipe", file: s, attrs: [], texts: 4 },
    { name: "small recipe -A c", file: s, attrs: ["c"], texts: 4 },
    { name: "100 derivations", file: b, attrs: [], texts: 100 },
    { name: "100 derivations -A last", file: b, attrs: ["last"], texts: 100 },
  );
  for (const c of cases) {
    const root = path.join(scratch, `ref-${n++}`);
    const r = await instantiate(c, root);
    expect(r.status, r.stderr).toBe(0);
    const valid = await consistent(root);
    // The path() source, and the texts.
    expect(valid.length).toBe(1 + c.texts);
    reference.set(c.name, { out: r.out, valid, root });
  }
}, 120_000);

afterAll(() => {
  if (scratch !== undefined) rmTree(scratch);
});

// add.registering:1 is path()'s own registration; :2 is the transaction registering the texts.
const POINTS: [string, boolean][] = [
  ["texts.written:1", false],
  ["texts.synced:1", false],
  ["texts.renamed:1", false],
  ["add.registering:2", false],
  ["texts.registered:1", true],
];

describe("CR-1: instantiate killed while writing .drv files", () => {
  for (const [point, registered] of POINTS) {
    it(`${point}: consistent, ${registered ? "all" : "no"} texts registered, and a re-run completes`, async () => {
      for (const c of cases) {
        const ref = reference.get(c.name)!;
        const root = path.join(scratch, `crash-${n++}`);
        const r = await instantiate(c, root, point);
        expect(r.signal, `${c.name}: exit ${r.status}: ${r.stderr}`).toBe("SIGKILL");
        expect(r.out).toBe("");
        const valid = await consistent(root);
        // Before the registering transaction commits nothing but the path() source is valid.
        expect(valid.length, c.name).toBe(registered ? ref.valid.length : 1);
        const again = await instantiate(c, root);
        expect(again.status, again.stderr).toBe(0);
        expect(again.out).toBe(ref.out);
        expect(await consistent(root)).toEqual(ref.valid);
      }
    }, 120_000);
  }
});

describe("a second run", () => {
  it("does not copy a path() source already in the store (add.written is never reached)", async () => {
    for (const c of cases) {
      const ref = reference.get(c.name)!;
      const r = await instantiate(c, ref.root, "add.written:1");
      expect(r.signal, `${c.name}: ${r.stderr}`).toBe(null);
      expect(r.status, r.stderr).toBe(0);
      expect(r.out).toBe(ref.out);
      expect(await consistent(ref.root)).toEqual(ref.valid);
    }
  }, 120_000);
});
