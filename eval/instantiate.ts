// What instantiation writes: the .drv files and toFile objects the selected derivations need,
// as text objects with their references (the store writes them in one transaction).
import type { EvalState } from "./state.js";

export interface ClosureEntry {
  path: string;
  references: readonly string[];
}

/** The text objects in the closure of `drvPaths` among what this evaluation made. */
export function closureOf(state: EvalState, drvPaths: Iterable<string>): ClosureEntry[] {
  const out: ClosureEntry[] = [];
  const seen = new Set<string>();
  const todo = [...drvPaths];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const made = state.drvs.get(p) ?? state.texts.get(p);
    // Anything else (path() sources) is in the store already.
    if (made === undefined) continue;
    out.push({ path: p, references: made.references });
    todo.push(...made.references);
  }
  return out;
}

/** The contents of text objects this evaluation made, packed in one buffer (for a transfer). */
export interface PackedTexts {
  paths: string[];
  references: (readonly string[])[];
  /** End offset of each in `bytes`. */
  ends: number[];
  bytes: Uint8Array;
}

export function packTexts(state: EvalState, paths: readonly string[]): PackedTexts {
  let total = 0;
  const ends: number[] = [];
  for (const p of paths) {
    const d = state.drvs.get(p);
    total += (d?.text ?? state.texts.get(p)!.bytes).length;
    ends.push(total);
  }
  // Not from Buffer's shared pool: the whole ArrayBuffer is transferred to the main thread.
  const bytes = Buffer.allocUnsafeSlow(total);
  paths.forEach((p, i) => {
    const start = i === 0 ? 0 : ends[i - 1]!;
    bytes.set(state.drvs.get(p)?.text ?? state.texts.get(p)!.bytes, start);
  });
  const references = paths.map((p) => (state.drvs.get(p) ?? state.texts.get(p)!).references);
  return { paths: [...paths], references, ends, bytes };
}

export interface TextObject {
  path: string;
  bytes: Uint8Array;
  references: readonly string[];
}

/** Unpack what packTexts made. */
export function unpackTexts(t: PackedTexts): TextObject[] {
  return t.paths.map((path, i) => ({ path, references: t.references[i]!, bytes: t.bytes.subarray(i === 0 ? 0 : t.ends[i - 1]!, t.ends[i]!) }));
}
