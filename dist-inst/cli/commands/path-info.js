import { CairnError, parseHash, printHash } from "../../store/format/index.js";
import { openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
function closureSize(store, p) {
    let n = 0;
    for (const q of store.computeClosure([p]))
        n += store.queryPathInfo(q).narSize;
    return n;
}
/**
 * One entry of `nix path-info --json` (Nix 2.8 key order): `ultimate` for paths built here, as
 * Nix; `substitutedFrom` (cairn's own) for paths copied in from a binary cache.
 */
export function pathInfoJson(store, info, withClosureSize) {
    const o = {
        path: info.path,
        narHash: printHash(parseHash(info.narHash), "sri"),
        narSize: info.narSize,
        references: info.references,
    };
    if (info.ca !== undefined)
        o.ca = info.ca;
    if (withClosureSize)
        o.closureSize = closureSize(store, info.path);
    if (info.deriver !== undefined)
        o.deriver = info.deriver;
    o.registrationTime = info.registrationTime;
    if (info.ultimate === true)
        o.ultimate = true;
    if (info.sigs.length > 0)
        o.signatures = info.sigs;
    // cairn's own, after Nix's fields: the binary cache the path was copied in from.
    if (info.substitutedFrom !== undefined)
        o.substitutedFrom = info.substitutedFrom;
    return o;
}
export function register(program, ctx) {
    storeOptions(program
        .command("path-info")
        .description("show validity, NAR hash, size and references of store paths")
        .argument("<paths...>")
        .option("-r, --recursive", "act on the closure of the paths")
        .option("-s, --size", "print the NAR size")
        .option("-S, --closure-size", "print the closure size")
        .option("--sigs", "print 'ultimate' (built here), the content address and the signatures, as Nix does")
        .option("--json", "print JSON in the layout of nix path-info --json")).action(async (paths, opts) => {
        const store = await openStore(ctx, opts);
        try {
            const invalid = [];
            let targets = [];
            for (const p of paths) {
                store.parsePath(p);
                if (store.isValidPath(p))
                    targets.push(p);
                else
                    invalid.push(p);
            }
            if (opts.recursive)
                targets = store.computeClosure(targets);
            else
                targets = [...new Set(targets)];
            if (opts.json) {
                const arr = targets.map((p) => pathInfoJson(store, store.queryPathInfo(p), !!opts.closureSize));
                for (const p of invalid)
                    arr.push({ path: p, valid: false });
                out(JSON.stringify(arr) + "\n");
            }
            else {
                for (const p of targets) {
                    const info = store.queryPathInfo(p);
                    let line = p;
                    if (opts.size)
                        line += `\t${info.narSize}`;
                    if (opts.closureSize)
                        line += `\t${closureSize(store, p)}`;
                    if (opts.sigs)
                        line += `\t${[...(info.ultimate ? ["ultimate"] : []), ...(info.ca !== undefined ? [`ca:${info.ca}`] : []), ...info.sigs].join(" ")}`;
                    out(line + "\n");
                }
            }
            if (invalid.length > 0) {
                throw new CairnError("E_INVALID_PATH", `path '${invalid[0]}' is not valid`, { paths: invalid });
            }
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=path-info.js.map