// What `profile install` and `shell` take: store paths, or recipe files whose selected derivations
// (-A, or every derivation of the default export) are evaluated and realised through cli/realise.
import fs from "node:fs";
import path from "node:path";
import { CairnError, isStorePath } from "../store/format/index.js";
import { DEFAULT_PRIORITY, elementForPath } from "../profiles/manifest.js";
import { parseDrvName } from "../profiles/drv-name.js";
import { cachedInfo } from "../profiles/user-env.js";
import { recipeCacheDir } from "./context.js";
/** A path inside the store ("…/bin/hello" too) -> its store path; undefined when not in the store. */
export function toStorePath(storeDir, arg) {
    if (!arg.startsWith(storeDir + "/"))
        return undefined;
    const base = arg.slice(storeDir.length + 1).split("/")[0];
    const p = `${storeDir}/${base}`;
    return isStorePath(storeDir, p) ? p : undefined;
}
/**
 * `opening` may still be opening: a recipe's evaluation starts at once (its thread loads the recipe
 * meanwhile), and only what needs the store waits for it.
 */
export async function resolveInstallables(ctx, opening, storeDir, items, attrs, priority = DEFAULT_PRIORITY, 
/** Receives the infos of the outputs realised, read under this process's temp roots. */
infos = new Map()) {
    const out = [];
    for (const item of items) {
        const sp = toStorePath(storeDir, item);
        if (sp !== undefined) {
            const store = await opening;
            if (!store.isValidPath(sp))
                throw new CairnError("E_INVALID_PATH", `path '${sp}' is not valid`, { path: sp });
            out.push(elementForPath(sp, store.parsePath(sp).name, priority));
            continue;
        }
        if (!fs.existsSync(item)) {
            throw new CairnError("E_USAGE", `'${item}' is neither a store path nor a recipe file`, { input: item });
        }
        out.push(...(await fromRecipe(ctx, opening, storeDir, path.resolve(item), attrs, priority, infos)));
    }
    return out;
}
/** Evaluate `file` (-A attrs) and realise the selected outputs; each becomes one element with its origin. */
export async function fromRecipe(ctx, opening, storeDir, file, attrs, priority, 
/** Receives the infos of the outputs (when all are valid), read under this process's temp roots. */
infos = new Map()) {
    // Loaded here, and the builder only when something is to be built: installing store paths needs
    // neither the evaluator nor the builder.
    const realiseModule = () => import("./realise.js");
    const { Evaluator, instantiate } = await import("./evaluate.js");
    const ev = new Evaluator(storeDir, recipeCacheDir(ctx));
    let evaluated;
    try {
        evaluated = await instantiate(ev, opening, file, [...attrs]);
    }
    catch (e) {
        await ev.close();
        throw e;
    }
    const closing = ev.close(); // the thread's heap goes while the outputs are realised
    closing.catch(() => { }); // awaited below if something is built
    const store = await opening;
    // The outputs evaluation computed. When all are valid (rooted first, against the gc), there is
    // nothing to build and the builder is not loaded; otherwise those valid need no .drv read.
    const knownOutputs = new Map(evaluated.selected.map(({ drv }) => [drv.drvPath, new Map(drv.all.map((o) => [o.outputName, o.outPath]))]));
    const outPaths = [...knownOutputs.values()].flatMap((m) => [...m.values()]);
    store.addTempRoots(outPaths);
    let realised = knownOutputs;
    if (!outPaths.every((p) => cachedInfo(store, p, infos) !== undefined)) {
        realised = await (await realiseModule()).realise(ctx, store, evaluated.selected.map((s) => s.drv.drvPath), { knownOutputs });
        await closing;
    }
    return evaluated.selected.map(({ attr, drv }) => {
        const outPath = realised.get(drv.drvPath)?.get(drv.outputName) ?? drv.outPath;
        const { name, version } = parseDrvName(drv.name);
        return { name, version, outputs: [drv.outputName], storePaths: [outPath], priority, origin: { file, attr }, drvPath: drv.drvPath };
    });
}
//# sourceMappingURL=installables.js.map