// Finding the gc's roots: symlinks under gcroots/ (direct, and indirect ones in gcroots/auto/
// that point at links elsewhere such as ./result), every profile and generation link under
// profiles/, and the temp roots and claims of live processes. Nix: findRoots, findTempRoots,
// removeUnusedLinks' neighbours in src/libstore/gc.cc.
import fs from "node:fs";
import path from "node:path";
import { GC_MARKER } from "../store/local-store.js";
import { CairnError } from "../store/format/index.js";
import { isAlive, parseOwnerTag } from "../store/process-id.js";
import { readTempRoots, removeDeadTempRoots } from "../store/temp-roots.js";
const MAX_HOPS = 40;
/** The store path a symlink target names (logical or physical store dir), or undefined. */
function storePathOf(store, target) {
    for (const dir of [store.storeDir, store.layout.realStoreDir]) {
        if (target.startsWith(dir + "/")) {
            const base = target.slice(dir.length + 1).split("/")[0];
            if (base === "" || base.startsWith("."))
                return undefined;
            return `${store.storeDir}/${base}`;
        }
    }
    return undefined;
}
/**
 * Follow `link` (a symlink) until a target in the store: without touching anything in the store
 * itself (its physical path may differ from the logical one). "missing" when a link in the chain
 * is gone or the chain loops.
 */
export function resolveRootLink(store, link) {
    let cur = link;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
        let target;
        try {
            target = fs.readlinkSync(cur);
        }
        catch (e) {
            const code = e.code;
            if (code === "ENOENT")
                return "missing";
            if (code === "EINVAL")
                return "outside"; // not a symlink: a plain file is no root
            throw e;
        }
        const abs = path.resolve(path.dirname(cur), target);
        const sp = storePathOf(store, abs);
        if (sp !== undefined)
            return sp;
        cur = abs;
    }
    return "missing";
}
function listDir(dir) {
    try {
        return fs.readdirSync(dir, { withFileTypes: true });
    }
    catch (e) {
        if (e.code === "ENOENT" || e.code === "ENOTDIR")
            return [];
        throw e;
    }
}
/** Every symlink below `dir` (directories are descended, never through a symlink). */
function* symlinksUnder(dir) {
    const stack = [dir];
    while (stack.length > 0) {
        const d = stack.pop();
        for (const e of listDir(d)) {
            const p = path.join(d, e.name);
            if (e.isSymbolicLink())
                yield p;
            else if (e.isDirectory())
                stack.push(p);
        }
    }
}
/** Permanent roots: gcroots/ (direct), gcroots/auto/ (indirect), profiles/. Nix: findRoots. */
export function findPermanentRoots(store, opts = {}) {
    const { gcrootsDir, profilesDir } = store.layout;
    const autoDir = path.join(gcrootsDir, "auto");
    const roots = [];
    for (const link of symlinksUnder(gcrootsDir)) {
        const indirect = link.startsWith(autoDir + "/");
        const r = resolveRootLink(store, link);
        if (r === "missing") {
            // An indirect root whose link (./result) was removed: the root is gone too (Nix: "removing
            // stale link"). A direct root to nowhere is left for its owner to see.
            if (indirect && opts.removeDeadIndirect) {
                try {
                    fs.unlinkSync(link);
                }
                catch {
                    /* removed concurrently */
                }
            }
            continue;
        }
        if (r === "outside")
            continue;
        roots.push({ kind: indirect ? "indirect" : "direct", link, path: r });
    }
    for (const link of symlinksUnder(profilesDir)) {
        const r = resolveRootLink(store, link);
        if (r === "missing" || r === "outside")
            continue;
        roots.push({ kind: "profile", link, path: r });
    }
    return roots;
}
/**
 * Remove the temp roots of dead owners (pid gone, or reused with another start time). The gc does
 * it once, holding its marker and before it reads any root: every temp root present after this
 * is honoured for the rest of that run, even if its owner exits meanwhile, since the owner may
 * have turned it into a permanent root the scan did not see (Nix's gc keeps the roots clients
 * sent it until it ends, for the same reason).
 */
export function sweepStaleTempRoots(store) {
    return removeDeadTempRoots(store.layout.tempRootsDir);
}
/**
 * Temp roots and claims, as roots. Without `includeDeadOwners`, only those of live processes (for
 * printing); the gc passes it after `sweepStaleTempRoots`, see there.
 */
export function findRuntimeRoots(store, opts = {}) {
    const roots = [];
    const { db } = store;
    for (const [tag, paths] of readTempRoots(store.layout.tempRootsDir)) {
        const owner = parseOwnerTag(tag);
        if (opts.includeDeadOwners !== true && (owner === undefined || !isAlive(owner)))
            continue;
        for (const p of new Set(paths))
            roots.push({ kind: "temp", link: `{temp:${tag}}`, path: p });
    }
    for (const { key, value } of [...db.claims.getRange({ snapshot: false })]) {
        if (key === GC_MARKER || key.startsWith(".") || key.includes(":"))
            continue;
        if (!isAlive(value))
            continue;
        roots.push({ kind: "claim", link: `{claim:${value.pid}-${value.start}}`, path: `${store.storeDir}/${key}` });
    }
    return roots;
}
/** Every root, permanent then runtime. Nix: LocalStore::findRoots(censor = false). */
export function findRoots(store, opts = {}) {
    return [...findPermanentRoots(store, opts), ...findRuntimeRoots(store, opts)];
}
/** A store path, or a link (./result, a profile) that leads to one. */
export function toStorePath(store, arg) {
    if (arg.startsWith(store.storeDir + "/")) {
        const base = arg.slice(store.storeDir.length + 1).split("/")[0];
        return store.layout.printPath(store.parsePath(`${store.storeDir}/${base}`));
    }
    const r = resolveRootLink(store, arg);
    if (r === "missing" || r === "outside") {
        throw new CairnError("E_INVALID_PATH", `'${arg}' is not a store path nor a link to one`, { path: arg });
    }
    return r;
}
//# sourceMappingURL=roots.js.map