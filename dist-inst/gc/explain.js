import { chainTo } from "./reachability.js";
export function explain(p, roots, graph, reach) {
    const valid = graph.references.has(p);
    const alive = reach.live.has(p);
    if (!alive)
        return { path: p, valid, alive, chain: [], keptBy: [], bytes: graph.sizes.get(p) ?? 0 };
    const chain = chainTo(reach.parent, p);
    // Ancestors of p (paths whose closure holds it), through referrers, derivers and outputs as
    // the marking walked them.
    const reverse = new Map();
    const edge = (from, to) => {
        let l = reverse.get(to);
        if (l === undefined)
            reverse.set(to, (l = []));
        l.push(from);
    };
    for (const q of reach.live) {
        for (const r of graph.references.get(q) ?? [])
            edge(q, r);
        const d = graph.derivers?.get(q);
        if (d !== undefined)
            edge(q, d);
        for (const o of graph.outputs?.get(q) ?? [])
            edge(q, o);
    }
    const ancestors = new Set([p]);
    const todo = [p];
    while (todo.length > 0) {
        for (const a of reverse.get(todo.pop()) ?? []) {
            if (!ancestors.has(a)) {
                ancestors.add(a);
                todo.push(a);
            }
        }
    }
    const keptBy = roots.filter((r) => ancestors.has(r.path));
    const via = roots.find((r) => r.path === chain[0]);
    return { path: p, valid, alive, chain, via, keptBy, bytes: graph.sizes.get(p) ?? 0 };
}
//# sourceMappingURL=explain.js.map