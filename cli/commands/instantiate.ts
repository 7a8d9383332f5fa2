// cairn instantiate FILE.ts [-A ATTR]…  (nix-instantiate): evaluate, write .drv files, print them.
import type { Command } from "commander";
import { openStore, out, recipeCacheDir, resolveLayout, type Context } from "../context.js";
import { storeOptions } from "../options.js";
import { Evaluator, instantiate } from "../evaluate.js";

export function register(program: Command, ctx: Context): void {
  storeOptions(
    program
      .command("instantiate")
      .description("evaluate a recipe and write its derivations to the store; print the .drv paths")
      .argument("<file>", "recipe (a TypeScript module)")
      .option("-A, --attr <attr>", "attribute path to select (repeatable)", (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option("--json", "print JSON: [{attr, drvPath, outputs}]")
      .option("--no-eval-cache", "evaluate the recipe even if the evaluation cache has it (as CAIRN_EVAL_CACHE=0)"), // read by cli/cli.ts
  ).action(async (file: string, opts) => {
    // The evaluation thread starts first: it loads the recipe while this thread opens the store.
    const ev = new Evaluator(resolveLayout(ctx, opts).storeDir, recipeCacheDir(ctx));
    const opening = openStore(ctx, opts);
    try {
      const r = await instantiate(ev, opening, file, opts.attr);
      if (opts.json) {
        out(JSON.stringify(r.selected.map((s) => ({ attr: s.attr, drvPath: s.drv.drvPath, outPath: s.drv.outPath }))) + "\n");
      } else {
        // As nix-instantiate: a derivation whose first output is not `out` prints as DRV!OUTPUT.
        out(r.selected.map((s) => s.drv.drvPath + (s.drv.outputName === "out" ? "" : `!${s.drv.outputName}`) + "\n").join(""));
      }
    } finally {
      // Both at once: the thread's heap goes while the store drops its temp roots.
      await Promise.all([ev.close(), opening.then((s) => s.close(), () => {})]);
    }
  });
}
