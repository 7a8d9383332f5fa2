import { CairnError } from "../store/format/errors.js";
/** --root and --store-dir, which every command takes. */
export function storeOptions(cmd) {
    return cmd
        .option("--root <dir>", "physical root of the store (env CAIRN_ROOT; default $XDG_DATA_HOME/cairn)")
        .option("--store-dir <dir>", "logical store directory, part of every hash (env CAIRN_STORE_DIR; default ROOT/store)");
}
/** A command made of subcommands (`profile`, `system`): run bare or with an unknown one, it says which exist. */
export function commandGroup(program, name, description) {
    const group = program
        .command(name)
        .description(description)
        .allowExcessArguments(true)
        .action((_opts, self) => {
        const c = self.args[0];
        const names = group.commands.map((x) => x.name()).join(", ");
        throw new CairnError("E_USAGE", c === undefined ? `expected a subcommand: ${names}` : `unknown subcommand '${c}' (expected ${names})`, {
            command: c,
        });
    });
    return group;
}
//# sourceMappingURL=options.js.map