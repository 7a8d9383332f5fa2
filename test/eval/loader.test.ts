// How recipe modules load (eval/linker.ts): ES module semantics through node:vm, with the code
// cache. Each recipe runs twice: compiled, then from its cache, which must make no difference.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, cairn, rmTree, tmpDir } from "../helpers/cli.js";

let work: string;
const run = (file: string, args: string[] = []) =>
  cairn(["instantiate", file, ...args, "--root", path.join(work, "root")], { env: { XDG_CACHE_HOME: path.join(work, "cache"), CAIRN_ROOT: undefined }, cwd: work });

function write(rel: string, text: string): string {
  const f = path.join(work, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, text);
  return f;
}

beforeAll(() => {
  work = tmpDir("cairn-loader-");
  write("lib.ts", `import { derivation } from "cairn";\nexport const mk = (name: string) => derivation({ name, system: "x86_64-linux", builder: "/bin/sh" });\n`);
  write("data/meta.json", `{ "name": "from-json" }\n`);
});
afterAll(() => rmTree(work));

describe("recipe modules", () => {
  it("import other recipe files (./x.js naming x.ts), JSON with attributes, node builtins, and import() at run time", () => {
    const f = write(
      "main.ts",
      [
        'import { mk } from "./lib.js";',
        'import { basename } from "node:path";',
        'import meta from "./data/meta.json" with { type: "json" };',
        "const later = await import(\"./lib.ts\");",
        "export default { a: mk(basename(import.meta.filename, \".ts\")), b: later.mk(meta.name) };",
        "",
      ].join("\n"),
    );
    const first = run(f);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.out).toMatch(/^\S+-main\.drv\n\S+-from-json\.drv\n$/);
    expect(run(f)).toMatchObject({ status: 0, out: first.out, stderr: "" });
  });

  it("the evaluation cli/main.ts starts from the command line before the command loads: guessed or not, the answer is the same", () => {
    // path() is answered by this thread: the thread started early calls it before the command has loaded.
    const f = write(
      "guess.ts",
      'import { path } from "cairn";\nimport { mk } from "./lib.js";\nconst d = path("./data");\nexport default { a: mk("guess-a"), b: { c: derivation({ name: "guess-c", system: "x86_64-linux", builder: "/bin/sh", d }) } };\nimport { derivation } from "cairn";\n',
    );
    const want = run(f, ["-A", "b.c"]);
    expect(want.status, want.stderr).toBe(0);
    expect(want.out).toMatch(/^\S+-guess-c\.drv\n$/);
    // Guessed (cli/guess.ts: relative file, --attr=, -Ab.c, --store-dir as its own word, options
    // before the file) and not guessed (`--` before the file).
    for (const args of [["guess.ts", "--attr=b.c"], [f, "-Ab.c"], [f, "-A", "b.c", "--store-dir", path.join(work, "root/store")], ["-A", "b.c", f], ["-A", "b.c", "--", f]]) {
      const r = cairn(["instantiate", "--root", path.join(work, "root"), ...args], { env: { XDG_CACHE_HOME: path.join(work, "cache"), CAIRN_ROOT: undefined }, cwd: work });
      expect(r, args.join(" ")).toMatchObject({ status: 0, out: want.out, stderr: "" });
    }
    // Without -A: the default export's derivations (not nested ones), streamed as they are made.
    expect(run(f)).toMatchObject({ status: 0, out: expect.stringMatching(/^\S+-guess-a\.drv\n$/) });
  });

  it("a head start the command did not ask for is dropped: its answer is not taken for another request", async () => {
    const f = write("heads.ts", 'import { mk } from "./lib.js";\nexport default { a: mk("head-a"), b: { c: mk("head-c") } };\n');
    const dist = (m: string) => import(path.join(REPO, "dist", m));
    const { prestartEvaluator, headStart } = await dist("eval/prestart.js");
    const { Evaluator } = await dist("cli/evaluate.js");
    const storeDir = "/cairn-heads-test/store";
    const cacheDir = path.join(work, "cache");
    const names = async (attrs: string[], guessed: string[]) => {
      prestartEvaluator();
      headStart({ storeDir, cacheDir, file: f, attrs: guessed });
      const ev = new Evaluator(storeDir, cacheDir);
      try {
        const r = (await ev.evaluate(f, attrs)) as { selected: { name: string[] } };
        return r.selected.name;
      } finally {
        await ev.close();
      }
    };
    expect(await names(["b.c"], ["a"])).toEqual(["head-c"]);
    expect(await names(["a"], ["a"])).toEqual(["head-a"]);
    expect(await names(["b.c"], [])).toEqual(["head-c"]);
  });

  it("import.meta: url, dirname, filename and resolve name the recipe's own place", () => {
    const f = write(
      "sub/where.ts",
      [
        'import { derivation } from "cairn";',
        "const facts = [import.meta.url, import.meta.dirname, import.meta.filename, import.meta.resolve(\"./x.txt\")].join(\" \");",
        'export default derivation({ name: "where", system: "x86_64-linux", builder: "/bin/sh", facts });',
        "",
      ].join("\n"),
    );
    const dir = path.dirname(f);
    const first = run(f, ["--json"]);
    expect(first.status, first.stderr).toBe(0);
    const drv = (JSON.parse(first.out) as { drvPath: string }[])[0]!.drvPath;
    const text = fs.readFileSync(path.join(work, "root/store", path.basename(drv)), "utf8");
    expect(text).toContain(`("facts","file://${f} ${dir} ${f} file://${dir}/x.txt")`);
    expect(run(f, ["--json"]).out).toBe(first.out);
  });

  it("an error at run time names the recipe's line and column, from the cache too", () => {
    const f = write("throws.ts", 'import { derivation } from "cairn";\nconst x: { a?: { b: string } } = {};\nexport default derivation({ name: x.a!.b, system: "s", builder: "/b" });\n');
    for (let i = 0; i < 2; i++) {
      const r = run(f);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe("cairn: instantiate: throws.ts:3:40: TypeError: Cannot read properties of undefined (reading 'b')\n");
    }
  });
});
