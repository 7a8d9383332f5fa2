// Evaluate a recipe against a store and write what the selection needs: the composition the CLI
// owns (eval never imports the store's implementation, only its interface).
import { Evaluator, type SelectedDerivation } from "../eval/evaluator.js";
import type { LocalStore } from "../store/local-store.js";

export { Evaluator };

export interface Evaluated {
  selected: { attr: string; drv: SelectedDerivation }[];
  written: number;
}

/**
 * Evaluate with `ev` (started before the store was opened, so both load at once) and write the
 * .drv files and toFile objects the selection needs that are not valid yet.
 */
export async function instantiate(ev: Evaluator, store: LocalStore, file: string, attrs: readonly string[]): Promise<Evaluated> {
  ev.useStore(store);
  const r = await ev.evaluate(file, attrs);
  // The selection's tops (what no other part of it refers to) are rooted, then checked: a gc keeps
  // a valid root's closure, and the references of a valid path are valid (DESIGN.md §6), so only
  // below an invalid path can anything be missing. When all is valid (the common case), that is
  // one validity check per top and nothing written.
  const byPath = new Map(r.closure.map((c) => [c.path, c]));
  const referenced = new Set<string>();
  for (const c of r.closure) for (const ref of c.references) referenced.add(ref);
  const tops = [...new Set(r.selected.map((s) => s.drv.drvPath))].filter((p) => !referenced.has(p));
  store.addTempRoots(tops);
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const todo = [...tops]; todo.length > 0; ) {
    const p = todo.pop()!;
    const c = byPath.get(p);
    // Not made by this evaluation: a path() source, valid since it was added.
    if (seen.has(p) || c === undefined) continue;
    seen.add(p);
    if (store.isValidPath(p)) continue;
    missing.push(p);
    todo.push(...c.references);
  }
  if (missing.length === 0) return { selected: r.selected, written: 0 };
  const bytes = await ev.texts(missing);
  const refs = new Map(r.closure.map((c) => [c.path, c.references]));
  const written = store.addTextObjects(missing.map((p) => ({ path: p, bytes: bytes.get(p)!, references: refs.get(p)! })));
  return { selected: r.selected, written };
}

/** Evaluate one recipe file on its own evaluation thread. */
export async function evaluate(store: LocalStore, file: string, attrs: readonly string[], cacheDir: string): Promise<Evaluated> {
  const ev = new Evaluator(store.storeDir, cacheDir);
  try {
    return await instantiate(ev, store, file, attrs);
  } finally {
    await ev.close();
  }
}
