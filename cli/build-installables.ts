// What `build`, `profile install` and `shell` accept: recipe files (with -A attributes) and .drv
// store paths (optionally `DRV!out,dev`), turned into derivation paths.
import { CairnError, parseStorePath } from "../store/format/index.js";
import type { LocalStore } from "../store/local-store.js";
import { Evaluator, instantiate } from "./evaluate.js";

export interface Wanted {
  drvPath: string;
  /** Outputs asked for (undefined: all). */
  outputs?: string[];
  /** The recipe attribute it came from, if any. */
  attr?: string;
  file?: string;
  /** Output name -> path, when evaluation already told us. */
  known?: Map<string, string>;
}

/**
 * `opening` may still be opening: a recipe's evaluation thread starts at once (it was prestarted
 * by cli/cli.ts) and waits for the store only where it needs it. Each evaluation thread is ended
 * without waiting: the promises of their ends go to `closing`, for the caller to await later.
 */
export async function resolveInstallables(
  storeDir: string,
  opening: Promise<LocalStore>,
  args: readonly string[],
  attrs: readonly string[],
  cacheDir: string,
  closing: Promise<void>[] = [],
): Promise<Wanted[]> {
  const wanted: Wanted[] = [];
  for (const a of args) {
    const [p, outs] = a.split("!", 2) as [string, string | undefined];
    if (p.endsWith(".drv") && p.startsWith(`${storeDir}/`)) {
      parseStorePath(storeDir, p);
      if (!(await opening).isValidPath(p)) throw new CairnError("E_INVALID_PATH", `derivation '${p}' is not valid in this store`, { path: p });
      wanted.push({ drvPath: p, ...(outs ? { outputs: outs.split(",") } : {}) });
      continue;
    }
    const ev = new Evaluator(storeDir, cacheDir);
    let r;
    try {
      r = await instantiate(ev, opening, a, [...attrs]);
    } finally {
      const c = ev.close();
      c.catch(() => {}); // awaited by the caller
      closing.push(c);
    }
    for (const s of r.selected) {
      const all = (s.drv as { all?: readonly { outputName: string; outPath: string }[] }).all;
      const known = all !== undefined ? new Map(all.map((o) => [o.outputName, o.outPath])) : undefined;
      wanted.push({ drvPath: s.drv.drvPath, attr: s.attr, file: a, ...(known ? { known } : {}) });
    }
  }
  return wanted;
}
