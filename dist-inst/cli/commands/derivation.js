import { importDerivations } from "../../store/derivations.js";
import { openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    const drv = program.command("derivation").description("work with store derivations");
    storeOptions(drv
        .command("import")
        .description("register .drv files (inputs first, or in the same call); each must match its hash")
        .argument("<files...>", ".drv files")).action(async (files, opts) => {
        const store = await openStore(ctx, opts);
        try {
            for (const r of importDerivations(store, files))
                out(r.drvPath + "\n");
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=derivation.js.map