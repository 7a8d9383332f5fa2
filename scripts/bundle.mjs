// Bundles the CLI proper (dist/cli/cli.js, as tsc wrote it) and every cairn module it imports
// into one CommonJS file, dist/cli/cli.cjs, which the command's entry (dist/cli/main.js) runs with
// a V8 code cache (cli/code-cache.ts). Node 20's ESM loader spends ~0.3-0.5 ms on each module it
// resolves, reads and links, and a command loads 50-60 of them before it does anything; and
// Node 22's compile cache does not exist on 20. Measured: bench/README.md (sessions 9 and 10).
//
// Everything else in dist/ stays as tsc wrote it: the entry and the few modules of `profile
// rollback|switch-generation`, the worker threads' scripts (the evaluator, the NAR and removal
// workers, the sandbox's spawner) and the library (`import "cairn"`). Node's builtins and the
// packages stay external, except commander (plain JavaScript, used by every command): bundled, it
// is compiled from the code cache with the rest.
//
// The bundle is run as a function of (exports, require, module, __filename, __dirname,
// __cairnBundleUrl, __cairnImport):
// - Bundled modules keep their own import.meta.url: each use is rewritten to the URL the module had
//   in dist/, relative to the bundle's (which sits beside cli.js), so workers, createRequire and the
//   evaluation cache's fingerprint find the same files as before.
// - Its dynamic import() calls (of packages: cairn's own modules are bundled) call __cairnImport,
//   since V8 drops the import() callback of a script compiled from a code cache.
// Code run from its source text (a worker made with Function.prototype.toString) must not use free
// names a bundler rewrites: store/parallel-tree-worker.ts is given `require` as a parameter.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "dist/cli/cli.js");
const outDir = path.dirname(entry);
const out = path.join(outDir, "cli.cjs");
const BUNDLED_PACKAGES = new Set(["commander"]);

const keepImportMetaUrl = {
  name: "keep-import-meta-url",
  transform(code, id) {
    if (!path.isAbsolute(id) || !code.includes("import.meta.url")) return null; // "\0rolldown/runtime.js" is virtual
    let rel = path.relative(outDir, id).split(path.sep).join("/");
    if (!rel.startsWith(".")) rel = `./${rel}`;
    return { code: code.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, __cairnBundleUrl).href`), map: null };
  },
};

const bundle = await rolldown({
  input: entry,
  platform: "node",
  // Relative imports are cairn's own modules (or a bundled package's); anything else is a package
  // or a builtin.
  external: (id) => !id.startsWith(".") && !path.isAbsolute(id) && !BUNDLED_PACKAGES.has(id),
  plugins: [keepImportMetaUrl],
  logLevel: "warn",
});
const { output } = await bundle.generate({ format: "cjs", codeSplitting: false, comments: false });
await bundle.close();
if (output.length !== 1 || output[0].type !== "chunk") throw new Error(`bundle: expected one chunk, got ${output.map((o) => o.fileName).join(", ")}`);

// Every import( left is a package's, with a literal name; anything else is refused rather than
// rewritten blindly.
const calls = [...output[0].code.matchAll(/\bimport\s*\(/g)].length;
const code = output[0].code.replace(/\bimport\((["'])([^"'./][^"']*)\1\)/g, "__cairnImport($1$2$1)");
const left = [...code.matchAll(/\bimport\s*\(/g)].length;
if (left !== 0) throw new Error(`bundle: ${left} of ${calls} import() calls are not of a package named literally`);
if (/\bimport\.meta\b/.test(code)) throw new Error("bundle: import.meta left in CommonJS output");

const tmp = `${out}.tmp-${process.pid}`;
fs.writeFileSync(tmp, code);
fs.renameSync(tmp, out);
console.log(`bundled dist/cli/cli.cjs: ${output[0].moduleIds.length} modules, ${(code.length / 1024).toFixed(0)} KiB, ${calls} import() of packages`);
