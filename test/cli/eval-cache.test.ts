// The evaluation cache (cli/eval-cache.ts, eval/purity.ts), through the CLI: a second evaluation
// of an unchanged recipe is not run (the recipe's own trace on stderr shows whether it ran), and
// each thing the entry depends on, changed, makes it run again with the new result; an
// evaluation that read something the cache cannot check is never cached.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, rmTree, tmpDir } from "../helpers/cli.js";

let work: string;
let n = 0;
beforeAll(() => {
  work = tmpDir("cairn-evalcache-");
});
afterAll(() => rmTree(work));

const TRACE = "recipe ran";

/** A fresh root and cache, and a recipe directory with the given files. */
function setup(files: Record<string, string>) {
  const dir = path.join(work, `case${n++}`);
  const recipes = path.join(dir, "recipes");
  fs.mkdirSync(recipes, { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(recipes, f)), { recursive: true });
    fs.writeFileSync(path.join(recipes, f), text);
  }
  const env = { CAIRN_ROOT: path.join(dir, "root"), XDG_CACHE_HOME: path.join(dir, "cache"), CAIRN_EVAL_CACHE: undefined, FOO: "1" };
  const run = (args: string[], extra: Record<string, string | undefined> = {}) => {
    const r = cairn(args, { env: { ...env, ...extra }, cwd: recipes });
    if (r.status !== 0) throw new Error(`cairn ${args.join(" ")}: ${r.stderr}`);
    return { out: r.out, ran: r.stderr.includes(TRACE) };
  };
  return { dir, recipes, env, run, file: (f: string) => path.join(recipes, f) };
}

const recipe = (body: string, head = "") => `import { derivation } from "cairn";
${head}
console.error("${TRACE}");
export default { a: derivation({ name: "a", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "/bin/mkdir -p $out/share && echo $v > $out/share/a"], v: ${body} }) };
`;

describe("evaluation cache", () => {
  it("does not run an unchanged recipe again; same output", () => {
    const t = setup({ "r.ts": recipe(`x + "!"`, `import { x } from "./lib.js";`), "lib.ts": `export const x: string = "lib";\n` });
    const first = t.run(["instantiate", "r.ts"]);
    expect(first.ran).toBe(true);
    const second = t.run(["instantiate", "r.ts"]);
    expect(second.ran).toBe(false);
    expect(second.out).toBe(first.out);
    expect(second.out).toMatch(/-a\.drv\n$/);
    // Another attribute selection is another entry.
    expect(t.run(["instantiate", "r.ts", "-A", "a"]).ran).toBe(true);
    expect(t.run(["instantiate", "r.ts", "-A", "a"]).ran).toBe(false);
    // CAIRN_EVAL_CACHE=0 or --no-eval-cache: evaluated every time.
    expect(t.run(["instantiate", "r.ts"], { CAIRN_EVAL_CACHE: "0" }).ran).toBe(true);
    expect(t.run(["instantiate", "--no-eval-cache", "r.ts"]).ran).toBe(true);
    expect(t.run(["build", "r.ts", "--no-eval-cache", "--no-link", "--no-sandbox"]).ran).toBe(true);
    expect(t.run(["profile", "install", "r.ts", "--no-eval-cache"]).ran).toBe(true);
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
  });

  it("hits with a logical store dir other than the physical one (CAIRN_STORE_DIR=/nix/store)", () => {
    const t = setup({ "r.ts": recipe(`"x"`) });
    const nix = { CAIRN_STORE_DIR: "/nix/store" };
    const first = t.run(["instantiate", "r.ts"], nix);
    expect(first.ran).toBe(true);
    expect(first.out).toMatch(/^\/nix\/store\/\S+-a\.drv\n$/);
    expect(t.run(["instantiate", "r.ts"], nix)).toEqual({ ran: false, out: first.out });
    // Another store dir is another key.
    expect(t.run(["instantiate", "r.ts"], { CAIRN_ROOT: path.join(t.dir, "root2") }).ran).toBe(true);
  });

  it("runs it again when an imported recipe file changes, or a file whose absence decided an import appears", () => {
    const t = setup({ "r.ts": recipe(`x`, `import { x } from "./lib.js";`), "lib.ts": `export const x = "one";\n` });
    const one = t.run(["instantiate", "r.ts"]).out;
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
    fs.writeFileSync(t.file("lib.ts"), `export const x = "two";\n`);
    const two = t.run(["instantiate", "r.ts"]);
    expect(two.ran).toBe(true);
    expect(two.out).not.toBe(one);
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
    // ./lib.js named lib.ts because lib.js did not exist: now it does, and it wins.
    fs.writeFileSync(t.file("lib.js"), `export const x = "three";\n`);
    const three = t.run(["instantiate", "r.ts"]);
    expect(three.ran).toBe(true);
    expect(new Set([one, two.out, three.out]).size).toBe(3);
  });

  it("runs it again when a JSON module or a path() source changes", () => {
    const t = setup({
      "r.ts": recipe(`data.v + src`, `import { path } from "cairn";\nimport data from "./data.json" with { type: "json" };\nconst src = path("./src");`),
      "data.json": `{ "v": "one" }`,
      "src/file": "one",
    });
    const outs = [t.run(["instantiate", "r.ts"]).out];
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
    fs.writeFileSync(t.file("data.json"), `{ "v": "two" }`);
    let r = t.run(["instantiate", "r.ts"]);
    expect(r.ran).toBe(true);
    outs.push(r.out);
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
    fs.writeFileSync(t.file("src/file"), "two");
    r = t.run(["instantiate", "r.ts"]);
    expect(r.ran).toBe(true);
    outs.push(r.out);
    expect(new Set(outs).size).toBe(3);
  });

  // Each reads something the cache cannot check: never cached, so a change is always seen.
  const impure: [string, string, string][] = [
    ["process.env", `process.env.FOO ?? ""`, ""],
    ["process.cwd()", `process.cwd()`, ""],
    ["Date.now()", `String(Date.now())`, ""],
    ["new Date()", `new Date().toISOString()`, ""],
    ["Math.random()", `String(Math.random())`, ""],
    ["performance", `String(performance.now())`, ""],
    ["crypto", `crypto.randomUUID()`, ""],
    ["Intl", `new Intl.DateTimeFormat("en").format()`, ""],
    ["node:fs", `fs.readFileSync("./r.ts", "utf8").length`, `import fs from "node:fs";`],
    ["node:os", `os.hostname()`, `import os from "node:os";`],
    ["node:process", `proc.env.FOO ?? ""`, `import proc from "node:process";`],
    ["a package", `String(v)`, `import { v } from "pkg";`],
    ["import()", `(await import("node:fs")).existsSync("./r.ts")`, ""],
  ];
  it.each(impure)("never caches an evaluation that reads %s", (_what, body, head) => {
    const t = setup({
      "r.ts": recipe(body, head),
      "node_modules/pkg/package.json": `{ "name": "pkg", "type": "module", "main": "index.js" }`,
      "node_modules/pkg/index.js": "export const v = 1;\n",
    });
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(true);
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(true);
  });

  it("sees the environment change for a recipe that reads it; CAIRN_DEBUG says why it is not cached", () => {
    const t = setup({ "r.ts": recipe(`process.env.FOO ?? ""`) });
    const one = t.run(["instantiate", "r.ts"]).out;
    const two = t.run(["instantiate", "r.ts"], { FOO: "2" }).out;
    expect(two).not.toBe(one);
    const r = cairn(["instantiate", "r.ts"], { env: { ...t.env, CAIRN_DEBUG: "1" }, cwd: t.recipes });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("cairn: evaluation of r.ts not cached (process.env)\n");
    const pure = setup({ "r.ts": recipe(`"x"`) });
    expect(cairn(["instantiate", "r.ts"], { env: { ...pure.env, CAIRN_DEBUG: "1" }, cwd: pure.recipes }).stderr).not.toContain("not cached");
  });

  // What the cache can check (or the key holds) keeps an evaluation cacheable.
  const pure: [string, string, string][] = [
    ["node:path and node:url", `path.join("a", fileURLToPath(import.meta.url).length > 0 ? "b" : "c")`, `import path from "node:path";\nimport { fileURLToPath } from "node:url";`],
    ["a dated Date", `new Date(0).toISOString()`, ""],
    ["process.platform", `process.platform + process.arch`, ""],
  ];
  it.each(pure)("caches an evaluation that uses %s", (_what, body, head) => {
    const t = setup({ "r.ts": recipe(body, head) });
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(true);
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
  });

  it("evaluates (and writes the .drv files) again when the store lost them; a damaged entry is ignored", () => {
    const t = setup({ "r.ts": recipe(`"x"`) });
    const out = t.run(["instantiate", "r.ts"]).out;
    const drv = out.trim();
    t.run(["gc"]);
    expect(fs.existsSync(path.join(t.env.CAIRN_ROOT, "store", path.basename(drv)))).toBe(false);
    const again = t.run(["instantiate", "r.ts"]);
    expect(again.ran).toBe(true);
    expect(again.out).toBe(out);
    expect(t.run(["path-info", drv]).out).toContain(drv);
    // Damage every entry, in its header or in its result, or cut it short: each is ignored and
    // replaced.
    const entries = fs.readdirSync(path.join(t.env.XDG_CACHE_HOME, "cairn/eval"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".eval"));
    expect(entries.length).toBeGreaterThan(0);
    for (const damage of [(b: Buffer) => (b[60] ^= 0xff, b), (b: Buffer) => (b[b.length - 3] ^= 0xff, b), (b: Buffer) => b.subarray(0, b.length - 1)]) {
      for (const e of entries) {
        const f = path.join(t.env.XDG_CACHE_HOME, "cairn/eval", e);
        fs.writeFileSync(f, damage(fs.readFileSync(f)));
      }
      const damaged = t.run(["instantiate", "r.ts"]);
      expect(damaged.ran).toBe(true);
      expect(damaged.out).toBe(out);
      expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
    }
    expect(t.run(["verify"]).out).not.toMatch(/error|invalid/i);
  });

  it("an entry not used for 30 days is removed when another is written; one used is kept", () => {
    const t = setup({ "r.ts": recipe(`"x"`), "s.ts": recipe(`"y"`), "u.ts": recipe(`"z"`) });
    t.run(["instantiate", "r.ts"]);
    t.run(["instantiate", "s.ts"]);
    const dir = path.join(t.env.XDG_CACHE_HOME, "cairn/eval");
    const entries = () => fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".eval")).sort();
    const [e1, e2] = entries();
    expect(entries()).toHaveLength(2);
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    for (const e of [e1!, e2!]) fs.utimesSync(path.join(dir, e), longAgo, longAgo);
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false); // used: its time is now
    t.run(["instantiate", "u.ts"]); // a write: prunes
    expect(entries()).toHaveLength(2);
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(false);
    expect(t.run(["instantiate", "s.ts"]).ran).toBe(true);
  });

  it("the stripped-recipe cache is pruned the same way", () => {
    const t = setup({ "r.ts": recipe(`"x"`), "s.ts": recipe(`"y"`) });
    const dir = path.join(t.env.XDG_CACHE_HOME, "cairn/recipes");
    t.run(["instantiate", "r.ts"]);
    const files = () => fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /\.(js|v8)$/.test(f)).sort();
    const mine = files();
    expect(mine.length).toBeGreaterThan(0);
    fs.mkdirSync(path.join(dir, "zz"), { recursive: true });
    fs.writeFileSync(path.join(dir, "zz/unused.js"), "old");
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    for (const f of [...mine, "zz/unused.js"]) fs.utimesSync(path.join(dir, f), longAgo, longAgo);
    // r.ts again (its stripped code is read: kept), then s.ts (written: prunes).
    t.run(["instantiate", "r.ts", "--no-eval-cache"]);
    t.run(["instantiate", "s.ts"]);
    const now = files();
    expect(now).not.toContain("zz/unused.js");
    for (const f of mine) expect(now).toContain(f);
  });

  it("build and profile install use the entry instantiate made (and the reverse)", () => {
    const t = setup({ "r.ts": recipe(`"x"`) });
    expect(t.run(["instantiate", "r.ts"]).ran).toBe(true);
    const built = t.run(["build", "r.ts", "--no-link", "--no-sandbox"]);
    expect(built.ran).toBe(false);
    expect(built.out).toMatch(/-a\n$/);
    const installed = t.run(["profile", "install", "r.ts"]);
    expect(installed.ran).toBe(false);
    expect(t.run(["profile", "list", "--json"]).out).toContain('"a"');
  });
});
