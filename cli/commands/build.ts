// cairn build FILE.ts [-A ATTR]… | DRV…  (nix-build): realise, print the output paths, link them
// as ./result (an indirect GC root), with live progress.
import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { CairnError, encodeNix32, hashBytes } from "../../store/format/index.js";
import { openStore, out, err, recipeCacheDir, resolveLayout, type Context } from "../context.js";
import { storeOptions } from "../options.js";
import { resolveInstallables } from "../build-installables.js";
import { runBuild, buildOptionsFrom, addBuildOptions } from "../realise.js";

/** Link `link` -> `target` atomically and record it as an indirect GC root (Nix: addIndirectRoot). */
export function linkResult(gcrootsDir: string, link: string, target: string): void {
  const abs = path.resolve(link);
  const tmp = `${abs}.tmp-${process.pid}`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(target, tmp);
  fs.renameSync(tmp, abs);
  const auto = path.join(gcrootsDir, "auto");
  fs.mkdirSync(auto, { recursive: true });
  const root = path.join(auto, encodeNix32(hashBytes("sha1", abs).bytes));
  const rtmp = `${root}.tmp-${process.pid}`;
  fs.rmSync(rtmp, { force: true });
  fs.symlinkSync(abs, rtmp);
  fs.renameSync(rtmp, root);
}

export function register(program: Command, ctx: Context): void {
  addBuildOptions(
    storeOptions(
      program
        .command("build")
        .description("build derivations (a recipe's, or .drv paths) and print their output paths")
        .argument("<installables...>", "recipe files (TypeScript modules) or .drv store paths")
        .option("-A, --attr <attr>", "attribute path to select (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
        .option("-o, --out-link <link>", "name of the result symlink", "result")
        .option("--no-link", "do not create result symlinks")
        .option("--no-eval-cache", "evaluate the recipe even if the evaluation cache has it (as CAIRN_EVAL_CACHE=0)") // read by cli/cli.ts
        .option("--json", "JSON lines of progress on stderr, the result as JSON on stdout"),
    ),
  ).action(async (installables: string[], opts) => {
    // Opened while a recipe evaluates (it waits for the store only to write what it made).
    const opening = openStore(ctx, opts);
    opening.catch(() => {}); // its failure surfaces where it is awaited
    // Evaluation threads end while the outputs are realised.
    const closing: Promise<void>[] = [];
    try {
      const wanted = await resolveInstallables(resolveLayout(ctx, opts).storeDir, opening, installables, opts.attr, recipeCacheDir(ctx), closing);
      const store = await opening;
      const known = new Map(wanted.flatMap((w) => (w.known ? [[w.drvPath, w.known] as const] : [])));
      const realised = await runBuild(ctx, store, wanted.map((w) => w.drvPath), { ...buildOptionsFrom(ctx, opts), knownOutputs: known });
      const results: { drvPath: string; outputs: Record<string, string> }[] = [];
      wanted.forEach((w, i) => {
        const outs = realised.get(w.drvPath)!;
        const names = w.outputs ?? [...outs.keys()].sort();
        const chosen: Record<string, string> = {};
        for (const n of names) {
          const p = outs.get(n);
          if (p === undefined) throw new CairnError("E_USAGE", `derivation '${w.drvPath}' has no output '${n}'`);
          chosen[n] = p;
          if (opts.link && !opts.check) {
            // As nix-build: result, result-dev, result-2, result-2-dev, ...
            const base = i === 0 ? opts.outLink : `${opts.outLink}-${i + 1}`;
            linkResult(store.layout.gcrootsDir, n === "out" ? base : `${base}-${n}`, p);
          }
        }
        results.push({ drvPath: w.drvPath, outputs: chosen });
      });
      if (opts.json) out(`${JSON.stringify(results)}\n`);
      else out(results.flatMap((r) => Object.values(r.outputs).map((p) => `${p}\n`)).join("")); // one write
    } finally {
      await Promise.all([opening.then((s) => s.close(), () => {}), ...closing]);
    }
  });
  void err;
}
