// cairn restore DIR  (nix-store --restore): unpack a NAR from stdin into DIR (which must not exist).
import type { Command } from "commander";
import { FdReader } from "../../store/fd-reader.js";
import { restorePath } from "../../store/nar-fs.js";
import type { Context } from "../context.js";
import { storeOptions } from "../options.js";

export function register(program: Command, ctx: Context): void {
  storeOptions(
    program.command("restore").description("unpack a NAR read from stdin into DIR").argument("<dir>"),
  ).action((dir: string) => {
    const input = new FdReader(0);
    restorePath(dir, (n) => input.read(n), () => input.atEnd(), ctx.hooks.crash);
  });
}
