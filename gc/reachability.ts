// The gc's decision, without I/O: from roots and the reference graph to the live set, the dead
// set and an order to delete it in (referrers before their references). Nix: the marking half of
// LocalStore::collectGarbage in src/libstore/gc.cc (keep-outputs / keep-derivations included).

export interface StoreGraph {
  /** Every valid path and its references (self-references allowed). */
  references: ReadonlyMap<string, readonly string[]>;
  /** path -> its deriver (.drv), where recorded. */
  derivers?: ReadonlyMap<string, string>;
  /** .drv -> its known output paths. */
  outputs?: ReadonlyMap<string, readonly string[]>;
}

export interface ReachabilityOptions {
  /** A live output keeps its deriver alive (Nix `keep-derivations`, default true). */
  keepDerivations?: boolean;
  /** A live derivation keeps its outputs alive (Nix `keep-outputs`, default false). */
  keepOutputs?: boolean;
}

export interface Reachability {
  live: Set<string>;
  /** Valid paths not live, in deletion order: every referrer before what it refers to. */
  dead: string[];
  /** For each live path, the path it was reached from (undefined for a root): for --explain. */
  parent: Map<string, string | undefined>;
}

/** Mark from `roots` (invalid ones are ignored), then order the complement for deletion. */
export function computeReachability(
  roots: Iterable<string>,
  graph: StoreGraph,
  opts: ReachabilityOptions = {},
): Reachability {
  const keepDerivations = opts.keepDerivations ?? true;
  const keepOutputs = opts.keepOutputs ?? false;
  const parent = new Map<string, string | undefined>();
  // Breadth first, so `parent` gives a shortest chain from some root.
  const queue: string[] = [];
  const visit = (p: string, from: string | undefined) => {
    if (parent.has(p) || !graph.references.has(p)) return;
    parent.set(p, from);
    queue.push(p);
  };
  for (const r of roots) visit(r, undefined);
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    for (const r of graph.references.get(p)!) visit(r, p);
    if (keepDerivations) {
      const d = graph.derivers?.get(p);
      if (d !== undefined) visit(d, p);
    }
    if (keepOutputs && p.endsWith(".drv")) for (const o of graph.outputs?.get(p) ?? []) visit(o, p);
  }
  const live = new Set(parent.keys());
  const dead = deletionOrder(
    [...graph.references.keys()].filter((p) => !live.has(p)),
    graph.references,
  );
  return { live, dead, parent };
}

/**
 * Order `paths` so that a path comes after every path of the set that refers to it (Kahn's
 * algorithm over the reversed reference edges). Self-references do not count; a cycle (which
 * content addressing rules out) is broken arbitrarily rather than losing paths.
 */
export function deletionOrder(paths: readonly string[], references: ReadonlyMap<string, readonly string[]>): string[] {
  const inSet = new Set(paths);
  const pendingReferrers = new Map<string, number>();
  for (const p of paths) pendingReferrers.set(p, 0);
  for (const p of paths) {
    for (const r of new Set(references.get(p) ?? [])) {
      if (r !== p && inSet.has(r)) pendingReferrers.set(r, pendingReferrers.get(r)! + 1);
    }
  }
  const order: string[] = [];
  const ready = paths.filter((p) => pendingReferrers.get(p) === 0);
  const placed = new Set<string>();
  const drain = () => {
    while (ready.length > 0) {
      const p = ready.pop()!;
      if (placed.has(p)) continue;
      placed.add(p);
      order.push(p);
      for (const r of new Set(references.get(p) ?? [])) {
        if (r === p || !inSet.has(r)) continue;
        const n = pendingReferrers.get(r)! - 1;
        pendingReferrers.set(r, n);
        if (n === 0) ready.push(r);
      }
    }
  };
  drain();
  if (order.length < paths.length) {
    for (const p of paths) {
      if (!placed.has(p)) {
        ready.push(p);
        drain();
      }
    }
  }
  return order;
}

/** A shortest chain root -> … -> `p` from a reachability's parent map (empty when `p` is dead). */
export function chainTo(parent: ReadonlyMap<string, string | undefined>, p: string): string[] {
  if (!parent.has(p)) return [];
  const chain: string[] = [];
  for (let cur: string | undefined = p; cur !== undefined; cur = parent.get(cur)) chain.unshift(cur);
  return chain;
}
