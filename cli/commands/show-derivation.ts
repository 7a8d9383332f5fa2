// cairn show-derivation DRV… [-r]  (nix show-derivation, Nix 2.8's JSON layout)
import type { Command } from "commander";
import { showDerivationJson, type Derivation } from "../../store/format/index.js";
import { readDerivation } from "../../store/derivations.js";
import { openStore, writeAll, type Context } from "../context.js";
import { storeOptions } from "../options.js";

export function register(program: Command, ctx: Context): void {
  storeOptions(
    program
      .command("show-derivation")
      .description("print derivations as JSON, in the layout of nix show-derivation")
      .argument("<drvs...>", ".drv store paths")
      .option("-r, --recursive", "include every derivation they depend on"),
  ).action(async (drvs: string[], opts) => {
    const store = await openStore(ctx, opts);
    try {
      const all = new Map<string, Derivation>();
      const todo = [...drvs];
      while (todo.length > 0) {
        const p = todo.pop()!;
        if (all.has(p)) continue;
        const d = readDerivation(store, p);
        all.set(p, d);
        if (opts.recursive) todo.push(...d.inputDrvs.keys());
      }
      writeAll(1, Buffer.from(showDerivationJson(all), "latin1"));
    } finally {
      await store.close();
    }
  });
}
