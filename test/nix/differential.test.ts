// cairn against Nix 2.8 on the trees of test/nix/trees.ts (NIX-COMPAT.md §1–4).
//
// golden part (always runs): cairn's `hash` (every type and notation, --flat), `dump`, `restore`,
//   `add`, `add --flat` and `path-info --json` must give exactly what Nix 2.8 gave for the same
//   trees, as recorded in test/fixtures/nix/goldens.json and nar/*.nar by
//   scripts/gen-nix-goldens.mjs (see test/fixtures/nix/PROVENANCE.md).
// live part (needs nix-store on PATH): Nix and cairn run side by side on the same freshly built
//   trees and their outputs are compared byte for byte. Without Nix it is skipped ("needs nix"),
//   unless CAIRN_REQUIRE_NIX=1, which turns the absence of Nix into a failure.
//
// Both stores use the logical store directory /nix/store: cairn through CAIRN_STORE_DIR with a
// fresh --root for this file, Nix through an isolated `--store local?root=DIR`.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, REPO, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";
import { Limiter, describeRun, runLimited } from "../helpers/proc.js";
import { TREES, buildTrees, treeKind, type TreeDef, type TreeKind } from "./trees.js";

// --- goldens ---------------------------------------------------------------------------------
interface HashForms {
  base16: string;
  base32: string;
  sri: string;
}
interface PathInfo {
  narHash: string;
  narSize: number;
  closureSize?: number;
  ca?: string;
  references: string[];
}
interface TreeGolden {
  kind: TreeKind;
  about: string;
  big?: boolean;
  nar: { sha256: string; size: number; file?: string };
  hash: Record<string, HashForms>;
  flatHash?: Record<string, HashForms>;
  add: { path: string; pathInfo: PathInfo };
  addFixed?: { path: string; pathInfo: PathInfo };
}
interface Goldens {
  nixVersion: string;
  storeDir: string;
  narFileLimit: number;
  trees: Record<string, TreeGolden>;
}

const FIXTURES = path.join(REPO, "test", "fixtures", "nix");
const G = JSON.parse(fs.readFileSync(path.join(FIXTURES, "goldens.json"), "utf8")) as Goldens;
const STORE_DIR = G.storeDir;
const golden = (def: TreeDef): TreeGolden => {
  const g = G.trees[def.name];
  if (!g) throw new Error(`goldens.json has no tree '${def.name}': run node scripts/gen-nix-goldens.mjs`);
  return g;
};
const narFixture = (def: TreeDef): Buffer | undefined => {
  const f = G.trees[def.name]?.nar.file;
  return f ? fs.readFileSync(path.join(FIXTURES, f)) : undefined;
};

const HAVE_NIX = hasCommand("nix-store");
const REQUIRE_NIX = process.env.CAIRN_REQUIRE_NIX === "1";

// --- hash variants ---------------------------------------------------------------------------
const TYPES = ["sha256", "md5", "sha1", "sha512"] as const;
type Form = keyof HashForms;
/** One `cairn hash` invocation: its options and which Nix notation it must print. */
interface Variant {
  key: string; // the options, as shown in failures
  args: string[];
  flat: boolean;
  type: string;
  form: Form;
}
const VARIANTS: Variant[] = [];
for (const flat of [false, true]) {
  const f = flat ? ["--flat"] : [];
  // No options at all: sha256 in nix32 (cairn's documented default).
  VARIANTS.push({ key: [...f].join(" ") || "(no options)", args: f, flat, type: "sha256", form: "base32" });
  for (const type of TYPES)
    for (const form of ["base32", "base16", "sri"] as const) {
      const args = [...f, "--type", type, `--${form}`];
      VARIANTS.push({ key: args.join(" "), args, flat, type, form });
    }
}
/** The big tree is hashed with sha256 only (once per notation). */
const variantApplies = (v: Variant, def: TreeDef) =>
  (!v.flat || treeKind(def) === "regular") && (!def.big || v.type === "sha256");
const variantsOf = (def: TreeDef, flat: boolean) => VARIANTS.filter((v) => v.flat === flat && variantApplies(v, def));

// --- processes -------------------------------------------------------------------------------
const limiter = new Limiter(3);
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer) => runLimited(limiter, cmd, args, env, input);

const cairnEnv: NodeJS.ProcessEnv = { ...process.env, CAIRN_STORE_DIR: STORE_DIR };
delete cairnEnv.CAIRN_CRASH_AT;
delete cairnEnv.CAIRN_ROOT;
const nixEnv: NodeJS.ProcessEnv = { ...process.env, NIX_REMOTE: "" };
delete nixEnv.NIX_STORE_DIR;
delete nixEnv.NIX_STATE_DIR;

const cairnRun = (args: string[], input?: Buffer) => run(process.execPath, [CLI, ...args], cairnEnv, input);

async function cairnOut(args: string[], input?: Buffer): Promise<Buffer> {
  const r = await cairnRun(args, input);
  if (r.status !== 0) throw new Error(describeRun(`cairn ${args.join(" ")}`, r));
  return r.stdout;
}

async function nixOut(cmd: string, args: string[]): Promise<Buffer> {
  const r = await run(cmd, args, nixEnv);
  if (r.status !== 0) throw new Error(describeRun(`${cmd} ${args.join(" ")}`, r));
  return r.stdout;
}

type Result<T> = T | Error;
function ok<T>(v: Result<T> | undefined, what: string): T {
  if (v === undefined) throw new Error(`no result for ${what}`);
  if (v instanceof Error) throw v;
  return v;
}

/**
 * `cairn ARGS P1 P2 …`, one output line per path, as tree name -> line. If the batch fails, each
 * path is run alone so that one bad tree does not take the others' results with it (in parallel:
 * cairn has no daemon, so several processes adding to one store at once must work anyway).
 */
async function cairnPerPath(args: string[], items: Array<[string, string]>): Promise<Map<string, Result<string>>> {
  const out = new Map<string, Result<string>>();
  if (items.length === 0) return out;
  const r = await cairnRun([...args, ...items.map(([, p]) => p)]);
  const lines = r.stdout.toString().split("\n").filter((l) => l !== "");
  if (r.status === 0 && lines.length === items.length) {
    items.forEach(([name], i) => out.set(name, lines[i]!));
    return out;
  }
  await Promise.all(
    items.map(async ([name, p]) => {
      const r1 = await cairnRun([...args, p]);
      out.set(name, r1.status === 0 ? r1.stdout.toString().trim() : new Error(describeRun(`cairn ${[...args, p].join(" ")}`, r1)));
    }),
  );
  return out;
}

/** `path-info --json` of either Nix 2.8 (an array) or later Nix (an object keyed by path). */
function parsePathInfos(json: string): Map<string, PathInfo> {
  const raw = JSON.parse(json) as unknown;
  const entries: Array<[string, Record<string, unknown>]> = Array.isArray(raw)
    ? (raw as Array<Record<string, unknown>>).map((o) => [String(o.path), o])
    : Object.entries(raw as Record<string, Record<string, unknown>>);
  return new Map(
    entries.map(([p, o]) => [
      p,
      {
        narHash: o.narHash as string,
        narSize: o.narSize as number,
        closureSize: o.closureSize as number | undefined,
        ca: o.ca as string | undefined,
        references: (o.references as string[] | undefined) ?? [],
      },
    ]),
  );
}

const sha256hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** "equal", or where and how two NARs differ (never the whole 64 MiB). */
function narDiff(actual: Buffer, expected: Buffer): string {
  if (actual.equals(expected)) return "equal";
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const at = (b: Buffer) => b.subarray(Math.max(0, i - 16), i + 32).toString("hex");
  return `differ at byte ${i} (sizes ${actual.length} vs ${expected.length}); around it: ${at(actual)} vs ${at(expected)}`;
}

// --- the trees, and cairn's answers for them -------------------------------------------------
let work = "";
let trees = new Map<string, string>();
let cairnRoot = "";

beforeAll(() => {
  work = tmpDir("cairn-nix-diff-");
  trees = buildTrees(path.join(work, "trees"));
  cairnRoot = path.join(work, "cairn-root");
  fs.mkdirSync(path.join(work, "restored"));
});
afterAll(() => {
  if (work) rmTree(work);
});

const treePath = (def: TreeDef) => {
  const p = trees.get(def.name);
  if (!p) throw new Error(`tree ${def.name} not built`);
  return p;
};
const items = (defs: readonly TreeDef[]): Array<[string, string]> => defs.map((d) => [d.name, treePath(d)]);
const regularTrees = TREES.filter((d) => treeKind(d) === "regular");

interface CairnResults {
  /** variant key -> tree -> printed hash */
  hash: Map<string, Map<string, Result<string>>>;
  dump: Map<string, Result<Buffer>>;
  add: Map<string, Result<string>>;
  addFlat: Map<string, Result<string>>;
  /** store path -> path-info */
  pathInfo: Map<string, Result<PathInfo>>;
}

let cairnResults: Promise<CairnResults> | undefined;
/** Everything cairn is asked, once, in parallel; shared by the golden and the live part. */
function cairnAnswers(): Promise<CairnResults> {
  return (cairnResults ??= (async () => {
    const hash = new Map<string, Map<string, Result<string>>>();
    const hashing = VARIANTS.map(async (v) => {
      const defs = TREES.filter((d) => variantApplies(v, d));
      hash.set(v.key, await cairnPerPath(["hash", ...v.args], items(defs)));
    });
    const dump = new Map<string, Result<Buffer>>();
    const dumping = TREES.map(async (d) => {
      dump.set(d.name, await cairnOut(["dump", treePath(d)]).catch((e: Error) => e));
    });
    const root = ["--root", cairnRoot];
    // Adds go one batch after the other: both write the same store.
    const add = await cairnPerPath(["add", ...root], items(TREES));
    const addFlat = await cairnPerPath(["add", "--flat", ...root], items(regularTrees));
    const added = [...add.values(), ...addFlat.values()].filter((p): p is string => typeof p === "string");
    const pathInfo = new Map<string, Result<PathInfo>>();
    const r = await cairnRun(["path-info", "--json", "-S", ...root, ...added]);
    if (r.status === 0) for (const [p, info] of parsePathInfos(r.stdout.toString())) pathInfo.set(p, info);
    else
      await Promise.all(
        added.map(async (p) => {
          const out = await cairnOut(["path-info", "--json", "-S", ...root, p]).catch((e: Error) => e);
          pathInfo.set(p, out instanceof Error ? out : (parsePathInfos(out.toString()).get(p) ?? new Error(`no path-info for ${p}`)));
        }),
      );
    await Promise.all([...hashing, ...dumping]);
    return { hash, dump, add, addFlat, pathInfo };
  })());
}

interface Restored {
  /** What the restored top level is. */
  kind: TreeKind;
  /** `cairn dump` of it. */
  again: Buffer;
}

/**
 * `cairn restore` of each tree's committed Nix NAR (or, where none is committed because it is
 * large, of cairn's own dump, which the dump test checks against Nix's hash), then `cairn dump`.
 */
async function restoreAnswers(): Promise<Map<string, Result<Restored>>> {
  const out = new Map<string, Result<Restored>>();
  await Promise.all(
    TREES.map(async (def) => {
      try {
        const nar = narFixture(def) ?? ok((await cairnAnswers()).dump.get(def.name), `dump ${def.name}`);
        const dest = path.join(work, "restored", def.name);
        await cairnOut(["restore", dest], nar);
        const st = fs.lstatSync(dest);
        const kind: TreeKind = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "directory" : "regular";
        out.set(def.name, { kind, again: await cairnOut(["dump", dest]) });
      } catch (e) {
        out.set(def.name, e as Error);
      }
    }),
  );
  return out;
}

const pick = (i: PathInfo) => ({
  narHash: i.narHash,
  narSize: i.narSize,
  closureSize: i.closureSize,
  ca: i.ca,
  references: i.references,
});

// =============================================================================================
describe("golden: cairn gives Nix 2.8's recorded answers (test/fixtures/nix)", () => {
  let C: CairnResults;
  let R: Map<string, Result<Restored>>;
  beforeAll(async () => {
    [C, R] = await Promise.all([cairnAnswers(), restoreAnswers()]);
  });

  it("goldens.json covers exactly the trees of trees.ts", () => {
    expect(Object.keys(G.trees)).toEqual(TREES.map((d) => d.name));
    expect(G.storeDir).toBe("/nix/store");
    for (const d of TREES) expect(golden(d).kind, d.name).toBe(treeKind(d));
  });

  it("the tree set covers what it promises", () => {
    const kinds = TREES.map(treeKind);
    expect(TREES.length).toBeGreaterThanOrEqual(12);
    expect(kinds).toContain("symlink");
    expect(TREES.some((d) => d.big && golden(d).nar.size >= 64 * 1024 * 1024)).toBe(true);
    expect(golden(TREES.find((d) => d.name === "many-small")!).nar.size).toBeGreaterThan(500 * 100);
    // NIX-COMPAT.md §3.3's worked example, as a check on the fixtures themselves.
    const demo = G.trees["demo"]!;
    expect([demo.nar.size, demo.hash.sha256!.base32, demo.add.path]).toEqual([
      872,
      "0558rlyig55mm50wjmh8n07rb4dps4fagl702ng7qf4d8ziqrcfr",
      "/nix/store/dplha0nkgwvks5y02kbg0h22xx1x96nc-demo",
    ]);
  });

  for (const def of TREES) {
    const kind = treeKind(def);
    describe(`${def.name} (${kind}${def.big ? ", big" : ""})`, () => {
      const expectHashes = (flat: boolean) => {
        const g = golden(def);
        const forms = flat ? g.flatHash : g.hash;
        const want: Record<string, string> = {};
        const got: Record<string, unknown> = {};
        for (const v of variantsOf(def, flat)) {
          want[v.key] = forms?.[v.type]?.[v.form] ?? "(missing in goldens.json)";
          const r = C.hash.get(v.key)?.get(def.name);
          got[v.key] = r instanceof Error ? `ERROR ${r.message}` : r;
        }
        expect(got).toEqual(want);
      };

      it("hash: NAR hash in every type and notation = nix-hash / nix hash path", () => expectHashes(false));

      if (kind === "regular")
        it("hash --flat: file hash in every type and notation = nix-hash --flat / nix hash file", () =>
          expectHashes(true));

      it("dump: sha256 and size of the NAR = nix-store --dump" + (narFixture(def) ? ", bytes = the committed NAR" : ""), () => {
        const nar = ok(C.dump.get(def.name), `dump ${def.name}`);
        const g = golden(def);
        expect({ sha256: sha256hex(nar), size: nar.length }).toEqual({ sha256: g.nar.sha256, size: g.nar.size });
        const fixture = narFixture(def);
        if (fixture) expect(narDiff(nar, fixture)).toBe("equal");
      });

      const fixture = narFixture(def);
      it(
        fixture
          ? "restore: Nix's NAR unpacks and re-dumps to the same bytes"
          : "restore: cairn's dump (checked against Nix's hash) unpacks and re-dumps to the same bytes",
        () => {
          const g = golden(def);
          const r = ok(R.get(def.name), `restore ${def.name}`);
          expect(r.kind).toBe(kind);
          if (fixture) expect(narDiff(r.again, fixture)).toBe("equal");
          expect({ sha256: sha256hex(r.again), size: r.again.length }).toEqual({ sha256: g.nar.sha256, size: g.nar.size });
        },
      );

      it("add: store path = nix-store --add; path-info --json = nix path-info --json", () => {
        const g = golden(def);
        const p = ok(C.add.get(def.name), `add ${def.name}`);
        expect(p).toBe(g.add.path);
        expect(pick(ok(C.pathInfo.get(p), `path-info ${p}`))).toEqual(pick(g.add.pathInfo));
      });

      if (kind === "regular")
        it("add --flat: store path = nix-store --add-fixed sha256; path-info --json = Nix's", () => {
          const g = golden(def);
          const p = ok(C.addFlat.get(def.name), `add --flat ${def.name}`);
          expect(p).toBe(g.addFixed?.path);
          expect(pick(ok(C.pathInfo.get(p), `path-info ${p}`))).toEqual(pick(g.addFixed!.pathInfo));
        });
    });
  }
});

// =============================================================================================
describe("live: Nix 2.8 on PATH", () => {
  it("nix-store is available (needs nix; CAIRN_REQUIRE_NIX=1 makes its absence a failure)", async (ctx) => {
    if (!HAVE_NIX) {
      if (REQUIRE_NIX) throw new Error("nix-store not found but CAIRN_REQUIRE_NIX=1");
      ctx.skip("needs nix: nix-store is not on PATH (CAIRN_REQUIRE_NIX=1 makes this a failure)");
    }
    const version = (await nixOut("nix-store", ["--version"])).toString().trim();
    expect(version).toMatch(/^nix-store \(Nix\) \d+\.\d+/);
    if (version !== G.nixVersion) await ctx.annotate(`goldens were made with '${G.nixVersion}', live Nix is '${version}'`);
  });
});

interface NixResults {
  /** `${flat}:${type}:${form}` -> tree -> printed hash */
  hash: Map<string, Map<string, string>>;
  dump: Map<string, Buffer>;
  add: Map<string, string>;
  addFixed: Map<string, string>;
  pathInfo: Map<string, PathInfo>;
}
const nixKey = (flat: boolean, type: string, form: Form) => `${flat ? "flat" : "nar"}:${type}:${form}`;

describe.skipIf(!HAVE_NIX)("live: cairn and Nix side by side on the same trees (needs nix)", () => {
  const NIX = ["--extra-experimental-features", "nix-command"];
  let N: NixResults;
  let C: CairnResults;

  beforeAll(async () => {
    const nixRoot = path.join(work, "nix-root");
    const store = ["--store", `local?root=${nixRoot}`, "--option", "substituters", ""];
    const lines = (b: Buffer) => b.toString().split("\n").filter((l) => l !== "");
    const byTree = (defs: readonly TreeDef[], out: string[]) => {
      if (out.length !== defs.length) throw new Error(`Nix printed ${out.length} lines for ${defs.length} trees`);
      return new Map(defs.map((d, i) => [d.name, out[i]!]));
    };

    const hash = new Map<string, Map<string, string>>();
    const hashing: Array<Promise<void>> = [];
    for (const flat of [false, true])
      for (const type of TYPES)
        for (const form of ["base16", "base32", "sri"] as const) {
          const defs = TREES.filter((d) => (!flat || treeKind(d) === "regular") && (!d.big || type === "sha256"));
          const ps = defs.map(treePath);
          const job =
            form === "sri"
              ? nixOut("nix", [...NIX, "hash", flat ? "file" : "path", "--type", type, "--sri", ...ps])
              : nixOut("nix-hash", [...(flat ? ["--flat"] : []), "--type", type, ...(form === "base32" ? ["--base32"] : []), ...ps]);
          hashing.push(job.then((b) => void hash.set(nixKey(flat, type, form), byTree(defs, lines(b)))));
        }
    const dump = new Map<string, Buffer>();
    const dumping = TREES.map(async (d) => void dump.set(d.name, await nixOut("nix-store", ["--dump", treePath(d)])));
    const add = byTree(TREES, lines(await nixOut("nix-store", [...store, "--add", ...TREES.map(treePath)])));
    const addFixed = byTree(
      regularTrees,
      lines(await nixOut("nix-store", [...store, "--add-fixed", "sha256", ...regularTrees.map(treePath)])),
    );
    const all = [...add.values(), ...addFixed.values()];
    const pathInfo = parsePathInfos((await nixOut("nix", [...NIX, "path-info", ...store, "--json", "-S", ...all])).toString());
    await Promise.all([...hashing, ...dumping]);
    N = { hash, dump, add, addFixed, pathInfo };
    C = await cairnAnswers();
  });

  for (const def of TREES) {
    const kind = treeKind(def);
    describe(`${def.name} (${kind}${def.big ? ", big" : ""})`, () => {
      it("dump: cairn's NAR bytes = nix-store --dump bytes", () => {
        const mine = ok(C.dump.get(def.name), `cairn dump ${def.name}`);
        expect(narDiff(mine, N.dump.get(def.name)!)).toBe("equal");
      });

      const compareHashes = (flat: boolean) => {
        const want: Record<string, string | undefined> = {};
        const got: Record<string, unknown> = {};
        for (const v of variantsOf(def, flat)) {
          want[v.key] = N.hash.get(nixKey(flat, v.type, v.form))?.get(def.name);
          const r = C.hash.get(v.key)?.get(def.name);
          got[v.key] = r instanceof Error ? `ERROR ${r.message}` : r;
        }
        expect(got).toEqual(want);
      };
      it("hash: every type and notation = nix-hash / nix hash path", () => compareHashes(false));
      if (kind === "regular") it("hash --flat: every type and notation = nix-hash --flat / nix hash file", () => compareHashes(true));

      it("add: same store path as nix-store --add; path-info --json narHash/narSize/ca equal", () => {
        const p = ok(C.add.get(def.name), `cairn add ${def.name}`);
        expect(p).toBe(N.add.get(def.name));
        expect(pick(ok(C.pathInfo.get(p), `cairn path-info ${p}`))).toEqual(pick(N.pathInfo.get(p)!));
      });
      if (kind === "regular")
        it("add --flat: same store path as nix-store --add-fixed sha256; path-info --json equal", () => {
          const p = ok(C.addFlat.get(def.name), `cairn add --flat ${def.name}`);
          expect(p).toBe(N.addFixed.get(def.name));
          expect(pick(ok(C.pathInfo.get(p), `cairn path-info ${p}`))).toEqual(pick(N.pathInfo.get(p)!));
        });

      it("Nix still gives the committed goldens for this tree", () => {
        const g = golden(def);
        const nar = N.dump.get(def.name)!;
        expect({ sha256: sha256hex(nar), size: nar.length }).toEqual({ sha256: g.nar.sha256, size: g.nar.size });
        const fixture = narFixture(def);
        if (fixture) expect(narDiff(nar, fixture)).toBe("equal");
        for (const flat of [false, true]) {
          const forms = flat ? g.flatHash : g.hash;
          if (!forms) continue;
          for (const [type, f] of Object.entries(forms))
            for (const form of ["base16", "base32", "sri"] as const)
              expect(N.hash.get(nixKey(flat, type, form))?.get(def.name), `${flat ? "flat " : ""}${type} ${form}`).toBe(f[form]);
        }
        expect(N.add.get(def.name)).toBe(g.add.path);
        expect(pick(N.pathInfo.get(g.add.path)!)).toEqual(pick(g.add.pathInfo));
        if (g.addFixed) {
          expect(N.addFixed.get(def.name)).toBe(g.addFixed.path);
          expect(pick(N.pathInfo.get(g.addFixed.path)!)).toEqual(pick(g.addFixed.pathInfo));
        }
      });
    });
  }
});
