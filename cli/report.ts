// How a failed command ends: one line on stderr naming the command, and Nix's exit statuses.
// Shared by the CLI (cli/cli.ts) and the fast path of cli/main.ts.
import { CairnError } from "../store/format/errors.js";
import { err } from "./context.js";

const EXIT: Partial<Record<string, number>> = {
  E_HASH_MISMATCH: 102, // as nix-build's "hash mismatch in fixed-output derivation"
};

export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, "; ").trim();
}

/** Print `e` as `cairn: COMMAND: message` (with its stack if `debug`); returns the exit status. */
export function failure(e: unknown, command: string, debug: boolean): number {
  if (debug) err(`${(e as Error).stack}\n`);
  if (e instanceof CairnError) {
    err(`cairn: ${command}: ${oneLine(e.message)}\n`);
    const status = e.data.exitStatus;
    return typeof status === "number" ? status : (EXIT[e.code] ?? 1);
  }
  err(`cairn: ${command}: internal error: ${oneLine((e as Error).message ?? String(e))} (CAIRN_DEBUG=1 shows more)\n`);
  return 1;
}
