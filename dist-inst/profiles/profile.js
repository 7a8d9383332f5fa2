import { CairnError } from "../store/format/index.js";
import { diffManifests } from "./diff.js";
import { createGeneration, currentGeneration, deleteGeneration, getGeneration, listGenerations, switchGeneration } from "./generations.js";
import { selectForDeletion } from "./gen-spec.js";
import { locked } from "./switch.js";
import { emptyManifest } from "./manifest.js";
import { buildUserEnvironment, cachedInfo, readEnvManifest } from "./user-env.js";
const realOf = (layout, storePath) => layout.realPath(layout.parsePath(storePath));
/** Where generation links of this profile need indirect roots (profiles outside the profiles dir). */
function indirectRootsDir(pc) {
    return pc.ref.dir === pc.layout.profilesDir ? undefined : pc.layout.gcrootsDir;
}
export function manifestOf(layout, storePath) {
    return readEnvManifest(realOf(layout, storePath));
}
export function readCurrent(pc) {
    const g = currentGeneration(pc.ref);
    if (g === undefined)
        return { generation: undefined, storePath: undefined, manifest: emptyManifest() };
    const { storePath } = getGeneration(pc.ref, g);
    return { generation: g, storePath, manifest: manifestOf(pc.layout, storePath) };
}
/**
 * The closure of `paths` with NAR sizes, reading each path's info once; `cache` shares the reads
 * between the two sides of a diff, whose closures are mostly the same packages.
 */
export function closureOf(store, paths, cache = new Map()) {
    const seen = new Set();
    const todo = [...paths];
    const out = [];
    while (todo.length > 0) {
        const p = todo.pop();
        if (seen.has(p))
            continue;
        seen.add(p);
        const e = cachedInfo(store, p, cache);
        if (e === undefined)
            throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
        out.push({ path: p, narSize: e.narSize });
        for (const r of e.references)
            if (!seen.has(r))
                todo.push(r);
    }
    return out;
}
/**
 * Make a new generation from the current one by `change`, show the diff (`showDiff`, before the
 * switch), and switch to it. No change of environment: no new generation (as nix-env).
 */
export async function changeProfile(store, pc, command, change, showDiff, 
/** Infos of valid paths the caller read under this process's temp roots (see user-env.ts). */
cache = new Map()) {
    return locked(pc, async () => {
        const cur = readCurrent(pc);
        const next = change(cur.manifest);
        const env = buildUserEnvironment(store, next, pc.crash, cache);
        const diff = diffManifests(cur.manifest, next, {
            before: closureOf(store, cur.storePath ? [cur.storePath] : [], cache),
            after: closureOf(store, [env.path], cache),
        });
        showDiff(diff, cur, env.path);
        if (env.path === cur.storePath)
            return { generation: undefined, parent: cur.generation, storePath: env.path, diff };
        const n = createGeneration(pc.ref, {
            storePath: env.path,
            record: { parent: cur.generation ?? null, created: pc.now(), command, changes: { added: diff.added, removed: diff.removed, changed: diff.changed } },
            ...(indirectRootsDir(pc) !== undefined ? { indirectRootsDir: indirectRootsDir(pc) } : {}),
            ...(pc.crash ? { crash: pc.crash } : {}),
        });
        switchGeneration(pc.ref, n, pc.crash);
        // The store's temp roots on the environment and its packages go when the store closes.
        return { generation: n, parent: cur.generation, storePath: env.path, diff };
    });
}
/** Delete the generations `spec` selects; refusals (the current one, a missing one) delete nothing. */
export async function deleteGenerations(pc, spec) {
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
/** Every generation with its date, parent and changes (recomputed from manifests when unrecorded). */
export function history(pc) {
    const gens = listGenerations(pc.ref);
    const cur = currentGeneration(pc.ref);
    return gens.map((g, i) => {
        const parent = g.record ? g.record.parent : i > 0 ? gens[i - 1].number : null;
        let changes = g.record?.changes;
        if (changes === undefined) {
            try {
                const before = parent === null ? emptyManifest() : manifestOf(pc.layout, gens.find((x) => x.number === parent).storePath);
                changes = diffManifests(before, manifestOf(pc.layout, g.storePath));
            }
            catch {
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
//# sourceMappingURL=profile.js.map