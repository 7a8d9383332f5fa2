// The gc's decision, without I/O: from roots and the reference graph to the live set, the dead
// set and an order to delete it in (referrers before their references). Nix: the marking half of
// LocalStore::collectGarbage in src/libstore/gc.cc (keep-outputs / keep-derivations included).
/** Mark from `roots` (invalid ones are ignored), then order the complement for deletion. */
export function computeReachability(roots, graph, opts = {}) {
    const keepDerivations = opts.keepDerivations ?? true;
    const keepOutputs = opts.keepOutputs ?? false;
    const parent = new Map();
    // Breadth first, so `parent` gives a shortest chain from some root.
    const queue = [];
    const visit = (p, from) => {
        if (parent.has(p) || !graph.references.has(p))
            return;
        parent.set(p, from);
        queue.push(p);
    };
    for (const r of roots)
        visit(r, undefined);
    for (let i = 0; i < queue.length; i++) {
        const p = queue[i];
        for (const r of graph.references.get(p))
            visit(r, p);
        if (keepDerivations) {
            const d = graph.derivers?.get(p);
            if (d !== undefined)
                visit(d, p);
        }
        if (keepOutputs && p.endsWith(".drv"))
            for (const o of graph.outputs?.get(p) ?? [])
                visit(o, p);
    }
    const live = new Set(parent.keys());
    const dead = deletionOrder([...graph.references.keys()].filter((p) => !live.has(p)), graph.references);
    return { live, dead, parent };
}
/**
 * Order `paths` so that a path comes after every path of the set that refers to it (Kahn's
 * algorithm over the reversed reference edges). Self-references do not count; a cycle (which
 * content addressing rules out) is broken arbitrarily rather than losing paths.
 */
export function deletionOrder(paths, references) {
    // Over indices rather than strings (20k paths: ~0.3 s with Maps and Sets of strings, ~20 ms so).
    const n = paths.length;
    const index = new Map();
    paths.forEach((p, i) => index.set(p, i));
    // refs[i]: the other members of the set that paths[i] refers to, each once, in first-seen order.
    const refs = new Array(n);
    const pendingReferrers = new Int32Array(n);
    const lastSeenBy = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
        const out = [];
        for (const r of references.get(paths[i]) ?? []) {
            const j = index.get(r);
            if (j === undefined || j === i || lastSeenBy[j] === i)
                continue;
            lastSeenBy[j] = i;
            out.push(j);
            pendingReferrers[j]++;
        }
        refs[i] = out;
    }
    const order = [];
    const ready = [];
    for (let i = 0; i < n; i++)
        if (pendingReferrers[i] === 0)
            ready.push(i);
    const placed = new Uint8Array(n);
    const drain = () => {
        while (ready.length > 0) {
            const i = ready.pop();
            if (placed[i])
                continue;
            placed[i] = 1;
            order.push(paths[i]);
            for (const j of refs[i])
                if (--pendingReferrers[j] === 0)
                    ready.push(j);
        }
    };
    drain();
    if (order.length < n) {
        for (let i = 0; i < n; i++) {
            if (!placed[i]) {
                ready.push(i);
                drain();
            }
        }
    }
    return order;
}
/** A shortest chain root -> … -> `p` from a reachability's parent map (empty when `p` is dead). */
export function chainTo(parent, p) {
    if (!parent.has(p))
        return [];
    const chain = [];
    for (let cur = p; cur !== undefined; cur = parent.get(cur))
        chain.unshift(cur);
    return chain;
}
//# sourceMappingURL=reachability.js.map