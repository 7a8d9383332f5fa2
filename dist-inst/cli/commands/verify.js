import { CairnError } from "../../store/format/index.js";
import { verifyStore } from "../../store/verify.js";
import { err, openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("verify")
        .description("check that the database and the store's files agree")
        .argument("[paths...]")
        .option("--all", "check every valid path (the default when no PATH is given)")
        .option("--check-contents", "re-hash every path and check its canonical metadata")
        .option("--repair", "repair what can be repaired")
        .option("--json", "print the report as JSON")).action(async (paths, opts) => {
        const store = await openStore(ctx, opts);
        try {
            const live = ctx.stderrIsTTY && !opts.json;
            const report = verifyStore(store, {
                paths: paths.length > 0 && !opts.all ? paths : undefined,
                checkContents: !!opts.checkContents,
                repair: !!opts.repair,
                onProgress: live
                    ? (done, total) => err(`\r\x1b[Kverifying ${done}/${total} paths`)
                    : undefined,
            });
            if (live)
                err("\r\x1b[K");
            const bad = report.problems.filter((p) => !p.repaired);
            if (opts.json) {
                out(JSON.stringify(report, null, 2) + "\n");
            }
            else {
                for (const p of report.problems) {
                    out(`${p.repaired ? "repaired" : "error"}: ${p.kind}: '${p.path}': ${p.detail}\n`);
                }
                out(`checked ${report.checked} paths: ${bad.length} problems` +
                    (report.problems.length > bad.length ? `, ${report.problems.length - bad.length} repaired` : "") +
                    (report.garbage.length > 0 ? `, ${report.garbage.length} unregistered entries (removed by cairn gc)` : "") +
                    "\n");
            }
            if (bad.length > 0) {
                throw new CairnError("E_INVALID_PATH", `${bad.length} problems found`, { problems: bad.length });
            }
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=verify.js.map