import { openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("add")
        .description("add files or trees to the store and print their store paths")
        .argument("<paths...>", "files or directories to add")
        .option("--flat", "hash a single regular file's bytes (nix-store --add-fixed sha256)")
        .option("--name <name>", "store name (default: the base name of PATH)")).action(async (paths, opts) => {
        const store = await openStore(ctx, opts);
        try {
            for (const p of paths) {
                const sp = store.addPath(p, { method: opts.flat ? "flat" : "recursive", name: opts.name });
                out(sp + "\n");
            }
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=add.js.map