// What `build`, `profile install` and `shell` accept: recipe files (with -A attributes) and .drv
// store paths (optionally `DRV!out,dev`), turned into derivation paths.
import { CairnError, parseStorePath } from "../store/format/index.js";
import { Evaluator, instantiate } from "./evaluate.js";
/**
 * `opening` may still be opening: a recipe's evaluation thread starts at once (it was prestarted
 * by cli/main.ts) and waits for the store only where it needs it. Each evaluation thread is ended
 * without waiting: the promises of their ends go to `closing`, for the caller to await later.
 */
export async function resolveInstallables(storeDir, opening, args, attrs, cacheDir, closing = []) {
    const wanted = [];
    for (const a of args) {
        const [p, outs] = a.split("!", 2);
        if (p.endsWith(".drv") && p.startsWith(`${storeDir}/`)) {
            parseStorePath(storeDir, p);
            if (!(await opening).isValidPath(p))
                throw new CairnError("E_INVALID_PATH", `derivation '${p}' is not valid in this store`, { path: p });
            wanted.push({ drvPath: p, ...(outs ? { outputs: outs.split(",") } : {}) });
            continue;
        }
        const ev = new Evaluator(storeDir, cacheDir);
        let r;
        try {
            r = await instantiate(ev, opening, a, [...attrs]);
        }
        finally {
            const c = ev.close();
            c.catch(() => { }); // awaited by the caller
            closing.push(c);
        }
        for (const s of r.selected) {
            const all = s.drv.all;
            const known = all !== undefined ? new Map(all.map((o) => [o.outputName, o.outPath])) : undefined;
            wanted.push({ drvPath: s.drv.drvPath, attr: s.attr, file: a, ...(known ? { known } : {}) });
        }
    }
    return wanted;
}
//# sourceMappingURL=build-installables.js.map