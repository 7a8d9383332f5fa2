// `cairn gc --explain PATH`: why a path is alive (a shortest chain from a root, and every root
// whose closure holds it: removing those would free it) or that it is dead. Nix has no direct
// counterpart; `nix-store --query --roots` and `nix why-depends` together come closest.
import type { Root } from "./roots.js";
import { chainTo, type Reachability, type StoreGraph } from "./reachability.js";

export interface Explanation {
  path: string;
  valid: boolean;
  alive: boolean;
  /** Root link, then store paths from the root's path down to `path` (alive only). */
  chain: string[];
  /** The root that starts `chain`. */
  via?: Root;
  /** Every root keeping `path` alive. */
  keptBy: Root[];
  /** What deleting it frees when dead (its NAR size). */
  bytes: number;
}

export function explain(p: string, roots: readonly Root[], graph: StoreGraph & { sizes: Map<string, number> }, reach: Reachability): Explanation {
  const valid = graph.references.has(p);
  const alive = reach.live.has(p);
  if (!alive) return { path: p, valid, alive, chain: [], keptBy: [], bytes: graph.sizes.get(p) ?? 0 };
  const chain = chainTo(reach.parent, p);
  // Ancestors of p (paths whose closure holds it), through referrers, derivers and outputs as
  // the marking walked them.
  const reverse = new Map<string, string[]>();
  const edge = (from: string, to: string) => {
    let l = reverse.get(to);
    if (l === undefined) reverse.set(to, (l = []));
    l.push(from);
  };
  for (const q of reach.live) {
    for (const r of graph.references.get(q) ?? []) edge(q, r);
    const d = graph.derivers?.get(q);
    if (d !== undefined) edge(q, d);
    for (const o of graph.outputs?.get(q) ?? []) edge(q, o);
  }
  const ancestors = new Set([p]);
  const todo = [p];
  while (todo.length > 0) {
    for (const a of reverse.get(todo.pop()!) ?? []) {
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
