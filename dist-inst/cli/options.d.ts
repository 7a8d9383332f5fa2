import type { Command } from "commander";
/** --root and --store-dir, which every command takes. */
export declare function storeOptions(cmd: Command): Command;
/** A command made of subcommands (`profile`, `system`): run bare or with an unknown one, it says which exist. */
export declare function commandGroup(program: Command, name: string, description: string): Command;
