// cairn dump PATH  (nix-store --dump): the NAR of PATH on stdout.
import type { Command } from "commander";
import { dumpPath } from "../../store/nar-fs.js";
import { writeAll, type Context } from "../context.js";
import { storeOptions } from "../options.js";

export function register(program: Command, _ctx: Context): void {
  storeOptions(
    program.command("dump").description("write the NAR serialisation of PATH to stdout").argument("<path>"),
  ).action((p: string) => {
    dumpPath(p, (chunk) => writeAll(1, chunk));
  });
}
