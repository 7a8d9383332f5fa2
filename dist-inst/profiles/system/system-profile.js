// The system profile: generations of system toplevels in ROOT/var/cairn/profiles/system (the same
// generation links, records, lock and atomic switch as user profiles) and the boot entries on an
// ESP that mirror them. Nix: nixos-rebuild (switch, boot, --rollback), nix-env --set on
// /nix/var/nix/profiles/system, systemd-boot-builder.py.
//
// Every operation holds the profile's lock from reading the current generation until the ESP is
// in step, so two `cairn system` commands never interleave their writes to the ESP. Order of a
// switch: refuse bad input and a full ESP first (nothing written); make the generation link; write
// the ESP's new files and entries; switch the profile link; prune what the ESP no longer needs.
import fs from "node:fs";
import path from "node:path";
import { CairnError } from "../../store/format/index.js";
import { fsyncDir } from "../../store/syncfs.js";
import { createGeneration, currentGeneration, getGeneration, listGenerations, profileRef, switchGeneration } from "../generations.js";
import { locked, rollbackTarget } from "../switch.js";
import { closureOf } from "../profile.js";
import { diffClosures } from "../diff.js";
import { bootOrder, describeState, entryState, generationFromCmdline, parseEntryText, DEFAULT_TRIES, DEFAULT_PATTERN, matchesPattern } from "./boot-entries.js";
import { entriesByGeneration, planBless, planEsp } from "./esp-plan.js";
import { applyOps, checkSpace, scanEsp } from "./esp.js";
import { FileHasher, readToplevel, storePathOf } from "./toplevel.js";
export const SYSTEM_PROFILE = "system";
export function systemProfileRef(layout) {
    return profileRef(layout.profilesDir, SYSTEM_PROFILE, layout.root);
}
/** Where the ESP of the last `cairn system` command is remembered, for commands without --esp. */
export const espMemoryFile = (layout) => path.join(layout.root, "var/cairn/system/esp");
/** Content hashes of kernels and initrds already hashed (see FileHasher). */
const hasherFor = (layout) => new FileHasher(path.join(layout.root, "var/cairn/system/digests.json"));
export function rememberedEsp(layout) {
    try {
        const t = fs.readFileSync(espMemoryFile(layout), "utf8").trim();
        return t === "" ? undefined : t;
    }
    catch {
        return undefined;
    }
}
export function rememberEsp(layout, esp) {
    const abs = path.resolve(esp);
    if (rememberedEsp(layout) === abs)
        return;
    const f = espMemoryFile(layout);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, abs + "\n");
    fs.renameSync(tmp, f);
    fsyncDir(path.dirname(f));
}
function toWanted(generation, t, hasher) {
    const k = hasher.digest(t.kernel);
    const i = hasher.digest(t.initrd);
    return {
        generation,
        kernel: { ...k, source: t.kernel },
        initrd: { ...i, source: t.initrd },
        kernelParams: t.kernelParams,
        init: t.init,
        ...(t.label !== undefined ? { label: t.label } : {}),
        ...(t.kernelVersion !== undefined ? { kernelVersion: t.kernelVersion } : {}),
    };
}
/** Every live generation that is a readable toplevel; the others are skipped with a warning. */
function liveGenerations(pc, hasher) {
    const out = [];
    for (const g of listGenerations(pc.ref, false)) {
        try {
            out.push(toWanted(g.number, readToplevel(pc.layout, g.storePath), hasher));
        }
        catch (e) {
            if (!(e instanceof CairnError))
                throw e;
            pc.log(`warning: generation ${g.number} gets no boot entry: ${e.message}`);
        }
    }
    return out;
}
/** Plan, check the room, and write; `between` runs after the writes and before the prunes. */
function syncLocked(pc, o, current, wanted, between) {
    const state = scanEsp(o.esp);
    const plan = planEsp(state, wanted, { current, tries: o.tries ?? DEFAULT_TRIES });
    checkSpace(o.esp, plan, o.space ? { space: o.space } : {});
    applyOps(o.esp, plan.writes, { log: pc.log });
    between?.();
    applyOps(o.esp, plan.prunes, { log: pc.log });
    return { esp: o.esp, current, written: plan.writes.length, removed: plan.prunes.length };
}
/** Make the ESP show the profile's live generations, the current one first. */
export async function syncBootEntries(pc, o) {
    return locked(pc, () => {
        const hasher = hasherFor(pc.layout);
        const r = syncLocked(pc, o, currentGeneration(pc.ref), liveGenerations(pc, hasher));
        hasher.save();
        return r;
    });
}
function bootChanges(before, after) {
    if (before === undefined)
        return ["kernel", "initrd", "kernel-params", "init"];
    const c = [];
    if (before.kernel.hash !== after.kernel.hash)
        c.push("kernel");
    if (before.initrd.hash !== after.initrd.hash)
        c.push("initrd");
    if (before.kernelParams !== after.kernelParams)
        c.push("kernel-params");
    if (before.init !== after.init)
        c.push("init");
    return c;
}
/**
 * Make `toplevel` (valid, built) a new generation of the system profile and write the ESP. The
 * same toplevel as the current generation makes no generation (as nix-env --set) but still brings
 * the ESP in step.
 */
export async function switchSystem(store, pc, toplevel, o) {
    if (!store.isValidPath(toplevel))
        throw new CairnError("E_INVALID_PATH", `'${toplevel}' is not a valid store path`, { path: toplevel });
    store.addTempRoots([toplevel]); // until the generation link makes it a root
    const top = readToplevel(pc.layout, toplevel);
    const closure = store.computeClosure([toplevel]);
    const initPath = storePathOf(pc.layout, top.init);
    if (!closure.includes(initPath)) {
        throw new CairnError("E_SYSTEM_TOPLEVEL", `'${toplevel}' is not a system toplevel: its init '${top.init}' is not in its closure`, {
            toplevel,
            file: "init",
        });
    }
    return locked(pc, () => {
        const hasher = hasherFor(pc.layout);
        const live = liveGenerations(pc, hasher);
        const cur = currentGeneration(pc.ref);
        const curGen = cur !== undefined ? getGeneration(pc.ref, cur) : undefined;
        const cache = new Map();
        const before = curGen ? closureOf(store, [curGen.storePath], cache) : [];
        const after = closureOf(store, [toplevel], cache);
        const size = (cs) => cs.reduce((s, c) => s + c.narSize, 0);
        const probe = toWanted(0, top, hasher);
        hasher.save();
        const diff = {
            ...(curGen ? { from: { generation: curGen.number, storePath: curGen.storePath } } : {}),
            to: toplevel,
            closure: diffClosures(before, after, (p) => pc.layout.parsePath(p).name),
            closureSize: { before: size(before), after: size(after), pathsBefore: before.length, pathsAfter: after.length },
            bootChanges: bootChanges(live.find((g) => g.generation === cur), probe),
        };
        o.showDiff?.(diff);
        if (curGen !== undefined && curGen.storePath === toplevel) {
            const sync = syncLocked(pc, o, cur, live);
            return { generation: cur, parent: curGen.record?.parent ?? undefined, created: false, diff: { ...diff, bootChanges: [] }, sync };
        }
        // The room is checked for the generation number createGeneration will most likely take, so a
        // full ESP refuses before the generation exists; the plan is made again with the real number.
        const predicted = Math.max(0, ...listGenerations(pc.ref, false).map((g) => g.number)) + 1;
        checkSpace(o.esp, planEsp(scanEsp(o.esp), [...live, { ...probe, generation: predicted }], { current: predicted, tries: o.tries ?? DEFAULT_TRIES }), o.space ? { space: o.space } : {});
        const n = createGeneration(pc.ref, {
            storePath: toplevel,
            record: { parent: cur ?? null, created: pc.now(), command: `system ${o.command}`, changes: { added: [], removed: [], changed: [] } },
            ...(pc.crash ? { crash: pc.crash } : {}),
        });
        const sync = syncLocked(pc, o, n, [...live, { ...probe, generation: n }], () => switchGeneration(pc.ref, n, pc.crash));
        return { generation: n, parent: cur, created: true, diff, sync };
    });
}
/**
 * Switch to the current generation's parent and rewrite the entries so that it sorts first (its
 * sort key); the newer generations keep their entries, behind it. Refusals change nothing.
 */
export async function rollbackSystem(pc, o) {
    return locked(pc, () => {
        const { from, to } = rollbackTarget(pc);
        const hasher = hasherFor(pc.layout);
        const live = liveGenerations(pc, hasher);
        if (!live.some((g) => g.generation === to)) {
            throw new CairnError("E_SYSTEM_TOPLEVEL", `generation ${to} is not a system toplevel: refusing to roll back to it`, { generation: to });
        }
        checkSpace(o.esp, planEsp(scanEsp(o.esp), live, { current: to, tries: o.tries ?? DEFAULT_TRIES }), o.space ? { space: o.space } : {});
        switchGeneration(pc.ref, to, pc.crash);
        const sync = syncLocked(pc, o, to, live);
        return { from: from, to, sync };
    });
}
/**
 * Mark a generation's entry as good (drop its boot counter): the running one (cairn.gen= on the
 * kernel command line), an explicit one, or else the profile's current one.
 */
export async function blessSystem(pc, o) {
    return locked(pc, () => {
        const fromCmdline = o.cmdline !== undefined ? generationFromCmdline(o.cmdline) : undefined;
        const cur = currentGeneration(pc.ref);
        const generation = o.generation ?? fromCmdline ?? cur;
        const source = o.generation !== undefined ? "option" : fromCmdline !== undefined ? "cmdline" : "current";
        if (generation === undefined) {
            throw new CairnError("E_PROFILE_NO_GENERATION", `the system profile '${pc.ref.link}' has no generations: nothing to bless`, { profile: pc.ref.link });
        }
        const state = scanEsp(o.esp);
        const entry = entriesByGeneration(state).get(generation)?.keep;
        if (entry === undefined) {
            throw new CairnError("E_SYSTEM_NO_ENTRY", `there is no boot entry for generation ${generation} in '${path.join(o.esp, "loader/entries")}'`, {
                esp: o.esp,
                generation,
            });
        }
        if (entryState(entry.name) === "good")
            return { generation, source, from: entry.file, to: entry.file, already: true };
        const plan = planBless(entry, generation === cur);
        checkSpace(o.esp, plan, o.space ? { space: o.space } : {});
        applyOps(o.esp, plan.writes, { log: () => { } });
        applyOps(o.esp, plan.prunes, { log: () => { } });
        return { generation, source, from: entry.file, to: path.basename(plan.writes[0].rel), already: false };
    });
}
const readOptional = (p) => {
    try {
        return fs.readFileSync(p, "utf8").trim() || undefined;
    }
    catch {
        return undefined;
    }
};
/** Generations, the current and default ones, and each entry's boot counter (reads only). */
export function listSystem(pc, esp) {
    const gens = listGenerations(pc.ref);
    const cur = currentGeneration(pc.ref);
    const state = esp !== undefined ? scanEsp(esp) : undefined;
    const order = bootOrder((state?.entries ?? []).map((e) => {
        const f = parseEntryText(e.text);
        return { ...e, sortKey: f.get("sort-key")?.[0], version: f.get("version")?.[0] };
    }));
    const def = order.find((e) => matchesPattern(DEFAULT_PATTERN, e.file));
    const byGen = state ? entriesByGeneration(state) : new Map();
    const live = new Set(gens.map((g) => g.number));
    const generations = gens.map((g) => {
        const real = pc.layout.realPath(pc.layout.parsePath(g.storePath));
        const e = byGen.get(g.number)?.keep;
        const label = readOptional(path.join(real, "label"));
        const kernelVersion = readOptional(path.join(real, "kernel-version"));
        return {
            generation: g.number,
            created: g.created,
            storePath: g.storePath,
            parent: g.record ? g.record.parent : null,
            current: g.number === cur,
            default: def !== undefined && def.name.generation === g.number,
            ...(label !== undefined ? { label } : {}),
            ...(kernelVersion !== undefined ? { kernelVersion } : {}),
            ...(e !== undefined
                ? {
                    entry: {
                        file: e.file,
                        state: entryState(e.name),
                        status: describeState(e.name),
                        ...(e.name.counter ? { triesLeft: e.name.counter.left, triesDone: e.name.counter.done ?? 0 } : {}),
                        menuPosition: order.findIndex((x) => x.file === e.file) + 1,
                    },
                }
                : {}),
        };
    });
    return {
        profile: pc.ref.link,
        ...(esp !== undefined ? { esp } : {}),
        ...(cur !== undefined ? { current: cur } : {}),
        ...(def !== undefined ? { defaultGeneration: def.name.generation } : {}),
        generations,
        orphanEntries: (state?.entries ?? []).filter((e) => !live.has(e.name.generation)).map((e) => ({ file: e.file, generation: e.name.generation })),
    };
}
//# sourceMappingURL=system-profile.js.map