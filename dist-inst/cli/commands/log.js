import { CairnError } from "../../store/format/index.js";
import { readLog, escapeControl } from "../../builder/log.js";
import { followLinksToStorePath, openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("log")
        .description("print the build log of a derivation or of the output it built")
        .argument("<path>", "a .drv path or an output path")).action(async (arg, opts) => {
        const store = await openStore(ctx, opts);
        try {
            const p = followLinksToStorePath(store.layout, arg);
            store.parsePath(p);
            let drvPath = p;
            if (!p.endsWith(".drv")) {
                const info = store.queryPathInfo(p);
                if (info?.deriver === undefined)
                    throw new CairnError("E_NOT_FOUND", `'${p}' has no known deriver, so no build log`, { path: p });
                drvPath = info.deriver;
            }
            const log = readLog(store.layout.logDir, drvPath);
            if (log === undefined)
                throw new CairnError("E_NOT_FOUND", `build log of '${drvPath}' is not available`, { path: drvPath });
            out(escapeControl(log.toString("utf8")));
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=log.js.map