// The built CLI (scripts/bundle.mjs): dist/cli/cli.cjs holds every cairn module the commands use,
// so no command resolves and links dozens of modules at start-up, and it runs with a V8 code
// cache (cli/code-cache.ts, tested in code-cache.test.ts). Each bundled module still sees the
// import.meta.url it had in dist/ (workers, createRequire, the evaluation cache's fingerprint
// depend on it). The entry, dist/cli/main.js, stays small: it runs rollback and switch-generation
// without the bundle. The commands themselves are tested end to end.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "../helpers/cli.js";

const BUNDLE = path.join(REPO, "dist/cli/cli.cjs");
const text = fs.readFileSync(BUNDLE, "utf8");
const entry = fs.readFileSync(path.join(REPO, "dist/cli/main.js"), "utf8");

describe("the bundled CLI", () => {
  it("requires no cairn module: only node's builtins and packages", () => {
    const specs = [...text.matchAll(/\brequire\(\s*"([^"]+)"\s*\)|\b__cairnImport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1] ?? m[2]!);
    expect(specs).toContain("node:fs");
    expect(specs).toContain("execa"); // imported, as it is ESM only
    expect(text).toMatch(/\("lmdb"\)/); // required by store/db.ts
    expect(specs).not.toContain("commander"); // bundled: plain JavaScript that every command runs
    for (const s of specs) expect(s.startsWith(".") || s.startsWith("/"), `dist/cli/cli.cjs loads ${s}`).toBe(false);
  });

  it("has no import() or import.meta left: a script compiled from a code cache has no import() callback", () => {
    expect(text).not.toMatch(/\bimport\s*\(/);
    expect(text).not.toMatch(/\bimport\.meta\b/);
  });

  it("each bundled module's import.meta.url names its own file in dist/", () => {
    const bases = [...text.matchAll(/new URL\("([^"]+)", __cairnBundleUrl\)/g)].map((m) => m[1]!);
    // the evaluation thread, the store's DB (createRequire), the evaluation cache, the removal
    // workers, the sandbox's spawner: each is found from its module's own place
    for (const want of ["../eval/prestart.js", "../store/db.js", "./eval-cache.js", "../gc/remove.js", "../builder/sandbox/spawner-client.js"]) {
      expect(bases).toContain(want);
    }
    for (const b of bases) expect(fs.existsSync(path.resolve(path.dirname(BUNDLE), b)), `${b} exists beside the bundle`).toBe(true);
  });

  it("code run from its source text keeps its require (store/parallel-tree-worker.ts)", () => {
    expect(text).not.toMatch(/__require\("node:worker_threads"\)/);
  });

  it("the entry loads the bundle through the code cache, or for rollback and switch-generation only the small modules they need", () => {
    const specs = [...entry.matchAll(/\bimport\(\s*"([^"]+)"\s*\)|^import\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1] ?? m[2]!);
    expect(specs.sort()).toEqual(["./code-cache.js", "./report.js", "./switch-fast.js"]); // report.js: when the bundle cannot be loaded
    expect(entry).toContain('new URL("./cli.cjs", import.meta.url)');
    expect(entry.length).toBeLessThan(3000);
  });
});
