import { showDerivationJson } from "../../store/format/index.js";
import { readDerivation } from "../../store/derivations.js";
import { openStore, writeAll } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("show-derivation")
        .description("print derivations as JSON, in the layout of nix show-derivation")
        .argument("<drvs...>", ".drv store paths")
        .option("-r, --recursive", "include every derivation they depend on")).action(async (drvs, opts) => {
        const store = await openStore(ctx, opts);
        try {
            const all = new Map();
            const todo = [...drvs];
            while (todo.length > 0) {
                const p = todo.pop();
                if (all.has(p))
                    continue;
                const d = readDerivation(store, p);
                all.set(p, d);
                if (opts.recursive)
                    todo.push(...d.inputDrvs.keys());
            }
            writeAll(1, Buffer.from(showDerivationJson(all), "latin1"));
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=show-derivation.js.map