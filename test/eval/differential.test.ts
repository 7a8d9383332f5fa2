// cairn's evaluation against Nix 2.8 on the cases of test/fixtures/eval/cases/ (NIX-COMPAT.md §5,
// DESIGN.md §4): every case is written once as a Nix expression (<case>.nix) and once as a cairn
// recipe (<case>.ts) with the same attributes.
//
// golden part (always runs): `cairn instantiate` of each .ts case (logical store /nix/store, a
//   fresh --root per case) must give what Nix 2.8 gave for the .nix case, as recorded in
//   test/fixtures/eval/goldens.json and drv/ by scripts/gen-eval-goldens.mjs (see PROVENANCE.md):
//   the same .drv paths, byte-identical .drv files (read from ROOT/store), the same outPath and
//   output paths, the same `show-derivation` JSON text (with and without -r), and nothing else in
//   the store. `cairn derivation import` of every committed .drv gives the same paths, and
//   tampered .drv files are refused.
// live part (needs nix-instantiate on PATH): Nix runs on the .nix cases now, in an isolated store,
//   and cairn's results are compared with it the same way. Without Nix it is skipped ("needs
//   nix"), unless CAIRN_REQUIRE_NIX=1, which turns the absence of Nix into a failure.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalStore } from "../../store/local-store.js";
import { Layout } from "../../store/layout.js";
import { CLI, REPO, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";
import { Limiter, describeRun, runLimited } from "../helpers/proc.js";

// --- goldens ---------------------------------------------------------------------------------
interface AttrGolden {
  drvPath: string;
  nixInstantiatePrinted: string;
  drvFile: string;
  outPath: string;
  outputName: string;
  outputs: { name: string; path: string }[];
  showDerivation: string;
}
interface CaseGolden {
  nix: string;
  ts: string;
  attrs: Record<string, AttrGolden>;
  showDerivation: string;
  showDerivationRecursive: string;
  closure: { drvs: string[]; sources: string[] };
}
interface SourceGolden {
  name: string;
  ca: string;
  narHash: string;
  references: string[];
  kind: "text" | "path";
  contentBase64?: string;
  file?: string;
}
interface Goldens {
  nixVersion: string;
  storeDir: string;
  cases: Record<string, CaseGolden>;
  drvs: Record<string, { path: string; sha256: string; size: number }>;
  sources: Record<string, SourceGolden>;
}

const FIXTURES = path.join(REPO, "test", "fixtures", "eval");
const G = JSON.parse(fs.readFileSync(path.join(FIXTURES, "goldens.json"), "utf8")) as Goldens;
const STORE_DIR = G.storeDir;
const CASE_NAMES = Object.keys(G.cases).sort();
const fixture = (rel: string) => path.join(FIXTURES, rel);

const HAVE_NIX = hasCommand("nix-instantiate");
const REQUIRE_NIX = process.env.CAIRN_REQUIRE_NIX === "1";

// --- processes -------------------------------------------------------------------------------
const limiter = new Limiter(3);
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv) => runLimited(limiter, cmd, args, env);

const work = tmpDir("cairn-eval-diff-");
afterAll(() => rmTree(work));

const cairnEnv: NodeJS.ProcessEnv = { ...process.env, CAIRN_STORE_DIR: STORE_DIR, XDG_CACHE_HOME: path.join(work, "cache") };
delete cairnEnv.CAIRN_CRASH_AT;
delete cairnEnv.CAIRN_ROOT;
const nixEnv: NodeJS.ProcessEnv = { ...process.env, NIX_REMOTE: "" };
delete nixEnv.NIX_STORE_DIR;
delete nixEnv.NIX_STATE_DIR;

const cairnRun = (args: string[]) => run(process.execPath, [CLI, ...args], cairnEnv);
async function cairnOut(args: string[]): Promise<Buffer> {
  const r = await cairnRun(args);
  if (r.status !== 0) throw new Error(describeRun(`cairn ${args.join(" ")}`, r));
  return r.stdout;
}
async function nixOut(cmd: string, args: string[]): Promise<Buffer> {
  const r = await run(cmd, args, nixEnv);
  if (r.status !== 0) throw new Error(describeRun(`${cmd} ${args.join(" ")}`, r));
  return r.stdout;
}
const lines = (b: Buffer) => b.toString().split("\n").filter((l) => l !== "");
/** Store entries (not the store's own dot-files). */
const storeEntries = (realStore: string) =>
  fs.existsSync(realStore) ? fs.readdirSync(realStore).filter((e) => !e.startsWith(".")).sort() : [];

// --- what one implementation answered for one case -------------------------------------------
interface AttrAnswer {
  drvPath: string;
  outPath: string;
}
interface Answers {
  attrs: Map<string, AttrAnswer>;
  /** show-derivation of all the case's attribute .drv files together, and with -r. */
  show: string;
  showRec: string;
  /** drvPath -> `show-derivation DRV` text, where recorded one by one (the goldens) */
  showEach?: Map<string, string>;
  /** base name -> bytes, for every .drv file in the closure */
  drvBytes: Map<string, Buffer>;
  /** what the store holds after the evaluation (base names) */
  entries: string[];
  realStore: string;
}
interface ShownDrv {
  outputs: Record<string, { path: string; hashAlgo?: string; hash?: string }>;
  inputSrcs: string[];
  inputDrvs: Record<string, string[]>;
  system: string;
  builder: string;
  args: string[];
  env: Record<string, string>;
}
const shown = (a: Answers) => JSON.parse(a.show) as Record<string, ShownDrv>;

/**
 * Cut the text of `show-derivation D1 D2 …` into the texts `show-derivation Di` prints alone. In
 * the 2-space layout a line starting with exactly two spaces and a quote is a top-level key.
 */
function splitShow(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const ls = text.split("\n");
  if (ls[0] !== "{" || ls.at(-1) !== "" || ls.at(-2) !== "}") throw new Error("not show-derivation output");
  const body = ls.slice(1, -2);
  let start = 0;
  for (let i = 1; i <= body.length; i++) {
    if (i < body.length && !/^  "/.test(body[i]!)) continue;
    const entry = body.slice(start, i);
    const key = JSON.parse(`{${entry[0]!.replace(/: \{$/, ": 0")}}`) as Record<string, number>;
    entry[entry.length - 1] = entry.at(-1)!.replace(/,$/, "");
    out.set(Object.keys(key)[0]!, `{\n${entry.join("\n")}\n}\n`);
    start = i;
  }
  return out;
}

function readDrvs(realStore: string, entries: string[]): Map<string, Buffer> {
  return new Map(entries.filter((e) => e.endsWith(".drv")).map((e) => [e, fs.readFileSync(path.join(realStore, e))]));
}

/** Evaluate `<case>.ts` with cairn in a fresh root. */
async function cairnCase(name: string): Promise<Answers> {
  const c = G.cases[name]!;
  const attrNames = Object.keys(c.attrs);
  const root = path.join(work, "cairn", name);
  const store = ["--root", root];
  const printed = JSON.parse(
    (await cairnOut(["instantiate", "--json", fixture(c.ts), ...attrNames.flatMap((a) => ["-A", a]), ...store])).toString(),
  ) as { attr: string; drvPath: string; outPath: string }[];
  if (printed.length !== attrNames.length) throw new Error(`cairn instantiate printed ${printed.length} entries for ${attrNames.length} attributes`);
  const attrs = new Map(attrNames.map((a, i) => [a, { drvPath: printed[i]!.drvPath, outPath: printed[i]!.outPath }]));
  const drvPaths = [...new Set([...attrs.values()].map((a) => a.drvPath))];
  const [show, showRec] = await Promise.all([
    cairnOut(["show-derivation", ...drvPaths, ...store]),
    cairnOut(["show-derivation", "-r", ...drvPaths, ...store]),
  ]);
  const realStore = path.join(root, "store");
  const entries = storeEntries(realStore);
  return { attrs, show: show.toString("utf8"), showRec: showRec.toString("utf8"), drvBytes: readDrvs(realStore, entries), entries, realStore };
}

/** Evaluate `<case>.nix` with Nix in an isolated store (logical store dir /nix/store). */
async function nixCase(name: string): Promise<Answers> {
  const c = G.cases[name]!;
  const file = fixture(c.nix);
  const attrNames = JSON.parse((await nixOut("nix-instantiate", ["--eval", "--json", "-E", `builtins.attrNames (import ${JSON.stringify(file)})`])).toString()) as string[];
  const nixRoot = path.join(work, "nix", name);
  const store = ["--store", `local?root=${nixRoot}`, "--option", "substituters", ""];
  const NIX = ["--extra-experimental-features", "nix-command"];
  const printed = lines(await nixOut("nix-instantiate", [...store, file, ...attrNames.flatMap((a) => ["-A", a])]));
  const drvPathList = printed.map((l) => l.replace(/!.*$/, ""));
  const drvPaths = [...new Set(drvPathList)];
  const [show, showRec] = await Promise.all([
    nixOut("nix", [...NIX, "show-derivation", ...store, ...drvPaths]),
    nixOut("nix", [...NIX, "show-derivation", "-r", ...store, ...drvPaths]),
  ]);
  const parsed = JSON.parse(show.toString()) as Record<string, ShownDrv & { env: Record<string, string> }>;
  // outPath = the first listed output: `outputs` in env (or in __json), else "out".
  const firstOutput = (d: ShownDrv) => {
    const json = d.env.__json === undefined ? undefined : (JSON.parse(d.env.__json) as { outputs?: string[] });
    const list = json ? json.outputs : d.env.outputs?.split(/[ \t\n\r]+/).filter((s) => s !== "");
    return list?.[0] ?? "out";
  };
  const attrs = new Map(
    attrNames.map((a, i) => {
      const d = parsed[drvPathList[i]!]!;
      return [a, { drvPath: drvPathList[i]!, outPath: d.outputs[firstOutput(d)]!.path }];
    }),
  );
  const realStore = path.join(nixRoot, "nix", "store");
  const entries = storeEntries(realStore);
  return { attrs, show: show.toString("utf8"), showRec: showRec.toString("utf8"), drvBytes: readDrvs(realStore, entries), entries, realStore };
}

/** Nix's recorded answers in the same shape. */
function goldenCase(name: string): Answers {
  const c = G.cases[name]!;
  const drvBytes = new Map(c.closure.drvs.map((f) => [path.basename(f), fs.readFileSync(fixture(f))]));
  return {
    attrs: new Map(Object.entries(c.attrs).map(([a, g]) => [a, { drvPath: g.drvPath, outPath: g.outPath }])),
    show: c.showDerivation,
    showRec: c.showDerivationRecursive,
    showEach: new Map(Object.values(c.attrs).map((g) => [g.drvPath, g.showDerivation])),
    drvBytes,
    entries: [...c.closure.drvs.map((f) => path.basename(f)), ...c.closure.sources.map((p) => path.basename(p))].sort(),
    realStore: FIXTURES,
  };
}

/** Every comparison of `got` (cairn) with `want` (Nix), each reported on its own. */
function compare(name: string, want: Answers, got: Answers): void {
  for (const [a, w] of want.attrs) {
    const g = got.attrs.get(a);
    expect.soft(g?.drvPath, `${name}.${a}: .drv path`).toBe(w.drvPath);
    expect.soft(g?.outPath, `${name}.${a}: outPath (the first output)`).toBe(w.outPath);
  }
  expect.soft([...got.attrs.keys()], `${name}: attributes`).toEqual([...want.attrs.keys()]);
  // Output paths of every attribute, from show-derivation.
  const ws = shown(want);
  const gs = shown(got);
  for (const [a, w] of want.attrs) {
    const wantOuts = Object.fromEntries(Object.entries(ws[w.drvPath]?.outputs ?? {}).map(([o, v]) => [o, v.path]));
    const gd = got.attrs.get(a)?.drvPath;
    const gotOuts = Object.fromEntries(Object.entries((gd && gs[gd]?.outputs) || {}).map(([o, v]) => [o, v.path]));
    expect.soft(gotOuts, `${name}.${a}: output paths`).toEqual(wantOuts);
  }
  // The .drv files: the same set, byte for byte.
  expect.soft([...got.drvBytes.keys()].sort(), `${name}: the .drv files in the store`).toEqual([...want.drvBytes.keys()].sort());
  for (const [base, bytes] of want.drvBytes) {
    const g = got.drvBytes.get(base);
    if (g === undefined) continue; // reported above
    if (!g.equals(bytes)) expect.soft(g.toString("latin1"), `${name}: bytes of ${base}`).toBe(bytes.toString("latin1"));
  }
  for (const [base, g] of got.drvBytes) {
    if (want.drvBytes.has(base)) continue;
    // Show the nearest Nix .drv of the same name, to make the difference visible.
    const same = [...want.drvBytes].find(([b]) => b.slice(33) === base.slice(33));
    if (same) expect.soft(g.toString("latin1"), `${name}: cairn wrote ${base}, Nix wrote ${same[0]}`).toBe(same[1].toString("latin1"));
  }
  expect.soft(got.entries, `${name}: store entries (.drv files and sources)`).toEqual(want.entries);
  // Each attribute's derivation alone, as `show-derivation DRV` prints it.
  const wantEach = want.showEach ?? splitShow(want.show);
  const gotEach = splitShow(got.show);
  for (const [a, w] of want.attrs) {
    const gd = got.attrs.get(a)?.drvPath;
    const g = gd === undefined ? undefined : gotEach.get(gd);
    expect.soft(g, `${name}.${a}: show-derivation text of its .drv`).toBe(wantEach.get(w.drvPath));
  }
  expect.soft(got.show, `${name}: show-derivation text`).toBe(want.show);
  expect.soft(got.showRec, `${name}: show-derivation -r text`).toBe(want.showRec);
}

// --- cairn's answers, computed once for both parts -------------------------------------------
const cairnAnswers = new Map<string, Answers | Error>();
beforeAll(async () => {
  await Promise.all(
    CASE_NAMES.map(async (name) => {
      try {
        cairnAnswers.set(name, await cairnCase(name));
      } catch (e) {
        cairnAnswers.set(name, e as Error);
      }
    }),
  );
});
function cairnFor(name: string): Answers {
  const a = cairnAnswers.get(name);
  if (a === undefined) throw new Error(`no cairn result for ${name}`);
  if (a instanceof Error) throw a;
  return a;
}

// =============================================================================================
describe("golden: cairn instantiate gives Nix 2.8's recorded answers (test/fixtures/eval)", () => {
  it("every case exists as .nix and .ts, and the goldens cover exactly the .nix cases", () => {
    const files = fs.readdirSync(fixture("cases")).filter((f) => /\.(nix|ts)$/.test(f));
    const nix = files.filter((f) => f.endsWith(".nix")).map((f) => f.slice(0, -4)).sort();
    const ts = files.filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3)).sort();
    expect(ts).toEqual(nix);
    expect(CASE_NAMES).toEqual(nix);
    expect(CASE_NAMES.length).toBeGreaterThanOrEqual(30);
    for (const base of Object.keys(G.drvs)) expect(fs.existsSync(fixture(`drv/${base}`)), base).toBe(true);
    expect(fs.readdirSync(fixture("drv")).sort()).toEqual(Object.keys(G.drvs).sort());
  });

  it("the committed .drv files are the ones goldens.json describes", async () => {
    const { createHash } = await import("node:crypto");
    for (const [base, d] of Object.entries(G.drvs)) {
      const bytes = fs.readFileSync(fixture(`drv/${base}`));
      expect(createHash("sha256").update(bytes).digest("hex"), base).toBe(d.sha256);
      expect(d.path).toBe(`${STORE_DIR}/${base}`);
    }
  });

  it("cutting Nix's show-derivation of several .drv files gives its text for each one alone", () => {
    for (const name of CASE_NAMES) {
      const c = G.cases[name]!;
      const each = splitShow(c.showDerivation);
      expect(each.size, name).toBe(new Set(Object.values(c.attrs).map((a) => a.drvPath)).size);
      for (const a of Object.values(c.attrs)) expect(each.get(a.drvPath), `${name}: ${a.drvPath}`).toBe(a.showDerivation);
    }
  });

  for (const name of CASE_NAMES) {
    const attrs = Object.keys(G.cases[name]!.attrs);
    it(`${name} (${attrs.join(", ")})`, () => compare(name, goldenCase(name), cairnFor(name)));
  }

  it("toFile objects hold the text Nix wrote", () => {
    for (const name of CASE_NAMES) {
      const c = cairnFor(name);
      for (const p of G.cases[name]!.closure.sources) {
        const s = G.sources[p]!;
        if (s.kind !== "text") continue;
        const file = path.join(c.realStore, path.basename(p));
        expect.soft(fs.existsSync(file) ? fs.readFileSync(file).toString("base64") : "(missing)", `${name}: ${p}`).toBe(s.contentBase64);
      }
    }
  });

  it("plain `cairn instantiate` prints one .drv path per attribute", async () => {
    const c = G.cases["dep-dev"]!;
    const attrs = Object.keys(c.attrs);
    const out = await cairnOut(["instantiate", fixture(c.ts), ...attrs.flatMap((a) => ["-A", a]), "--root", path.join(work, "plain")]);
    expect(lines(out)).toEqual(attrs.map((a) => c.attrs[a]!.drvPath));
  });
});

// --- what the cases demonstrate (checked on Nix's answers and on cairn's) ---------------------
function drvOf(ans: Answers, attr: string): ShownDrv {
  const a = ans.attrs.get(attr);
  const d = a && shown(ans)[a.drvPath];
  if (!d) throw new Error(`no derivation for attribute ${attr}`);
  return d;
}
const outOf = (ans: Answers, attr: string) => ans.attrs.get(attr)!.outPath;
const drvPathOf = (ans: Answers, attr: string) => ans.attrs.get(attr)!.drvPath;

const RELATIONS: Array<[string, string, (a: Answers) => void]> = [
  [
    "bin-first",
    "`${p}` is p's first output, bin",
    (a) => {
      const p = drvOf(a, "p");
      expect(outOf(a, "p")).toBe(p.outputs.bin!.path);
      expect(drvOf(a, "user").env.tool).toBe(`${p.outputs.bin!.path}/bin/tool`);
      expect(drvOf(a, "user").env.direct).toBe(p.outputs.bin!.path);
      expect(drvOf(a, "user").inputDrvs[drvPathOf(a, "p")]).toEqual(["bin", "out"]);
    },
  ],
  [
    "dep-dev",
    "using lib.dev makes only dev an input; dev and out merge in one entry",
    (a) => {
      expect(drvOf(a, "app").inputDrvs).toEqual({ [drvPathOf(a, "lib")]: ["dev"] });
      expect(drvOf(a, "both").inputDrvs).toEqual({ [drvPathOf(a, "lib")]: ["dev", "out"] });
    },
  ],
  [
    "fod-builder-only",
    "a fixed-output input differing only in builder: dependent's .drv path changes, output path does not",
    (a) => {
      expect(outOf(a, "fodA")).toBe(outOf(a, "fodB"));
      expect(drvPathOf(a, "fodA")).not.toBe(drvPathOf(a, "fodB"));
      expect(outOf(a, "depA")).toBe(outOf(a, "depB"));
      expect(drvPathOf(a, "depA")).not.toBe(drvPathOf(a, "depB"));
    },
  ],
  [
    "fod-name-differs",
    "a fixed-output input differing in name: the dependent's output path changes",
    (a) => {
      expect(outOf(a, "fodA")).not.toBe(outOf(a, "fodB"));
      expect(outOf(a, "depA")).not.toBe(outOf(a, "depB"));
    },
  ],
  [
    "fod-shared-path",
    "two fixed-output .drv files with one output path: both in inputDrvs, merged in the hash",
    (a) => {
      expect(outOf(a, "fodA")).toBe(outOf(a, "fodB"));
      expect(drvPathOf(a, "fodA")).not.toBe(drvPathOf(a, "fodB"));
      expect(Object.keys(drvOf(a, "both").inputDrvs).sort()).toEqual([drvPathOf(a, "fodA"), drvPathOf(a, "fodB")].sort());
      expect(Object.keys(drvOf(a, "onlyA").inputDrvs)).toEqual([drvPathOf(a, "fodA")]);
      expect(Object.keys(drvOf(a, "onlyATemplate").inputDrvs)).toEqual([drvPathOf(a, "fodA")]);
      // Same text, one input .drv instead of two: the same output path, another .drv path.
      expect(outOf(a, "onlyATemplate")).toBe(outOf(a, "both"));
      expect(drvPathOf(a, "onlyATemplate")).not.toBe(drvPathOf(a, "both"));
    },
  ],
  ...["md5", "sha1", "sha256", "sha512"].map((algo): [string, string, (a: Answers) => void] => [
    `fod-${algo}`,
    "every notation of one hash gives one output path per mode",
    (a) => {
      for (const mode of ["flat", "recursive"]) {
        const attrs = [...a.attrs.keys()].filter((k) => k.startsWith(mode));
        expect(attrs.length).toBeGreaterThanOrEqual(9);
        expect(new Set(attrs.map((k) => outOf(a, k))).size).toBe(1);
        for (const k of attrs) expect(drvOf(a, k).outputs.out!.hashAlgo).toBe(mode === "recursive" ? `r:${algo}` : algo);
      }
    },
  ]),
  [
    "outputs-explicit",
    "outputs = [\"out\"] changes the paths; outputs override same-named attributes",
    (a) => {
      expect(outOf(a, "implicit")).not.toBe(outOf(a, "explicit"));
      expect(drvOf(a, "explicit").env.outputs).toBe("out");
      expect(drvOf(a, "implicit").env.outputs).toBeUndefined();
      const o = drvOf(a, "override");
      expect(o.env.out).toBe(o.outputs.out!.path);
      expect(o.env.dev).toBe(o.outputs.dev!.path);
      expect(outOf(a, "reordered")).toBe(drvOf(a, "reordered").outputs.man!.path);
    },
  ],
  [
    "to-file",
    "a derivation using a toFile gets the toFile path, not its references",
    (a) => {
      const srcs = drvOf(a, "drv").inputSrcs;
      expect(srcs.map((s) => s.slice(44)).sort()).toEqual(["fancy.txt", "plain.txt", "refs.sh"]);
    },
  ],
  [
    "env-lists",
    "Nix's list spacing (NIX-COMPAT.md §5.6.1)",
    (a) => {
      const env = drvOf(a, "drv").env;
      expect([env.l1, env.l2, env.l3, env.l4, env.l5, env.types]).toEqual(["a b", "a ", "a", "a  b", "a b c", "a b 3 c"]);
    },
  ],
  [
    "structured-fod",
    "__structuredAttrs = false is an ordinary attribute",
    (a) => {
      expect(drvOf(a, "notStructured").env.__structuredAttrs).toBe("");
      expect(drvOf(a, "fod").env.__json).toBeDefined();
    },
  ],
];

describe("what the cases demonstrate, in Nix's answers (goldens) and in cairn's", () => {
  for (const [name, what, check] of RELATIONS) {
    it(`nix: ${name}: ${what}`, () => check(goldenCase(name)));
    it(`cairn: ${name}: ${what}`, () => check(cairnFor(name)));
  }
});

// =============================================================================================
describe("golden: cairn derivation import of the .drv files Nix wrote", () => {
  const root = path.join(work, "import");
  const realStore = path.join(root, "store");

  /** Sources first (path literals with `cairn add`, toFile objects as text objects). */
  beforeAll(async () => {
    const paths = Object.entries(G.sources).filter(([, s]) => s.kind === "path");
    const added = lines(await cairnOut(["add", ...paths.map(([, s]) => fixture(s.file!)), "--root", root]));
    expect(added).toEqual(paths.map(([p]) => p));
    const store = LocalStore.open(new Layout(root, STORE_DIR));
    try {
      const texts = new Map(Object.entries(G.sources).filter(([, s]) => s.kind === "text"));
      const done = new Set(paths.map(([p]) => p));
      while (texts.size > 0) {
        const ready = [...texts].filter(([, s]) => s.references.every((r) => done.has(r)));
        if (ready.length === 0) throw new Error("toFile sources with unresolvable references");
        for (const [p, s] of ready) {
          expect(store.addText(s.name, Buffer.from(s.contentBase64!, "base64"), s.references)).toBe(p);
          done.add(p);
          texts.delete(p);
        }
      }
    } finally {
      await store.close();
    }
  });

  it("all committed .drv files in one call (dependents listed first) get Nix's paths", async () => {
    const bases = Object.keys(G.drvs).sort().reverse();
    // Every attribute's own .drv (the top of its closure) first, so that many dependents come
    // before their inputs: inputs later in the same call must do.
    const tops = new Set(Object.values(G.cases).flatMap((c) => Object.values(c.attrs).map((a) => path.basename(a.drvPath))));
    const ordered = [...bases.filter((b) => tops.has(b)), ...bases.filter((b) => !tops.has(b))];
    const out = lines(await cairnOut(["derivation", "import", ...ordered.map((b) => fixture(`drv/${b}`)), "--root", root]));
    expect(out).toEqual(ordered.map((b) => G.drvs[b]!.path));
    for (const b of ordered) expect.soft(fs.readFileSync(path.join(realStore, b)).equals(fs.readFileSync(fixture(`drv/${b}`))), b).toBe(true);
    // Imported derivations read back as Nix printed them.
    const c = G.cases["spec-examples"]!;
    const drvPaths = [...new Set(Object.values(c.attrs).map((a) => a.drvPath))];
    expect((await cairnOut(["show-derivation", "-r", ...drvPaths, "--root", root])).toString("utf8")).toBe(c.showDerivationRecursive);
  });

  it("inputs first, one file per call (chain-3, diamond)", async () => {
    const root2 = path.join(work, "import-chain");
    for (const name of ["chain-3", "diamond"]) {
      const c = G.cases[name]!;
      // Closure order: a .drv after every .drv its ATerm names.
      const files = [...c.closure.drvs];
      const text = new Map(files.map((f) => [f, fs.readFileSync(fixture(f), "latin1")]));
      const ordered: string[] = [];
      while (ordered.length < files.length) {
        const before = ordered.length;
        for (const f of files) {
          if (ordered.includes(f)) continue;
          const deps = files.filter((o) => o !== f && text.get(f)!.includes(G.drvs[path.basename(o)]!.path));
          if (deps.every((d) => ordered.includes(d))) ordered.push(f);
        }
        if (ordered.length === before) throw new Error(`${name}: no .drv without unimported inputs`);
      }
      for (const f of ordered) {
        expect(lines(await cairnOut(["derivation", "import", fixture(f), "--root", root2]))).toEqual([G.drvs[path.basename(f)]!.path]);
      }
    }
  });

  it("a .drv whose inputs are missing is refused", async () => {
    const c = G.cases["chain-3"]!;
    const r = await cairnRun(["derivation", "import", fixture(c.attrs.c!.drvFile), "--root", path.join(work, "import-missing")]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^cairn: derivation import: .*chain-c\.drv.*\n$/);
    expect(storeEntries(path.join(work, "import-missing", "store"))).toEqual([]);
  });

  describe("tampered .drv files are refused, naming the file, and nothing is added", () => {
    const trivial = G.cases.trivial!.attrs.drv!;
    const fod = G.cases["spec-examples"]!.attrs.fod!;
    const multi = G.cases["multi-output"]!.attrs.drv!;
    const outPath = trivial.outPath;
    /** The same path with the first character of its hash part changed. */
    const flip = (p: string) => {
      const i = STORE_DIR.length + 1;
      return p.slice(0, i) + (p[i] === "0" ? "1" : "0") + p.slice(i + 1);
    };
    const devPath = multi.outputs.find((o) => o.name === "dev")!.path;
    const wrongOutput = (o: string) => new RegExp(`output '${o}' is '/nix/store/[^']*', but the derivation's hash gives '/nix/store/`);
    const cases: Array<[string, AttrGolden, (s: string) => string, RegExp]> = [
      ["output path changed (outputs and env)", trivial, (s) => s.split(outPath).join(flip(outPath)), wrongOutput("out")],
      ["output path changed in the outputs only", trivial, (s) => s.replace(`("out","${outPath}"`, `("out","${flip(outPath)}"`), wrongOutput("out")],
      ["env `out` changed", trivial, (s) => s.replace(`("out","${outPath}")`, `("out","${flip(outPath)}")`), /environment variable 'out' is not the output path/],
      ["env changed, outputs kept", trivial, (s) => s.replace('("name","example")', '("name","exampl3")'), wrongOutput("out")],
      ["fixed output: hash changed, path kept", fod, (s) => s.replace('"sha256","ba7816bf', '"sha256","ca7816bf'), wrongOutput("out")],
      ["second output's path changed", multi, (s) => s.replace(`("dev","${devPath}"`, `("dev","${flip(devPath)}"`), wrongOutput("dev")],
    ];
    for (const [what, g, tamper, why] of cases) {
      it(what, async () => {
        const original = fs.readFileSync(fixture(g.drvFile), "latin1");
        const changed = tamper(original);
        expect(changed).not.toBe(original);
        const dir = path.join(work, "tampered", what.replace(/\W+/g, "-"));
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, path.basename(g.drvPath));
        fs.writeFileSync(file, changed, "latin1");
        const root3 = path.join(dir, "root");
        const before = storeEntries(path.join(root3, "store"));
        const r = await cairnRun(["derivation", "import", file, "--root", root3]);
        expect(r.status).not.toBe(0);
        expect(r.stdout.toString()).toBe("");
        expect(r.stderr.split("\n").filter((l) => l !== "")).toHaveLength(1);
        expect(r.stderr).toMatch(/^cairn: derivation import: /);
        expect(r.stderr).toContain(`${file}: `);
        expect(r.stderr).toMatch(why);
        expect(storeEntries(path.join(root3, "store"))).toEqual(before);
      });
    }
  });
});

// =============================================================================================
describe("live: Nix on PATH", () => {
  it("nix-instantiate is available (needs nix; CAIRN_REQUIRE_NIX=1 makes its absence a failure)", async (ctx) => {
    if (!HAVE_NIX) {
      if (REQUIRE_NIX) throw new Error("nix-instantiate not found but CAIRN_REQUIRE_NIX=1");
      ctx.skip("needs nix: nix-instantiate is not on PATH (CAIRN_REQUIRE_NIX=1 makes this a failure)");
    }
    const version = (await nixOut("nix-instantiate", ["--version"])).toString().trim();
    expect(version).toMatch(/^nix-instantiate \(Nix\) \d+\.\d+/);
    if (version !== G.nixVersion) await ctx.annotate(`goldens were made with '${G.nixVersion}', live Nix is '${version}'`);
  });
});

describe.skipIf(!HAVE_NIX)("live: cairn and Nix side by side on the same cases (needs nix)", () => {
  const nixAnswers = new Map<string, Answers | Error>();
  beforeAll(async () => {
    await Promise.all(
      CASE_NAMES.map(async (name) => {
        try {
          nixAnswers.set(name, await nixCase(name));
        } catch (e) {
          nixAnswers.set(name, e as Error);
        }
      }),
    );
  });
  const nixFor = (name: string) => {
    const a = nixAnswers.get(name);
    if (a === undefined || a instanceof Error) throw a ?? new Error(`no Nix result for ${name}`);
    return a;
  };

  for (const name of CASE_NAMES) {
    it(`${name}: cairn = Nix`, () => compare(name, nixFor(name), cairnFor(name)));
  }

  it("the goldens are up to date (live Nix = goldens.json)", () => {
    for (const name of CASE_NAMES) {
      const live = nixFor(name);
      const g = goldenCase(name);
      expect.soft([...live.attrs], name).toEqual([...g.attrs]);
      expect.soft(live.showRec, `${name}: show-derivation -r`).toBe(g.showRec);
      expect.soft(live.entries, `${name}: store entries`).toEqual(g.entries);
    }
  });
});
