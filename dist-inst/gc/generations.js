// Deleting old profile generations before a collection (`cairn gc --delete-older-than Nd`), read
// straight from the layout: `profiles/<name>` -> `<name>-<N>-link` -> store path. gc does not
// import profiles/ (DESIGN.md §1). Nix: nix-collect-garbage's removeOldGenerations and
// deleteGenerationsOlderThan in src/libstore/profiles.cc.
import fs from "node:fs";
import path from "node:path";
import { CairnError } from "../store/format/index.js";
/** `Nd` -> seconds. Nix accepts only days here too. */
export function parseOlderThan(spec) {
    const m = /^(\d+)d$/.exec(spec);
    if (!m)
        throw new CairnError("E_USAGE", `--delete-older-than '${spec}': expected a number of days such as 30d`, { input: spec });
    return Number(m[1]) * 86400;
}
/** Every profile in `profilesDir` (and below, when `recurse`): the link and its current generation number. */
export function listProfiles(profilesDir, recurse = true) {
    const out = [];
    const stack = [profilesDir];
    while (stack.length > 0) {
        const dir = stack.pop();
        let entries;
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        }
        catch {
            continue;
        }
        const gens = new Map();
        const links = new Map();
        for (const e of entries) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (recurse)
                    stack.push(p);
                continue;
            }
            if (!e.isSymbolicLink())
                continue;
            const m = /^(.+)-(\d+)-link$/.exec(e.name);
            if (m) {
                let created = 0;
                try {
                    created = Math.floor(fs.lstatSync(p).mtimeMs / 1000);
                }
                catch {
                    continue;
                }
                const l = gens.get(m[1]) ?? [];
                l.push({ profile: path.join(dir, m[1]), number: Number(m[2]), link: p, created });
                gens.set(m[1], l);
            }
            else if (!e.name.endsWith(".tmp")) {
                try {
                    links.set(e.name, fs.readlinkSync(p));
                }
                catch {
                    /* raced with a switch */
                }
            }
        }
        for (const [name, generations] of gens) {
            const target = links.get(name);
            const cm = target === undefined ? null : new RegExp(`^(?:.*/)?${escapeRe(name)}-(\\d+)-link$`).exec(target);
            generations.sort((a, b) => a.number - b.number);
            out.push({ profile: path.join(dir, name), current: cm ? Number(cm[1]) : undefined, generations });
        }
    }
    return out.sort((a, b) => (a.profile < b.profile ? -1 : 1));
}
function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
/**
 * Delete generations created before `now - olderThan`, never the current one, each profile under
 * its lock (as Nix's deleteGenerationsOlderThan holds lockProfile): a concurrent switch to a
 * generation being deleted would otherwise leave the profile link pointing at a missing one. As
 * Nix, the newest generation older than the cutoff is kept too: it was the one in use at that
 * time. Returns the generation links removed (or that would be, when `dryRun`).
 */
export async function deleteGenerationsOlderThan(profilesDir, olderThanSeconds, now, withLock, dryRun = false) {
    const removed = [];
    const cutoff = now - olderThanSeconds;
    for (const listed of listProfiles(profilesDir)) {
        removed.push(...(await withLock(listed.profile, () => {
            // Read again under the lock: the generations and the current one as they are now.
            const prof = listProfiles(path.dirname(listed.profile), false).find((p) => p.profile === listed.profile);
            return prof === undefined ? [] : deleteOld(prof, cutoff, dryRun);
        })));
    }
    return removed;
}
function deleteOld(prof, cutoff, dryRun) {
    const removed = [];
    // A profile whose link is missing or unreadable has no current generation we know of: keep all.
    if (prof.current === undefined)
        return removed;
    let canDelete = false;
    for (const g of [...prof.generations].reverse()) {
        if (!canDelete) {
            if (g.created < cutoff)
                canDelete = true;
            continue;
        }
        if (g.number === prof.current)
            continue;
        if (!dryRun) {
            try {
                fs.unlinkSync(g.link);
            }
            catch (e) {
                if (e.code !== "ENOENT")
                    throw e;
                continue;
            }
        }
        removed.push(g);
    }
    return removed;
}
//# sourceMappingURL=generations.js.map