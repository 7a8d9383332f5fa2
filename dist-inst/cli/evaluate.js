// Evaluate a recipe against a store and write what the selection needs: the composition the CLI
// owns (eval never imports the store's implementation, only its interface).
import path from "node:path";
import { Evaluator, expandSelection } from "../eval/evaluator.js";
import { CairnError, checkName, makeFixedOutputPath, printStorePath } from "../store/format/index.js";
import { hashPath } from "../store/nar-fs.js";
import { evalCache } from "./eval-cache.js";
export { Evaluator };
/**
 * Evaluate `file` with `ev` and write the .drv files and toFile objects the selection needs that
 * are not valid yet. `store` may still be opening: the evaluation thread starts at once, and its
 * calls into the store (path()) wait for it.
 */
export async function instantiate(ev, opening, file, attrs) {
    const sources = recipeSources(ev.storeDir);
    const cache = evalCache();
    const key = cache?.key(ev.storeDir, file, attrs);
    // A current entry (its files unchanged, its path() sources giving the same paths) is the result
    // if the store has its .drv files (rooted first, against the gc); otherwise the recipe is
    // evaluated, which writes them again (and the entry, if it changed).
    const c = key !== undefined && !cache.lacksStore(key) ? cache.lookup(key) : undefined;
    const current = c !== undefined && c.sources.every((s) => sources.pathOf(s.source, s.opts) === s.path);
    if (current) {
        const store = await opening;
        store.addTempRoots(c.tops);
        if (c.tops.every((p) => store.isValidPath(p)))
            return { selected: expandSelection(c.selection), written: 0 };
    }
    const r = await evaluateAndWrite(ev, opening, file, attrs, sources);
    if (key !== undefined && r.deps.impure === undefined) {
        const { files, absent } = r.deps;
        cache.write(key, files, absent, { selection: r.selection, tops: r.tops, sources: sources.recorded() });
    }
    return { selected: expandSelection(r.selection), written: r.written };
}
/** Evaluate on the evaluation thread and write what the selection needs that is not valid yet. */
async function evaluateAndWrite(ev, opening, file, attrs, sources) {
    // Without -A the selection is the default export, which usually holds most of what the recipe
    // makes: files are written as evaluation goes, on this thread, while the worker evaluates (a
    // batch found all valid stops that: most likely all is, as in a second run). With -A it may be
    // a small part of a big recipe, so nothing is written ahead.
    let staging;
    const early = [];
    const stage = (made) => (staging ? staging.add(made) > 0 : (early.push(made), true));
    ev.answerEarly((source, opts) => sources.early(source, opts));
    const evaluation = ev.evaluate(file, attrs, attrs.length > 0 ? undefined : stage);
    evaluation.catch(() => { }); // handled below, after the store is open
    const store = await opening;
process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "attach start");
    ev.useStore(sources.attach(store));
process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "attach end");
    if (attrs.length === 0) {
        staging = store.stageTexts();
        for (const made of early.splice(0))
            if (!stage(made))
                ev.stopStreaming();
    }
    try {
        const r = await evaluation;
process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "evaluation done");
        const result = (written) => ({ selection: r.selected, tops: r.tops, deps: r.deps, written });
        // What was staged is durable by the time it is needed: the sync runs while the rest is worked out.
        const synced = staging !== undefined && staging.staged.size > 0 ? staging.sync() : undefined;
        synced?.catch(() => { }); // awaited below when it matters
        // The selection's tops (what no other part of it refers to) are rooted, then checked: a gc
        // keeps a valid root's closure, and the references of a valid path are valid (DESIGN.md §6),
        // so only below an invalid path can anything be missing. When all is valid (the common case)
        // that is one validity check per top, and nothing is written.
        store.addTempRoots(r.tops);
        if (r.tops.every((p) => store.isValidPath(p)))
            return result(0);
        process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "tops checked");
        const byPath = new Map((await ev.closure()).map((c) => [c.path, c]));
        process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "closure in");
        const missing = [];
        const seen = new Set();
        for (const todo = [...r.tops]; todo.length > 0;) {
            const p = todo.pop();
            const c = byPath.get(p);
            // Not made by this evaluation: a path() source, valid since it was added.
            if (seen.has(p) || c === undefined)
                continue;
            seen.add(p);
            // Staged means found invalid as it was made (addTextObjects checks again, claiming).
            if (!staging?.staged.has(p) && store.isValidPath(p))
                continue;
            missing.push(p);
            todo.push(...c.references);
        }
        if (missing.length === 0)
            return result(0);
        process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "walked", missing.length);
        const unstaged = missing.filter((p) => !staging?.staged.has(p));
        const texts = new Map((unstaged.length > 0 ? await ev.texts(unstaged) : []).map((t) => [t.path, t]));
        // Staged ones are on disk already: only their paths and references are needed.
        const items = missing.map((p) => texts.get(p) ?? { path: p, references: byPath.get(p).references, bytes: new Uint8Array(0) });
        process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "await synced");
        await synced;
process._rawDebug("MARK", (performance.timeOrigin+performance.now()-Number(process.env.T0)).toFixed(1), "synced");
        return result(store.addTextObjects(items, staging));
    }
    finally {
        staging?.discard();
    }
}
/**
 * What path() copies into. LocalStore.addPath copies before it knows the path, and each path()
 * call blocks the evaluation thread: so a source is hashed first, and where its path is valid
 * already (a second run's case) it is only rooted. Before the store is open, a source that can be
 * hashed gets its path at once (the evaluation need not wait for the store); attach() then roots
 * those paths and adds any not valid, before anything the evaluation made is registered.
 */
export class RecipeSources {
    storeDir;
    owed = [];
    /** Every path() call answered, for the evaluation cache (which hashes each source again). */
    answered = new Map();
    constructor(storeDir) {
        this.storeDir = storeDir;
    }
    /** The path addPath would give `source`, or undefined if it cannot be hashed (addPath says why). */
    pathOf(source, opts) {
        try {
            const method = opts.method ?? "recursive";
            const name = checkName(opts.name ?? path.basename(path.resolve(source)));
            const hash = hashPath(source, { flat: method === "flat" }).hash;
            return printStorePath(this.storeDir, makeFixedOutputPath(this.storeDir, name, { method, hash }));
        }
        catch {
            return undefined;
        }
    }
    early(source, opts = {}) {
        const p = this.pathOf(source, opts);
        if (p !== undefined)
            this.owed.push(this.answer({ source, opts, path: p }));
        return p;
    }
    answer(r) {
        this.answered.set(JSON.stringify([r.source, r.opts]), r);
        return r;
    }
    recorded() {
        return [...this.answered.values()];
    }
    attach(store) {
        store.addTempRoots(this.owed.map((o) => o.path)); // before the validity checks (a gc may run meanwhile)
        for (const o of this.owed.splice(0)) {
            if (store.isValidPath(o.path))
                continue;
            const added = store.addPath(o.source, o.opts);
            if (added !== o.path) {
                throw new CairnError("E_EVAL", `'${o.source}' changed while the recipe was evaluated (it was ${o.path}, it is ${added})`, { path: o.source });
            }
        }
        return {
            storeDir: store.storeDir,
            addPath: (source, opts = {}) => {
                const p = this.pathOf(source, opts);
                if (p !== undefined) {
                    store.addTempRoot(p); // before the validity check, as addPath does (a gc may run meanwhile)
                    if (store.isValidPath(p))
                        return this.answer({ source, opts, path: p }).path;
                }
                return this.answer({ source, opts, path: store.addPath(source, opts) }).path;
            },
        };
    }
}
const sourcesByStoreDir = new Map();
/**
 * The process's RecipeSources for a store dir: whoever answered a path() call early (cli/main.ts
 * for the head start, or instantiate) leaves the path owed in the one instance that attaches. A
 * head start the command does not take over (a wrong guess) leaves its owed sources here too: they
 * are added like the others, referenced by nothing (gc garbage); a guess is rarely wrong.
 */
export function recipeSources(storeDir) {
    let s = sourcesByStoreDir.get(storeDir);
    if (s === undefined)
        sourcesByStoreDir.set(storeDir, (s = new RecipeSources(storeDir)));
    return s;
}
/** Evaluate one recipe file on its own evaluation thread. */
export async function evaluate(store, file, attrs, cacheDir) {
    const ev = new Evaluator(store.storeDir, cacheDir);
    try {
        return await instantiate(ev, Promise.resolve(store), file, attrs);
    }
    finally {
        await ev.close();
    }
}
//# sourceMappingURL=evaluate.js.map