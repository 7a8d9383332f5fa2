import { signPaths } from "../../store/binary-cache.js";
import { readSecretKeyFile } from "../../store/key-files.js";
import { openStore, out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, ctx) {
    storeOptions(program
        .command("sign")
        .description("add signatures by a secret key to store paths")
        .argument("<paths...>")
        .requiredOption("--secret-key-file <file>", "secret key (NAME:base64, mode 0600)")
        .option("-r, --recursive", "sign the closures of the paths")
        .option("--json", "print what was signed as JSON")).action(async (paths, opts) => {
        const sk = readSecretKeyFile(opts.secretKeyFile);
        const store = await openStore(ctx, opts);
        try {
            for (const p of paths)
                store.parsePath(p);
            const targets = opts.recursive ? store.computeClosure(paths) : [...new Set(paths)];
            const n = signPaths(store, targets, sk);
            out(opts.json ? JSON.stringify({ key: sk.name, paths: targets, added: n }) + "\n" : `added ${n} signatures\n`);
        }
        finally {
            await store.close();
        }
    });
}
//# sourceMappingURL=sign.js.map