// Profile generations on disk: `<dir>/<name>` -> `<name>-<N>-link` -> store path, with a record of
// each generation's parent and changes beside it. Nix: src/libstore/profiles.cc.
//
// Write order (RELIABILITY.md §2.3): the environment is valid and durable first; then the record
// `.<name>-<N>-link.json` (temp file, fsync, rename); then the generation link, created with
// symlink(2) under its final name, which fails with EEXIST, so two writers never share N; then
// the profile link, made under a temp name and renamed over `<name>` (one atomic step); each
// directory change is followed by an fsync of the directory. A crash leaves the profile at the
// old or the new generation; a record without its link is garbage, overwritten when N is reused.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { CairnError } from "../store/format/errors.js";
import { encodeNix32 } from "../store/format/base32.js";
import { sha256 } from "../store/format/hash.js";
import { fsyncDir } from "../store/syncfs.js";
/** `--profile NAME|PATH`: a bare name lives in the profiles dir; anything with a '/' is a path. */
export function profileRef(profilesDir, spec, cwd) {
    if (spec === "" || spec === "." || spec === ".." || spec.endsWith("/")) {
        throw new CairnError("E_USAGE", `'${spec}' is not a profile name or path`, { profile: spec });
    }
    const link = spec.includes("/") ? path.resolve(cwd, spec) : path.join(profilesDir, spec);
    return { dir: path.dirname(link), name: path.basename(link), link };
}
export const generationLinkName = (ref, n) => `${ref.name}-${n}-link`;
export const generationLink = (ref, n) => path.join(ref.dir, generationLinkName(ref, n));
const recordPath = (ref, n) => path.join(ref.dir, `.${generationLinkName(ref, n)}.json`);
function genNumber(ref, base) {
    if (!base.startsWith(`${ref.name}-`) || !base.endsWith("-link"))
        return undefined;
    const mid = base.slice(ref.name.length + 1, -"-link".length);
    return /^[0-9]+$/.test(mid) ? Number(mid) : undefined;
}
function readLinkOrUndefined(p) {
    try {
        return fs.readlinkSync(p);
    }
    catch (e) {
        if (e.code === "ENOENT")
            return undefined;
        throw new CairnError("E_IO", `cannot read link '${p}': ${e.code}`, { path: p });
    }
}
/** The current generation's number, or undefined for a profile that does not exist yet. */
export function currentGeneration(ref) {
    const t = readLinkOrUndefined(ref.link);
    if (t === undefined)
        return undefined;
    const n = genNumber(ref, path.basename(t));
    if (n === undefined) {
        throw new CairnError("E_PROFILE", `profile '${ref.link}' points at '${t}', which is not one of its generations`, { profile: ref.link });
    }
    return n;
}
export function readRecord(ref, n) {
    try {
        const r = JSON.parse(fs.readFileSync(recordPath(ref, n), "utf8"));
        return r.generation === n ? r : undefined;
    }
    catch {
        return undefined; // no record (made by another tool, or a crash before it): fall back as Nix
    }
}
/** All generations, oldest first. */
export function listGenerations(ref, withRecords = true) {
    let names;
    try {
        names = fs.readdirSync(ref.dir);
    }
    catch (e) {
        if (e.code === "ENOENT")
            return [];
        throw e;
    }
    const gens = [];
    for (const base of names) {
        const n = genNumber(ref, base);
        if (n === undefined)
            continue;
        const link = path.join(ref.dir, base);
        const storePath = readLinkOrUndefined(link);
        if (storePath === undefined)
            continue;
        const record = withRecords ? readRecord(ref, n) : undefined;
        const created = record?.created ?? Math.floor(fs.lstatSync(link).mtimeMs / 1000);
        gens.push({ number: n, link, storePath, created, ...(record ? { record } : {}) });
    }
    return gens.sort((a, b) => a.number - b.number);
}
/** The store path generation `n` points at; throws E_PROFILE_NO_GENERATION when there is none. */
export function generationTarget(ref, n) {
    const storePath = readLinkOrUndefined(generationLink(ref, n));
    if (storePath === undefined) {
        throw new CairnError("E_PROFILE_NO_GENERATION", `profile '${ref.link}' has no generation ${n}`, { profile: ref.link, generation: n });
    }
    return storePath;
}
export function getGeneration(ref, n) {
    const link = generationLink(ref, n);
    const storePath = generationTarget(ref, n);
    const record = readRecord(ref, n);
    const created = record?.created ?? Math.floor(fs.lstatSync(link).mtimeMs / 1000);
    return { number: n, link, storePath, created, ...(record ? { record } : {}) };
}
/**
 * The generation `n` was made from: its recorded parent; without a record, the highest lower
 * number (Nix's rule). Undefined for the first generation.
 */
export function parentOf(ref, n) {
    const rec = readRecord(ref, n);
    if (rec !== undefined)
        return rec.parent ?? undefined;
    const lower = listGenerations(ref, false).filter((g) => g.number < n);
    return lower.length > 0 ? lower[lower.length - 1].number : undefined;
}
function writeFileDurable(p, text) {
    const tmp = `${p}.tmp-${randomBytes(4).toString("hex")}`;
    const fd = fs.openSync(tmp, "wx", 0o644);
    try {
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
    }
    finally {
        fs.closeSync(fd);
    }
    fs.renameSync(tmp, p);
}
/** gcroots/auto/<hash> for a generation link outside the profiles dir, as Nix's addIndirectRoot. */
export function indirectRootPath(gcrootsDir, link) {
    return path.join(gcrootsDir, "auto", encodeNix32(sha256(link)).slice(0, 32));
}
/** Make generation max+1 (or the next free number) pointing at `storePath`; returns its number. */
export function createGeneration(ref, g) {
    fs.mkdirSync(ref.dir, { recursive: true });
    const gens = listGenerations(ref, false);
    let n = gens.length > 0 ? gens[gens.length - 1].number + 1 : 1;
    for (;; n++) {
        if (fs.lstatSync(generationLink(ref, n), { throwIfNoEntry: false }) !== undefined)
            continue; // made by a writer outside the lock (another tool)
        writeFileDurable(recordPath(ref, n), JSON.stringify({ generation: n, ...g.record }) + "\n");
        g.crash?.("profile.record-written");
        const link = generationLink(ref, n);
        if (g.indirectRootsDir !== undefined) {
            // The root first: a generation link must never exist without the root that keeps it alive.
            const root = indirectRootPath(g.indirectRootsDir, link);
            fs.mkdirSync(path.dirname(root), { recursive: true });
            fs.rmSync(root, { force: true });
            fs.symlinkSync(link, root);
            fsyncDir(path.dirname(root));
        }
        try {
            fs.symlinkSync(g.storePath, link);
        }
        catch (e) {
            if (e.code === "EEXIST")
                continue; // as above, raced
            throw e;
        }
        fsyncDir(ref.dir);
        g.crash?.("profile.generation-linked");
        return n;
    }
}
/** Point the profile at generation `n`: a temp link renamed over the profile link, then fsync. */
export function switchGeneration(ref, n, crash) {
    const tmp = path.join(ref.dir, `.${ref.name}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
    fs.symlinkSync(generationLinkName(ref, n), tmp);
    crash?.("profile.switch-prepared");
    try {
        fs.renameSync(tmp, ref.link);
    }
    catch (e) {
        fs.rmSync(tmp, { force: true });
        throw e;
    }
    crash?.("profile.switch-renamed");
    fsyncDir(ref.dir);
    crash?.("profile.switched");
}
/** Remove generation `n` (never the current one: callers check under the lock). */
export function deleteGeneration(ref, n, gcrootsDir, crash) {
    const link = generationLink(ref, n);
    fs.rmSync(link, { force: true });
    crash?.("profile.generation-unlinked");
    fs.rmSync(recordPath(ref, n), { force: true });
    if (gcrootsDir !== undefined)
        fs.rmSync(indirectRootPath(gcrootsDir, link), { force: true });
    fsyncDir(ref.dir);
}
/** Remove temp links left by a crash between making one and renaming it (they are not roots). */
export function removeStaleTemps(ref) {
    let names;
    try {
        names = fs.readdirSync(ref.dir);
    }
    catch {
        return;
    }
    for (const n of names) {
        if (n.startsWith(`.${ref.name}-`) && /\.json\.tmp-[0-9a-f]+$/.test(n))
            fs.rmSync(path.join(ref.dir, n), { force: true });
        else if (n.startsWith(`.${ref.name}.tmp-`)) {
            const pid = Number(n.slice(`.${ref.name}.tmp-`.length).split("-")[0]);
            if (pid !== process.pid && !pidAlive(pid))
                fs.rmSync(path.join(ref.dir, n), { force: true });
        }
    }
}
function pidAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (e) {
        return e.code === "EPERM";
    }
}
//# sourceMappingURL=generations.js.map