// Evaluate a recipe against a store and write what the selection needs: the composition the CLI
// owns (eval never imports the store's implementation, only its interface).
import { beginEvaluation, endEvaluation } from "../eval/state.js";
import { loadRecipe, selectAttr, derivationsIn } from "../eval/load.js";
import { textObjectsFor } from "../eval/instantiate.js";
import type { DerivationOutput } from "../eval/values.js";
import type { LocalStore } from "../store/local-store.js";

export interface Evaluated {
  selected: { attr: string; drv: DerivationOutput }[];
  written: number;
}

export async function evaluate(store: LocalStore, file: string, attrs: string[], cacheDir: string): Promise<Evaluated> {
  const state = beginEvaluation(store.storeDir, store);
  try {
    const mod = await loadRecipe(file, { cacheDir });
    const selected: Evaluated["selected"] = [];
    for (const a of attrs.length > 0 ? attrs : [undefined]) {
      selected.push(...derivationsIn(selectAttr(mod, a, file), a ?? "", file));
    }
    const written = store.addTextObjects(textObjectsFor(state, selected.map((s) => s.drv.drvPath)));
    return { selected, written };
  } finally {
    endEvaluation();
  }
}
