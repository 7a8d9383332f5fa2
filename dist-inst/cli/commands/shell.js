import { CairnError } from "../../store/format/errors.js";
import { openStore } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("shell")
        .description("start a shell (or run -c CMD) with packages on PATH, touching no profile")
        .argument("<installables...>", "recipe files or store paths")
        .option("-A, --attr <attr>", "attribute path in the recipe (repeatable)", (v, acc) => [...acc, v], [])
        .option("-c, --command <cmd>", "run CMD with the shell instead of an interactive shell")).action(async (items, opts) => {
        const store = await openStore(ctx, opts);
        let pathVar;
        try {
            const { resolveInstallables } = await import("../installables.js");
            const { pathWith } = await import("../../profiles/env-lines.js");
            const els = await resolveInstallables(ctx, Promise.resolve(store), store.storeDir, items, opts.attr);
            if (els.length === 0)
                throw new CairnError("E_USAGE", "no packages given", {});
            pathVar = pathWith(els.flatMap((e) => e.storePaths.map((p) => store.realPath(p))), ctx.env.PATH);
        }
        finally {
            await store.close();
        }
        const { execa } = await import("execa");
        const shell = ctx.env.SHELL || "/bin/sh";
        const r = await execa(shell, opts.command !== undefined ? ["-c", opts.command] : [], {
            stdio: "inherit",
            env: { PATH: pathVar, CAIRN_SHELL: "1" },
            reject: false,
        });
        if (r.exitCode !== 0) {
            throw new CairnError("E_PROFILE", `${shell} exited with ${r.exitCode ?? r.signal}`, { status: r.exitCode, signal: r.signal });
        }
    });
}
//# sourceMappingURL=shell.js.map