import type { Command } from "commander";

/** --root and --store-dir, which every command takes. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option("--root <dir>", "physical root of the store (env CAIRN_ROOT; default $XDG_DATA_HOME/cairn)")
    .option("--store-dir <dir>", "logical store directory, part of every hash (env CAIRN_STORE_DIR; default ROOT/store)");
}
