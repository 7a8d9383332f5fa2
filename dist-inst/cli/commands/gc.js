import { CairnError } from "../../store/format/index.js";
import { analyse, collectGarbage, releaseGcMarker, takeGcMarker } from "../../gc/collect.js";
import { explain } from "../../gc/explain.js";
import { deleteGenerationsOlderThan, parseOlderThan } from "../../gc/generations.js";
import { lockProfile } from "../../profiles/lock.js";
import { toStorePath } from "../../gc/roots.js";
import { err, openStore, out, writeAll } from "../context.js";
import { storeOptions } from "../options.js";
/** BYTES with an optional K/M/G/T suffix (powers of 1024), as Nix's --max-freed takes. */
export function parseBytes(s) {
    const m = /^(\d+)([KMGT]?)$/i.exec(s);
    if (!m)
        throw new CairnError("E_USAGE", `--max-freed '${s}': expected a number of bytes (suffix K, M, G or T allowed)`, { input: s });
    return Number(m[1]) * 1024 ** " KMGT".indexOf((m[2] || " ").toUpperCase());
}
const mib = (n) => (n / (1024 * 1024)).toFixed(2);
export function register(program, ctx) {
    storeOptions(program
        .command("gc")
        .description("delete store paths no root keeps alive; explain why a path is alive")
        .option("--dry-run", "print what would be deleted, delete nothing")
        .option("--max-freed <bytes>", "stop after freeing this many bytes (K/M/G/T suffixes)")
        .option("--print-roots", "print the roots (link -> path) and do nothing else")
        .option("--print-live", "print the live paths and do nothing else")
        .option("--print-dead", "print the dead paths and do nothing else")
        .option("--explain <path>", "show a chain from a root to PATH, or say that it is dead")
        .option("--delete-older-than <Nd>", "first delete profile generations older than N days (not the current one)")
        .option("--keep-outputs", "live derivations keep their outputs alive (Nix keep-outputs)")
        .option("--no-keep-derivations", "live outputs do not keep their derivations alive (Nix keep-derivations)")
        .option("--json", "print the result as JSON")).action(async (opts) => {
        const printModes = ["printRoots", "printLive", "printDead", "explain"].filter((k) => opts[k] !== undefined && opts[k] !== false);
        if (printModes.length > 1) {
            throw new CairnError("E_USAGE", "--print-roots, --print-live, --print-dead and --explain exclude each other", {});
        }
        const olderThan = opts.deleteOlderThan !== undefined ? parseOlderThan(opts.deleteOlderThan) : undefined;
        const maxFreed = opts.maxFreed !== undefined ? parseBytes(opts.maxFreed) : undefined;
        const store = await openStore(ctx, opts);
        try {
            const gcOpts = {
                dryRun: !!opts.dryRun || printModes.length > 0,
                maxFreed,
                keepOutputs: !!opts.keepOutputs,
                keepDerivations: opts.keepDerivations !== false,
                crash: ctx.hooks.crash,
                syncPoints: {
                    afterMarker: ctx.env.CAIRN_TEST_GC_SYNC_1,
                    afterRoots: ctx.env.CAIRN_TEST_GC_SYNC_2,
                    beforeDelete: ctx.env.CAIRN_TEST_GC_SYNC_3,
                },
            };
            if (printModes.length > 0) {
                // A consistent picture: no other gc changes the roots while we look.
                takeGcMarker(store);
                try {
                    const { roots, graph, reach } = analyse(store, gcOpts);
                    if (opts.printRoots) {
                        if (opts.json)
                            out(JSON.stringify(roots) + "\n");
                        else
                            out(roots.map((r) => `${r.link} -> ${r.path}\n`).join(""));
                    }
                    else if (opts.printLive || opts.printDead) {
                        const list = opts.printLive ? [...reach.live].sort() : [...reach.dead].sort();
                        out(opts.json ? JSON.stringify(list) + "\n" : list.map((p) => p + "\n").join(""));
                    }
                    else {
                        const p = toStorePath(store, opts.explain);
                        const e = explain(p, roots, graph, reach);
                        if (opts.json)
                            out(JSON.stringify(e) + "\n");
                        else if (!e.valid)
                            out(`'${p}' is not a valid path: there is nothing to collect\n`);
                        else if (!e.alive)
                            out(`'${p}' is dead: no root reaches it; cairn gc would delete it (${e.bytes} bytes)\n`);
                        else {
                            const lines = [`'${p}' is alive:`, `  ${e.via?.link ?? "?"} (${e.via?.kind ?? "root"} root)`];
                            for (const q of e.chain)
                                lines.push(`  -> ${q}`);
                            lines.push(`it is kept alive by ${e.keptBy.length} root(s); removing them would free it:`);
                            for (const r of e.keptBy)
                                lines.push(`  ${r.link} -> ${r.path} (${r.kind})`);
                            out(lines.join("\n") + "\n");
                        }
                    }
                }
                finally {
                    releaseGcMarker(store);
                }
                return;
            }
            const removedGens = olderThan !== undefined ? await deleteGenerationsOlderThan(store.layout.profilesDir, olderThan, Math.floor(Date.now() / 1000), profileLocker, !!opts.dryRun) : [];
            if (!opts.json) {
                for (const g of removedGens) {
                    err(`${opts.dryRun ? "would remove" : "removing"} generation ${g.number} of profile '${g.profile}'\n`);
                }
            }
            if (!opts.dryRun) {
                // Entries of the system generations just deleted leave the ESP (the CLI composes gc and profiles).
                const { keepEspInStep } = await import("../system-esp.js");
                for (const p of new Set(removedGens.map((g) => g.profile)))
                    await keepEspInStep(ctx, store.layout, p);
            }
            // Plain progress lines, written in blocks: one write per line costs ~20% on 20k paths.
            let pending = [];
            const flush = () => {
                if (pending.length > 0)
                    writeAll(2, pending.join(""));
                pending = [];
            };
            const verb = opts.dryRun ? "would delete" : "deleted";
            const live = ctx.stderrIsTTY && !opts.json;
            let count = 0;
            let bytes = 0;
            if (live) {
                // One status line on a terminal, updated every 64 paths.
                gcOpts.onDelete = (ev) => {
                    count++;
                    bytes += ev.bytes;
                    if (count % 64 === 1)
                        err(`\r\x1b[K${verb} ${count} paths, ${mib(bytes)} MiB: ${ev.path}`);
                };
            }
            else if (!opts.json) {
                gcOpts.onDelete = (ev) => {
                    pending.push(`${verb} '${ev.path}' (${ev.bytes} bytes)\n`);
                    if (pending.length >= 256)
                        flush();
                };
            }
            const r = await collectGarbage(store, gcOpts);
            if (live)
                err("\r\x1b[K");
            flush();
            const n = r.deleted.length + r.orphans.length;
            if (opts.json) {
                out(JSON.stringify({
                    dryRun: !!opts.dryRun,
                    deleted: r.deleted,
                    orphans: r.orphans,
                    bytesFreed: r.bytesFreed,
                    kept: r.kept,
                    live: r.liveCount,
                    generationsRemoved: removedGens.map((g) => ({ profile: g.profile, number: g.number })),
                }) + "\n");
            }
            else if (opts.dryRun) {
                out(`${n} paths would be deleted, ${mib(r.bytesFreed)} MiB would be freed\n`);
            }
            else {
                out(`${n} paths deleted, ${mib(r.bytesFreed)} MiB freed\n`);
            }
        }
        finally {
            await store.close();
        }
    });
}
/** The profiles' own lock (profiles/lock.ts), so deleting a profile's generations waits for a switch. */
const profileLocker = async (profile, f) => {
    const lock = await lockProfile(profile);
    try {
        return f();
    }
    finally {
        lock.release();
    }
};
//# sourceMappingURL=gc.js.map