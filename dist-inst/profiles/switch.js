import { CairnError } from "../store/format/errors.js";
import { currentGeneration, generationTarget, parentOf, removeStaleTemps, switchGeneration } from "./generations.js";
import { lockProfile } from "./lock.js";
/** Run `f` holding the profile's lock (after clearing temp links a crash left behind). */
export async function locked(pc, f) {
    const lock = await lockProfile(pc.ref.link, { onWait: () => pc.log(`waiting for the lock on profile '${pc.ref.link}'`) });
    try {
        removeStaleTemps(pc.ref);
        return await f();
    }
    finally {
        lock.release();
    }
}
/** Switch to generation `n`; refuses (changing nothing) when it does not exist. */
export async function switchTo(pc, n) {
    return locked(pc, () => {
        const from = currentGeneration(pc.ref);
        generationTarget(pc.ref, n); // throws E_PROFILE_NO_GENERATION
        switchGeneration(pc.ref, n, pc.crash);
        return { from, to: n };
    });
}
/**
 * Where `rollback` goes: the current generation's parent. Refuses at the first generation or a
 * deleted parent. The caller holds the lock (the system profile syncs its boot entries under it).
 */
export function rollbackTarget(pc) {
    const from = currentGeneration(pc.ref);
    if (from === undefined)
        throw new CairnError("E_PROFILE_NO_GENERATION", `profile '${pc.ref.link}' does not exist`, { profile: pc.ref.link });
    const parent = parentOf(pc.ref, from);
    if (parent === undefined) {
        throw new CairnError("E_PROFILE_REFUSED", `generation ${from} is the first one of '${pc.ref.link}': there is nothing to roll back to`, {
            profile: pc.ref.link,
            generation: from,
        });
    }
    try {
        generationTarget(pc.ref, parent);
    }
    catch {
        throw new CairnError("E_PROFILE_NO_GENERATION", `generation ${from} was made from generation ${parent}, which has been deleted; use switch-generation`, { profile: pc.ref.link, generation: parent });
    }
    return { from, to: parent };
}
/** Switch to the current generation's parent; refuses at the first generation or a deleted parent. */
export async function rollback(pc) {
    return locked(pc, () => {
        const r = rollbackTarget(pc);
        switchGeneration(pc.ref, r.to, pc.crash);
        return r;
    });
}
//# sourceMappingURL=switch.js.map