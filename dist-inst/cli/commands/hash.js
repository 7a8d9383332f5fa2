import { CairnError, parseHashAlgo, printHash } from "../../store/format/index.js";
import { hashPath } from "../../store/nar-fs.js";
import { out } from "../context.js";
import { storeOptions } from "../options.js";
export function register(program, _ctx) {
    storeOptions(program
        .command("hash")
        .description("print the NAR hash of paths (or, with --flat, of a file's bytes)")
        .argument("<paths...>")
        .option("--flat", "hash the file's contents, not its NAR serialisation")
        .option("--base16", "print in base16 (hex)")
        .option("--base32", "print in Nix base32 (the default)")
        .option("--sri", "print as an SRI hash (ALGO-BASE64)")
        .option("--type <algo>", "md5, sha1, sha256 (default) or sha512", "sha256")).action((paths, opts) => {
        const formats = ["base16", "base32", "sri"].filter((f) => opts[f]);
        if (formats.length > 1)
            throw new CairnError("E_USAGE", "choose one of --base16, --base32, --sri");
        const format = formats[0] === "base16" ? "base16" : formats[0] === "sri" ? "sri" : "nix32";
        const algo = parseHashAlgo(opts.type);
        for (const p of paths)
            out(printHash(hashPath(p, { flat: opts.flat, algo }).hash, format) + "\n");
    });
}
//# sourceMappingURL=hash.js.map