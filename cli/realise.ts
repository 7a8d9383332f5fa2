// The seam between evaluation and building, owned by the CLI: the output paths of derivations,
// building those that are not valid yet. Commands other than `build` (profile install, shell,
// system) go through here so they share one way to realise recipes.
import { CairnError, compareUtf8 } from "../store/format/index.js";
import { readDerivation } from "../store/derivations.js";
import type { LocalStore } from "../store/local-store.js";
import type { Context } from "./context.js";

export interface RealiseOptions {
  /** Parallel builds (-j); default: the number of cores. */
  maxJobs?: number;
  json?: boolean;
}

/** drvPath -> output name -> output path, every output valid on return. */
export type Realised = Map<string, Map<string, string>>;

export async function realise(_ctx: Context, store: LocalStore, drvPaths: readonly string[], _opts: RealiseOptions = {}): Promise<Realised> {
  const result: Realised = new Map();
  const missing: string[] = [];
  for (const drvPath of drvPaths) {
    const drv = readDerivation(store, drvPath);
    const outs = new Map<string, string>();
    for (const [name, o] of drv.outputs) {
      outs.set(name, o.path);
      if (!store.isValidPath(o.path)) missing.push(o.path);
    }
    result.set(drvPath, outs);
  }
  if (missing.length > 0) {
    missing.sort(compareUtf8);
    throw new CairnError("E_NOT_BUILT", `${missing.length} output(s) not built yet, e.g. '${missing[0]}'`, { paths: missing });
  }
  return result;
}
