// Bundles the CLI proper (dist/cli/cli.js, as tsc wrote it) and every cairn module it imports
// into that one file. The command's entry, dist/cli/main.js, stays as it is: it runs `profile
// rollback|switch-generation` on a few small modules (loading this bundle costs them ~15 ms) and
// imports the bundle for everything else. Node 20's ESM loader spends ~0.3-0.5 ms on each module it resolves, reads
// and links, and a command loads 50-60 of them before it does anything; Node 22's compile cache
// does not exist on 20. Measured: bench/README.md (session 9).
//
// Everything else in dist/ stays as tsc wrote it: the worker threads' scripts (the evaluator, the
// NAR and removal workers, the sandbox's spawner) and the library (`import "cairn"`) load their
// own modules. Packages (lmdb, commander, ...) and node's builtins stay external.
//
// Bundled modules keep their own import.meta.url: each use is rewritten to the URL the module had
// in dist/, relative to the bundle (which sits where cli.js was), so workers, createRequire and
// the evaluation cache's fingerprint find the same files as before. Code run from its source text
// (a worker made with Function.prototype.toString) must not use free names a bundler rewrites:
// store/parallel-tree-worker.ts is given `require` as a parameter.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { rolldown } from "rolldown";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entry = path.join(root, "dist/cli/cli.js");
const outDir = path.dirname(entry);

const keepImportMetaUrl = {
  name: "keep-import-meta-url",
  transform(code, id) {
    if (!path.isAbsolute(id) || !code.includes("import.meta.url")) return null; // "\0rolldown/runtime.js" is virtual
    let rel = path.relative(outDir, id).split(path.sep).join("/");
    if (!rel.startsWith(".")) rel = `./${rel}`;
    return { code: code.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), map: null };
  },
};

const bundle = await rolldown({
  input: entry,
  platform: "node",
  // Relative imports are cairn's own modules; anything else is a package or a builtin.
  external: (id) => !id.startsWith(".") && !path.isAbsolute(id),
  plugins: [keepImportMetaUrl],
  logLevel: "warn",
});
const { output } = await bundle.generate({ format: "esm", codeSplitting: false });
await bundle.close();
if (output.length !== 1 || output[0].type !== "chunk") throw new Error(`bundle: expected one chunk, got ${output.map((o) => o.fileName).join(", ")}`);
const tmp = `${entry}.tmp-${process.pid}`;
fs.writeFileSync(tmp, output[0].code, { mode: 0o755 });
fs.renameSync(tmp, entry);
fs.rmSync(`${entry}.map`, { force: true }); // tsc's map described the file replaced here
console.log(`bundled dist/cli/cli.js: ${output[0].moduleIds.length} modules, ${(output[0].code.length / 1024).toFixed(0)} KiB`);
