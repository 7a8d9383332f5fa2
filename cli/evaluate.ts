// Evaluate a recipe against a store and write what the selection needs: the composition the CLI
// owns (eval never imports the store's implementation, only its interface).
import path from "node:path";
import { Evaluator, expandSelection, type EvalDeps, type Selection, type SelectedDerivation, type TextObject } from "../eval/evaluator.js";
import type { EvalStore } from "../eval/state.js";
import { CairnError, checkName, makeFixedOutputPath, printStorePath } from "../store/format/index.js";
import type { AddPathOptions, LocalStore, TextStaging } from "../store/local-store.js";
import { hashPath } from "../store/nar-fs.js";
import { evalCache, type SourceRecord } from "./eval-cache.js";

export { Evaluator };

export interface Evaluated {
  selected: { attr: string; drv: SelectedDerivation }[];
  written: number;
}

/**
 * Evaluate `file` with `ev` and write the .drv files and toFile objects the selection needs that
 * are not valid yet. `store` may still be opening: the evaluation thread starts at once, and its
 * calls into the store (path()) wait for it.
 */
export async function instantiate(ev: Evaluator, opening: PromiseLike<LocalStore>, file: string, attrs: readonly string[]): Promise<Evaluated> {
  const sources = recipeSources(ev.storeDir);
  const cache = evalCache();
  const key = cache?.key(ev.storeDir, file, attrs);
  // A current entry (its files unchanged, its path() sources giving the same paths) is the result
  // if the store has its .drv files (rooted first, against the gc); otherwise the recipe is
  // evaluated, which writes them again (and the entry, if it changed).
  const c = key !== undefined && !cache!.lacksStore(key) ? cache!.lookup(key) : undefined;
  const current = c !== undefined && c.sources.every((s) => sources.pathOf(s.source, s.opts) === s.path);
  if (current) {
    const store = await opening;
    store.addTempRoots(c.tops);
    if (c.tops.every((p) => store.isValidPath(p))) return { selected: expandSelection(c.selection), written: 0 };
  }
  const r = await evaluateAndWrite(ev, opening, file, attrs, sources);
  if (key !== undefined && r.deps.impure === undefined) {
    const { files, absent } = r.deps;
    cache!.write(key, files, absent, { selection: r.selection, tops: r.tops, sources: sources.recorded() });
  } else if (key !== undefined) cache!.explain?.(`cairn: evaluation of ${file} not cached (${r.deps.impure})\n`);
  return { selected: expandSelection(r.selection), written: r.written };
}

/** Evaluate on the evaluation thread and write what the selection needs that is not valid yet. */
async function evaluateAndWrite(
  ev: Evaluator,
  opening: PromiseLike<LocalStore>,
  file: string,
  attrs: readonly string[],
  sources: RecipeSources,
): Promise<{ selection: Selection; tops: string[]; deps: EvalDeps; written: number }> {
  // Without -A the selection is the default export, which usually holds most of what the recipe
  // makes: files are written as evaluation goes, on this thread, while the worker evaluates (a
  // batch found all valid stops that: most likely all is, as in a second run). With -A it may be
  // a small part of a big recipe, so nothing is written ahead.
  let staging: TextStaging | undefined;
  const early: TextObject[][] = [];
  const stage = (made: TextObject[]) => (staging ? staging.add(made) > 0 : (early.push(made), true));
  ev.answerEarly((source, opts) => sources.early(source, opts));
  const evaluation = ev.evaluate(file, attrs, attrs.length > 0 ? undefined : stage);
  evaluation.catch(() => {}); // handled below, after the store is open
  const store = await opening;
  ev.useStore(sources.attach(store));
  if (attrs.length === 0) {
    staging = store.stageTexts();
    for (const made of early.splice(0)) if (!stage(made)) ev.stopStreaming();
  }
  try {
    const r = await evaluation;
    const result = (written: number) => ({ selection: r.selected, tops: r.tops, deps: r.deps, written });
    // What was staged is durable by the time it is needed: the sync runs while the rest is worked out.
    const synced = staging !== undefined && staging.staged.size > 0 ? staging.sync() : undefined;
    synced?.catch(() => {}); // awaited below when it matters
    // The selection's tops (what no other part of it refers to) are rooted, then checked: a gc
    // keeps a valid root's closure, and the references of a valid path are valid (DESIGN.md §6),
    // so only below an invalid path can anything be missing. When all is valid (the common case)
    // that is one validity check per top, and nothing is written.
    store.addTempRoots(r.tops);
    if (r.tops.every((p) => store.isValidPath(p))) return result(0);
    // Below the tops, what is missing: from the staged files' own references when they reach
    // only staged or valid paths (a first run's case: no round trip to the thread), else from
    // the closure the thread knows.
    const made = new Map<string, readonly string[]>();
    let missing = staging !== undefined ? missingBelow(r.tops, staging, store) : undefined;
    if (missing === undefined) {
      for (const c of await ev.closure()) made.set(c.path, c.references);
      missing = missingBelow(r.tops, staging, store, made)!;
    }
    if (missing.length === 0) return result(0);
    const unstaged = missing.filter((p) => !staging?.staged.has(p));
    const texts = new Map((unstaged.length > 0 ? await ev.texts(unstaged) : []).map((t) => [t.path, t]));
    // Staged ones are on disk already: only their paths and references are needed.
    const items = missing.map(
      (p) => texts.get(p) ?? { path: p, references: staging?.staged.get(p)?.references ?? made.get(p)!, bytes: new Uint8Array(0) },
    );
    await synced;
    return result(store.addTextObjects(items, staging));
  } finally {
    staging?.discard();
  }
}

/**
 * The paths below `tops` (themselves included) not valid yet. Staged means found invalid as it was
 * made (addTextObjects checks again, claiming), and the references of a valid path are valid.
 * `made` has the references of everything the evaluation made (what it lacks is a path() source,
 * valid since it was added); without it, the walk gives up (undefined) at the first path neither
 * staged nor valid, which only `made` can say more of.
 */
function missingBelow(tops: readonly string[], staging: TextStaging | undefined, store: LocalStore, made?: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const todo = [...tops]; todo.length > 0; ) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const staged = staging?.staged.get(p);
    if (staged !== undefined) {
      missing.push(p);
      todo.push(...staged.references);
      continue;
    }
    if ((made !== undefined && !made.has(p)) || store.isValidPath(p)) continue;
    if (made === undefined) return undefined;
    missing.push(p);
    todo.push(...made.get(p)!);
  }
  return missing;
}

/**
 * What path() copies into. LocalStore.addPath copies before it knows the path, and each path()
 * call blocks the evaluation thread: so a source is hashed first, and where its path is valid
 * already (a second run's case) it is only rooted. Before the store is open, a source that can be
 * hashed gets its path at once (the evaluation need not wait for the store); attach() then roots
 * those paths and adds any not valid, before anything the evaluation made is registered.
 */
export class RecipeSources {
  private readonly owed: SourceRecord[] = [];
  /** Every path() call answered, for the evaluation cache (which hashes each source again). */
  private readonly answered = new Map<string, SourceRecord>();

  constructor(private readonly storeDir: string) {}

  /** The path addPath would give `source`, or undefined if it cannot be hashed (addPath says why). */
  pathOf(source: string, opts: AddPathOptions): string | undefined {
    try {
      const method = opts.method ?? "recursive";
      const name = checkName(opts.name ?? path.basename(path.resolve(source)));
      const hash = hashPath(source, { flat: method === "flat" }).hash;
      return printStorePath(this.storeDir, makeFixedOutputPath(this.storeDir, name, { method, hash }));
    } catch {
      return undefined;
    }
  }

  early(source: string, opts: AddPathOptions = {}): string | undefined {
    const p = this.pathOf(source, opts);
    if (p !== undefined) this.owed.push(this.answer({ source, opts, path: p }));
    return p;
  }

  private answer(r: SourceRecord): SourceRecord {
    this.answered.set(JSON.stringify([r.source, r.opts]), r);
    return r;
  }

  recorded(): SourceRecord[] {
    return [...this.answered.values()];
  }

  attach(store: LocalStore): EvalStore {
    store.addTempRoots(this.owed.map((o) => o.path)); // before the validity checks (a gc may run meanwhile)
    for (const o of this.owed.splice(0)) {
      if (store.isValidPath(o.path)) continue;
      const added = store.addPath(o.source, o.opts);
      if (added !== o.path) {
        throw new CairnError("E_EVAL", `'${o.source}' changed while the recipe was evaluated (it was ${o.path}, it is ${added})`, { path: o.source });
      }
    }
    return {
      storeDir: store.storeDir,
      addPath: (source, opts = {}) => {
        const p = this.pathOf(source, opts);
        if (p !== undefined) {
          store.addTempRoot(p); // before the validity check, as addPath does (a gc may run meanwhile)
          if (store.isValidPath(p)) return this.answer({ source, opts, path: p }).path;
        }
        return this.answer({ source, opts, path: store.addPath(source, opts) }).path;
      },
    };
  }
}

const sourcesByStoreDir = new Map<string, RecipeSources>();

/**
 * The process's RecipeSources for a store dir: whoever answered a path() call early (cli/cli.ts
 * for the head start, or instantiate) leaves the path owed in the one instance that attaches. A
 * head start the command does not take over (a wrong guess) leaves its owed sources here too: they
 * are added like the others, referenced by nothing (gc garbage); a guess is rarely wrong.
 */
export function recipeSources(storeDir: string): RecipeSources {
  let s = sourcesByStoreDir.get(storeDir);
  if (s === undefined) sourcesByStoreDir.set(storeDir, (s = new RecipeSources(storeDir)));
  return s;
}

/** Evaluate one recipe file on its own evaluation thread. */
export async function evaluate(store: LocalStore, file: string, attrs: readonly string[], cacheDir: string): Promise<Evaluated> {
  const ev = new Evaluator(store.storeDir, cacheDir);
  try {
    return await instantiate(ev, Promise.resolve(store), file, attrs);
  } finally {
    await ev.close();
  }
}
