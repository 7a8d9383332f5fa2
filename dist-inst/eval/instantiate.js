// What instantiation writes: the .drv files and toFile objects the selected derivations need,
// as text objects with their references (the store writes them in one transaction).
import { drvText } from "./state.js";
/** The text objects in the closure of `drvPaths` among what this evaluation made. */
export function closureOf(state, drvPaths) {
    const out = [];
    const seen = new Set();
    const todo = [...drvPaths];
    while (todo.length > 0) {
        const p = todo.pop();
        if (seen.has(p))
            continue;
        seen.add(p);
        const made = state.drvs.get(p) ?? state.texts.get(p);
        // Anything else (path() sources) is in the store already.
        if (made === undefined)
            continue;
        out.push({ path: p, references: made.references });
        todo.push(...made.references);
    }
    return out;
}
/**
 * The selected `.drv` paths nothing else in their closure refers to: when these are valid, so is
 * everything the selection needs. One walk, marking what was made (no sets of 10,000 paths).
 */
export function topsOf(state, drvPaths) {
    const walk = ++state.walks;
    const todo = [];
    for (let i = 0; i < drvPaths.length; i++) {
        const m = state.drvs.get(drvPaths[i]);
        if (m !== undefined && m.seen !== walk) {
            m.seen = walk;
            todo.push(m);
        }
    }
    while (todo.length > 0) {
        const refs = todo.pop().references;
        for (let i = 0; i < refs.length; i++) {
            // Anything not made here (path() sources) is in the store already.
            const m = state.drvs.get(refs[i]) ?? state.texts.get(refs[i]);
            if (m === undefined)
                continue;
            m.referenced = walk;
            if (m.seen !== walk) {
                m.seen = walk;
                todo.push(m);
            }
        }
    }
    const tops = [];
    for (let i = 0; i < drvPaths.length; i++) {
        const m = state.drvs.get(drvPaths[i]);
        // Each once: a top is marked referenced by the walk once listed.
        if (m === undefined) {
            if (!tops.includes(drvPaths[i]))
                tops.push(drvPaths[i]);
        }
        else if (m.referenced !== walk) {
            m.referenced = walk;
            tops.push(drvPaths[i]);
        }
    }
    return tops;
}
export function packTexts(state, paths) {
    let total = 0;
    const ends = [];
    for (const p of paths) {
        const d = state.drvs.get(p);
        total += d !== undefined ? d.end - d.start : state.texts.get(p).bytes.length;
        ends.push(total);
    }
    // Not from Buffer's shared pool: the whole ArrayBuffer is transferred to the main thread.
    const bytes = Buffer.allocUnsafeSlow(total);
    paths.forEach((p, i) => {
        const start = i === 0 ? 0 : ends[i - 1];
        const d = state.drvs.get(p);
        bytes.set(d !== undefined ? drvText(d) : state.texts.get(p).bytes, start);
    });
    const references = paths.map((p) => (state.drvs.get(p) ?? state.texts.get(p)).references);
    return { paths: [...paths], references, ends, bytes };
}
/** Unpack what packTexts made. */
export function unpackTexts(t) {
    return t.paths.map((path, i) => ({ path, references: t.references[i], bytes: t.bytes.subarray(i === 0 ? 0 : t.ends[i - 1], t.ends[i]) }));
}
//# sourceMappingURL=instantiate.js.map