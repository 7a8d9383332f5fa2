import { toStorePath } from "../../gc/roots.js";
import { whyDepends } from "../../gc/why-depends.js";
import { openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("why-depends")
        .description("show the shortest reference chain from A to B (with --precise, where each reference is)")
        .argument("<a>", "a store path (or a link to one) whose closure holds B")
        .argument("<b>", "a store path (or a link to one)")
        .option("--precise", "show the file and the bytes around each reference")
        .option("--json", "print the chain as JSON")).action(async (a, b, opts) => {
        const store = await openStore(ctx, opts);
        try {
            const steps = whyDepends(store, toStorePath(store, a), toStorePath(store, b), !!opts.precise);
            if (opts.json) {
                out(JSON.stringify(steps) + "\n");
                return;
            }
            // Nix's layout: the chain as a tree, one level per reference.
            const lines = [steps[0].path];
            steps.slice(1).forEach((s, i) => {
                const indent = "    ".repeat(i);
                if (s.hits !== undefined) {
                    for (const h of s.hits)
                        lines.push(`${indent}└───${h.file === "" ? "(the path itself)" : h.file}: ${h.context}`);
                    lines.push(`${indent}    → ${s.path}`);
                }
                else {
                    lines.push(`${indent}└───${s.path}`);
                }
            });
            out(lines.join("\n") + "\n");
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=why-depends.js.map