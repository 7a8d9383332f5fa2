// Operations on one profile: change it (install, remove, upgrade) by making a new generation from
// the current one, roll back, switch, delete generations, and read its history. Nix:
// src/nix-env/nix-env.cc and user-env.cc (the operations), src/libstore/profiles.cc.
//
// Every operation that changes the profile holds its lock (profiles/lock.ts) from reading the
// current generation to the switch, so concurrent changes land one after the other as distinct
// generations, each made from the one before it. Switching and rollback: profiles/switch.ts.
import type { Layout } from "../store/layout.js";
import type { LocalStore } from "../store/local-store.js";
import { CairnError } from "../store/format/index.js";
import { diffManifests, type ClosureEntry, type ElementDiff } from "./diff.js";
import { createGeneration, currentGeneration, deleteGeneration, getGeneration, listGenerations, switchGeneration } from "./generations.js";
import { selectForDeletion, type DeleteSpec } from "./gen-spec.js";
import { locked, type ProfileContext } from "./switch.js";
import { emptyManifest, printManifest, type Manifest } from "./manifest.js";
import { buildUserEnvironment, cachedInfo, readEnvManifest, type InfoCache } from "./user-env.js";

export interface Current {
  generation: number | undefined;
  storePath: string | undefined;
  manifest: Manifest;
}

const realOf = (layout: Layout, storePath: string) => layout.realPath(layout.parsePath(storePath));

/** Where generation links of this profile need indirect roots (profiles outside the profiles dir). */
function indirectRootsDir(pc: ProfileContext): string | undefined {
  return pc.ref.dir === pc.layout.profilesDir ? undefined : pc.layout.gcrootsDir;
}

export function manifestOf(layout: Layout, storePath: string): Manifest {
  return readEnvManifest(realOf(layout, storePath));
}

export function readCurrent(pc: ProfileContext): Current {
  const g = currentGeneration(pc.ref);
  if (g === undefined) return { generation: undefined, storePath: undefined, manifest: emptyManifest() };
  const { storePath } = getGeneration(pc.ref, g);
  return { generation: g, storePath, manifest: manifestOf(pc.layout, storePath) };
}

/**
 * The closure of `paths` with NAR sizes, reading each path's info once; `cache` shares the reads
 * between the two sides of a diff, whose closures are mostly the same packages.
 */
export function closureOf(store: LocalStore, paths: readonly string[], cache: InfoCache = new Map()): ClosureEntry[] {
  const seen = new Set<string>();
  const todo = [...paths];
  const out: ClosureEntry[] = [];
  while (todo.length > 0) {
    const p = todo.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    const e = cachedInfo(store, p, cache);
    if (e === undefined) throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
    out.push({ path: p, narSize: e.narSize });
    for (const r of e.references) if (!seen.has(r)) todo.push(r);
  }
  return out;
}

export interface ChangeResult {
  /** The new generation, or undefined when nothing changed (no generation made). */
  generation: number | undefined;
  parent: number | undefined;
  storePath: string;
  diff: ElementDiff;
}

/**
 * Make a new generation from the current one by `change`, show the diff (`showDiff`, before the
 * switch), and switch to it. No change of environment: no new generation (as nix-env).
 */
export async function changeProfile(
  store: LocalStore,
  pc: ProfileContext,
  command: string,
  change: (current: Manifest) => Manifest,
  showDiff: (d: ElementDiff, before: Current, afterPath: string) => void,
  /** Infos of valid paths the caller read under this process's temp roots (see user-env.ts). */
  cache: InfoCache = new Map(),
): Promise<ChangeResult> {
  return locked(pc, async () => {
    const cur = readCurrent(pc);
    const next = change(cur.manifest);
    // The same manifest gives the same environment (its packages' trees do not change): the
    // current one, kept valid by its generation link while the lock is held. Otherwise it is
    // made (written before it is hashed: see buildUserEnvironment).
    const same = cur.storePath !== undefined && printManifest(next) === printManifest(cur.manifest) && store.isValidPath(cur.storePath);
    const envPath = same ? cur.storePath! : (await buildUserEnvironment(store, next, pc.crash, cache)).path;
    const diff = diffManifests(cur.manifest, next, {
      before: closureOf(store, cur.storePath ? [cur.storePath] : [], cache),
      after: closureOf(store, [envPath], cache),
    });
    showDiff(diff, cur, envPath);
    if (envPath === cur.storePath) return { generation: undefined, parent: cur.generation, storePath: envPath, diff };
    const n = createGeneration(pc.ref, {
      storePath: envPath,
      record: { parent: cur.generation ?? null, created: pc.now(), command, changes: { added: diff.added, removed: diff.removed, changed: diff.changed } },
      ...(indirectRootsDir(pc) !== undefined ? { indirectRootsDir: indirectRootsDir(pc) } : {}),
      ...(pc.crash ? { crash: pc.crash } : {}),
    });
    switchGeneration(pc.ref, n, pc.crash);
    // The store's temp roots on the environment and its packages go when the store closes.
    return { generation: n, parent: cur.generation, storePath: envPath, diff };
  });
}

/** Delete the generations `spec` selects; refusals (the current one, a missing one) delete nothing. */
export async function deleteGenerations(pc: ProfileContext, spec: DeleteSpec): Promise<number[]> {
  return locked(pc, () => {
    const gens = listGenerations(pc.ref);
    const cur = currentGeneration(pc.ref);
    const doomed = selectForDeletion(spec, gens, cur, pc.now());
    for (const n of doomed) {
      deleteGeneration(pc.ref, n, indirectRootsDir(pc), pc.crash);
      pc.log(`removing profile version ${n}`);
    }
    return doomed;
  });
}

export interface HistoryEntry {
  generation: number;
  parent: number | null;
  created: number;
  current: boolean;
  storePath: string;
  command?: string;
  changes?: ElementDiff;
}

/** Every generation with its date, parent and changes (recomputed from manifests when unrecorded). */
export function history(pc: ProfileContext): HistoryEntry[] {
  const gens = listGenerations(pc.ref);
  const cur = currentGeneration(pc.ref);
  return gens.map((g, i) => {
    const parent = g.record ? g.record.parent : i > 0 ? gens[i - 1]!.number : null;
    let changes = g.record?.changes;
    if (changes === undefined) {
      try {
        const before = parent === null ? emptyManifest() : manifestOf(pc.layout, gens.find((x) => x.number === parent)!.storePath);
        changes = diffManifests(before, manifestOf(pc.layout, g.storePath));
      } catch {
        /* a generation whose environment cannot be read: no changes shown */
      }
    }
    return {
      generation: g.number,
      parent,
      created: g.created,
      current: g.number === cur,
      storePath: g.storePath,
      ...(g.record ? { command: g.record.command } : {}),
      ...(changes ? { changes } : {}),
    };
  });
}

export type { ProfileContext };
