// cairn diff-closures A B  (nix store diff-closures): per package, version changes and size
// deltas of at least 8 KiB between the closures of A and B (store paths, or links into the store
// such as a profile generation).
import fs from "node:fs";
import { CairnError } from "../../store/format/errors.js";
import { openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("diff-closures")
        .description("show what changed between the closures of two store paths")
        .argument("<a>")
        .argument("<b>")
        .option("--json", "print JSON")).action(async (a, b, opts) => {
        const store = await openStore(ctx, opts);
        try {
            const { toStorePath } = await import("../installables.js");
            const { closureOf } = await import("../../profiles/profile.js");
            const { diffClosures, printClosureChanges } = await import("../../profiles/diff.js");
            const resolve = (arg) => {
                let p = toStorePath(store.storeDir, arg);
                if (p === undefined) {
                    // A link into the store (a profile, ./result): follow it as far as the store.
                    let cur = arg;
                    for (let i = 0; i < 40 && p === undefined; i++) {
                        let t;
                        try {
                            t = fs.readlinkSync(cur);
                        }
                        catch {
                            break;
                        }
                        cur = t.startsWith("/") ? t : `${cur.slice(0, cur.lastIndexOf("/") + 1)}${t}`;
                        p = toStorePath(store.storeDir, cur);
                    }
                }
                if (p === undefined || !store.isValidPath(p))
                    throw new CairnError("E_INVALID_PATH", `'${arg}' is not a valid store path`, { path: arg });
                return p;
            };
            const cs = diffClosures(closureOf(store, [resolve(a)]), closureOf(store, [resolve(b)]), (p) => store.parsePath(p).name);
            out(opts.json ? JSON.stringify(cs) + "\n" : printClosureChanges(cs));
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=diff-closures.js.map