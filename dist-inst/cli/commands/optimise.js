import { optimiseStore } from "../../gc/optimise.js";
import { err, openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("optimise")
        .description("hard-link identical files in the store")
        .option("--dry-run", "report what would be linked, change nothing")
        .option("--json", "print the result as JSON")).action(async (opts) => {
        const store = await openStore(ctx, opts);
        try {
            const verb = opts.dryRun ? "would link" : "linked";
            const r = optimiseStore(store, {
                dryRun: !!opts.dryRun,
                crash: ctx.hooks.crash,
                onLink: opts.json ? undefined : (ev) => err(`${verb} '${ev.path}/${ev.file}' (${ev.bytes} bytes)\n`),
            });
            if (opts.json)
                out(JSON.stringify({ dryRun: !!opts.dryRun, ...r }) + "\n");
            else {
                for (const l of r.badLinks)
                    err(`warning: '${l}' does not hold the content its name says; left alone (cairn verify)\n`);
                const mib = (r.bytesSaved / (1024 * 1024)).toFixed(2);
                out(opts.dryRun
                    ? `${r.filesLinked} files would be hard-linked, ${mib} MiB would be saved\n`
                    : `${r.filesLinked} files hard-linked, ${mib} MiB saved\n`);
            }
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=optimise.js.map