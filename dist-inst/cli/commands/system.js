// cairn system build|switch|boot|rollback|bless|list  (nixos-rebuild build/switch/boot/--rollback,
// bootctl's boot counting, nixos-rebuild list-generations). Parses flags, calls
// profiles/system/, prints. The ESP given with --esp is remembered (ROOT/var/cairn/system/esp) so
// that later commands, and `profile delete-generations` / `gc --delete-older-than`, keep it in step.
import fs from "node:fs";
import path from "node:path";
import { CairnError } from "../../store/format/errors.js";
import { err, followLinksToStorePath, openStore, out, recipeCacheDir, resolveLayout } from "../context.js";
import { commandGroup, storeOptions } from "../options.js";
import { addBuildOptions, buildOptionsFrom } from "../realise.js";
const int = (name, min) => (v) => {
    if (!/^[0-9]+$/.test(v) || Number(v) < min)
        throw new CairnError("E_USAGE", `${name} expects an integer of at least ${min}, not '${v}'`, { [name]: v });
    return Number(v);
};
const date = (s) => new Date(s * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "");
export async function systemContext(ctx, layout) {
    const { systemProfileRef } = await import("../../profiles/system/system-profile.js");
    return {
        layout,
        ref: systemProfileRef(layout),
        ...(ctx.hooks.crash ? { crash: ctx.hooks.crash } : {}),
        now: ctx.hooks.now ?? (() => Math.floor(Date.now() / 1000)),
        log: (s) => err(s + "\n"),
    };
}
/** CAIRN_TEST_ESP_FREE=<bytes>: what statfs would say, for tests that cannot mount a small file system. */
function spaceOverride(ctx) {
    const v = ctx.env.CAIRN_TEST_ESP_FREE;
    if (v === undefined || v === "")
        return {};
    if (!/^[0-9]+$/.test(v))
        throw new CairnError("E_USAGE", `CAIRN_TEST_ESP_FREE='${v}': expected a number of bytes`, {});
    return { space: { free: Number(v), blockSize: 4096 } };
}
/** --esp DIR (checked, then remembered), or the remembered one; `required` refuses without either. */
async function espFor(layout, opts, required) {
    const { rememberEsp, rememberedEsp } = await import("../../profiles/system/system-profile.js");
    const { checkEspDir } = await import("../../profiles/system/esp.js");
    if (opts.esp !== undefined) {
        const esp = path.resolve(opts.esp);
        checkEspDir(esp);
        rememberEsp(layout, esp);
        return esp;
    }
    const known = rememberedEsp(layout);
    if (known === undefined && required) {
        throw new CairnError("E_SYSTEM_NO_ESP", "no ESP: give --esp DIR (the mounted EFI system partition, or a directory to fill an image from)", {});
    }
    return known;
}
/** The toplevel an installable names: a store path (or a link into the store), or a recipe's one derivation, built. */
async function toplevelOf(ctx, store, item, opts) {
    const sp = followLinksToStorePath(store.layout, item);
    if (sp.startsWith(`${store.storeDir}/`)) {
        if ((opts.attr ?? []).length > 0)
            throw new CairnError("E_USAGE", "-A selects an attribute of a recipe, not of a store path", { input: item });
        if (!store.isValidPath(sp))
            throw new CairnError("E_INVALID_PATH", `'${sp}' is not a valid store path`, { path: sp });
        return sp;
    }
    if (!fs.existsSync(item))
        throw new CairnError("E_USAGE", `'${item}' is neither a store path nor a recipe file`, { input: item });
    const { evaluate } = await import("../evaluate.js");
    const { realise } = await import("../realise.js");
    const ev = await evaluate(store, path.resolve(item), opts.attr ?? [], recipeCacheDir(ctx));
    if (ev.selected.length !== 1) {
        throw new CairnError("E_USAGE", `'${item}'${(opts.attr ?? []).length ? ` -A ${opts.attr.join(" -A ")}` : ""} selects ${ev.selected.length} derivations (${ev.selected
            .map((s) => s.attr || "(default)")
            .join(", ")}); a system needs exactly one: choose with -A`, { input: item });
    }
    const { drv } = ev.selected[0];
    const realised = await realise(ctx, store, [drv.drvPath], buildOptionsFrom(ctx, { ...opts, json: false }));
    return realised.get(drv.drvPath)?.get(drv.outputName) ?? drv.outPath;
}
function printDiff(d, humanBytes, printClosureChanges) {
    const lines = [`<<< ${d.from ? `generation ${d.from.generation}: ${d.from.storePath}` : "(no system generation yet)"}`, `>>> new: ${d.to}`];
    const changes = printClosureChanges(d.closure).trimEnd();
    lines.push(changes === "" ? "No changes in the closure." : changes);
    const s = d.closureSize;
    lines.push(`Closure size: ${s.pathsBefore} -> ${s.pathsAfter} paths, disk usage ${humanBytes(s.after - s.before, true)}.`);
    out(lines.join("\n") + "\n");
}
export function register(program, ctx) {
    const system = commandGroup(program, "system", "the system profile and its boot entries (nixos-rebuild)");
    const sub = (name, description) => storeOptions(system.command(name).description(description));
    const withEsp = (c) => c.option("--esp <dir>", "the ESP (mounted EFI system partition, or a directory); remembered for later commands");
    addBuildOptions(sub("build", "build a system toplevel and link it as ./result (nothing else changes)")
        .argument("<installable>", "a recipe file (with -A) or a toplevel's store path")
        .option("-A, --attr <attr>", "attribute path in the recipe", (v, acc) => [...acc, v], [])
        .option("-o, --out-link <link>", "name of the result symlink", "result")
        .option("--no-link", "do not create a result symlink")).action(async (item, opts) => {
        const store = await openStore(ctx, opts);
        try {
            const top = await toplevelOf(ctx, store, item, opts);
            const { readToplevel } = await import("../../profiles/system/toplevel.js");
            readToplevel(store.layout, top); // refuse what is not a toplevel now, not at switch time
            if (opts.link) {
                const { linkResult } = await import("./build.js");
                linkResult(store.layout.gcrootsDir, opts.outLink, top);
            }
            out(top + "\n");
        }
        finally {
            await store.close();
        }
    });
    for (const command of ["switch", "boot"]) {
        addBuildOptions(withEsp(sub(command, command === "switch"
            ? "make a toplevel the new current generation and write its boot entry (the default from the next boot on)"
            : "as switch (cairn has nothing to activate): a new generation whose entry is the default at the next boot"))
            .argument("<installable>", "a recipe file (with -A) or a toplevel's store path")
            .option("-A, --attr <attr>", "attribute path in the recipe", (v, acc) => [...acc, v], [])
            .option("--tries <n>", "boot counter of the new entry: failed boots before systemd-boot falls back (default 3)", int("--tries", 1))
            .option("--json", "print the result as JSON")).action(async (item, opts) => {
            const layout = resolveLayout(ctx, opts);
            const esp = (await espFor(layout, opts, true));
            const store = await openStore(ctx, opts);
            try {
                const top = await toplevelOf(ctx, store, item, opts);
                const sys = await import("../../profiles/system/system-profile.js");
                const { humanBytes, printClosureChanges } = await import("../../profiles/diff.js");
                const pc = await systemContext(ctx, layout);
                const r = await sys.switchSystem(store, pc, top, {
                    esp,
                    command,
                    ...(opts.tries !== undefined ? { tries: opts.tries } : {}),
                    ...spaceOverride(ctx),
                    showDiff: (d) => {
                        if (!opts.json)
                            printDiff(d, humanBytes, printClosureChanges);
                    },
                });
                if (opts.json) {
                    out(JSON.stringify({ generation: r.generation, parent: r.parent ?? null, created: r.created, esp, diff: r.diff }) + "\n");
                    return;
                }
                const bc = r.diff.bootChanges;
                if (!r.created)
                    err(`system unchanged: ${top} is generation ${r.generation} already; boot entries brought in step\n`);
                else {
                    if (bc.includes("kernel")) {
                        const also = bc.filter((c) => c !== "kernel");
                        err(`reboot required: kernel changed${also.length ? ` (also ${also.join(", ")})` : ""}\n`);
                    }
                    else if (bc.length > 0)
                        err(`reboot required: ${bc.join(", ")} changed (kernel unchanged)\n`);
                    else
                        err("kernel, initrd, kernel-params and init unchanged\n");
                    err(command === "switch"
                        ? `switched system to generation ${r.generation}${r.parent !== undefined ? ` (from ${r.parent})` : ""}: the default entry from the next boot on\n`
                        : `generation ${r.generation} will be booted next${r.parent !== undefined ? ` (made from ${r.parent})` : ""}\n`);
                }
            }
            finally {
                await store.close();
            }
        });
    }
    withEsp(sub("rollback", "make the generation the current one was made from the current one and the default entry"))
        .option("--json", "print the result as JSON")
        .action(async (opts) => {
        const layout = resolveLayout(ctx, opts);
        const esp = (await espFor(layout, opts, true));
        const { rollbackSystem } = await import("../../profiles/system/system-profile.js");
        const r = await rollbackSystem(await systemContext(ctx, layout), { esp, ...spaceOverride(ctx) });
        if (opts.json)
            out(JSON.stringify({ from: r.from, to: r.to, esp }) + "\n");
        else
            err(`switching system from generation ${r.from} to ${r.to}: its entry is the default from the next boot on\n`);
    });
    withEsp(sub("bless", "mark the running generation's boot entry as good (removes its boot counter)"))
        .option("--generation <n>", "bless this generation (default: cairn.gen= of the running kernel, else the current one)", int("--generation", 1))
        .option("--json", "print the result as JSON")
        .action(async (opts) => {
        const layout = resolveLayout(ctx, opts);
        const esp = (await espFor(layout, opts, true));
        const { blessSystem } = await import("../../profiles/system/system-profile.js");
        let cmdline;
        if (opts.generation === undefined) {
            try {
                cmdline = fs.readFileSync("/proc/cmdline", "utf8");
            }
            catch {
                cmdline = undefined;
            }
        }
        const r = await blessSystem(await systemContext(ctx, layout), {
            esp,
            ...(opts.generation !== undefined ? { generation: opts.generation } : {}),
            ...(cmdline !== undefined ? { cmdline } : {}),
            ...spaceOverride(ctx),
        });
        if (opts.json)
            out(JSON.stringify({ ...r, esp }) + "\n");
        else if (r.already)
            err(`generation ${r.generation} is good already (${r.to})\n`);
        else
            err(`blessed generation ${r.generation}${r.source === "cmdline" ? " (the running one)" : ""}: ${r.from} -> ${r.to}\n`);
    });
    withEsp(sub("list", "list system generations: current, default at the next boot, and each entry's boot counter"))
        .option("--json", "print JSON")
        .action(async (opts) => {
        const layout = resolveLayout(ctx, opts);
        const esp = await espFor(layout, opts, false);
        const { listSystem } = await import("../../profiles/system/system-profile.js");
        const l = listSystem(await systemContext(ctx, layout), esp);
        if (opts.json) {
            out(JSON.stringify(l) + "\n");
            return;
        }
        if (l.generations.length === 0)
            out(`no system generations in '${l.profile}' yet\n`);
        const rows = l.generations.map((g) => [
            String(g.generation),
            date(g.created),
            [g.current ? "current" : "", g.default ? "default" : ""].filter(Boolean).join(",") || "-",
            g.entry ? g.entry.status : esp === undefined ? "?" : "no entry",
            g.entry ? g.entry.file : "-",
            [g.label, g.kernelVersion ? `linux ${g.kernelVersion}` : ""].filter(Boolean).join(", ") || "-",
        ]);
        const head = ["Generation", "Created", "Flags", "Boot", "Entry", "Label"];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        const fmt = (r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ") + "\n";
        if (rows.length > 0)
            out(fmt(head) + rows.map(fmt).join(""));
        for (const o of l.orphanEntries)
            out(`(entry ${o.file} names deleted generation ${o.generation}; the next system command removes it)\n`);
        if (esp === undefined)
            err("no ESP known (give --esp DIR): boot entries not shown\n");
    });
}
//# sourceMappingURL=system.js.map