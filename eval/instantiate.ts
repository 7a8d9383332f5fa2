// What instantiation writes: the .drv files and toFile objects the selected derivations need,
// as text objects with their references (the store writes them in one transaction).
import type { EvalState } from "./state.js";

export interface TextObjectToWrite {
  path: string;
  bytes: Uint8Array;
  references: readonly string[];
}

/** The text objects in the closure of `drvPaths` among what this evaluation made. */
export function textObjectsFor(state: EvalState, drvPaths: Iterable<string>): TextObjectToWrite[] {
  const out: TextObjectToWrite[] = [];
  const seen = new Set<string>();
  const todo = [...drvPaths];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const d = state.drvs.get(p);
    if (d !== undefined) {
      const aterm = d.aterm;
      // Encoded only if the store has to write it (usually nothing, when all are valid).
      out.push({
        path: p,
        get bytes() {
          return Buffer.from(aterm, "latin1");
        },
        references: d.references,
      });
      todo.push(...d.references);
      continue;
    }
    const t = state.texts.get(p);
    if (t !== undefined) {
      out.push({ path: p, bytes: t.bytes, references: t.references });
      todo.push(...t.references);
    }
    // Anything else (path() sources) is in the store already.
  }
  return out;
}
