// cairn derivation import FILE.drv…  (register .drv files written by Nix; print their paths here)
import type { Command } from "commander";
import { importDerivations } from "../../store/derivations.js";
import { openStore, out, type Context } from "../context.js";
import { storeOptions } from "../options.js";

export function register(program: Command, ctx: Context): void {
  const drv = program.command("derivation").description("work with store derivations");
  storeOptions(
    drv
      .command("import")
      .description("register .drv files (inputs first, or in the same call); each must match its hash")
      .argument("<files...>", ".drv files"),
  ).action(async (files: string[], opts) => {
    const store = await openStore(ctx, opts);
    try {
      for (const r of importDerivations(store, files)) out(r.drvPath + "\n");
    } finally {
      await store.close();
    }
  });
}
