// toFile, path, fetchurl, placeholder. Nix: primops.cc (prim_toFile), eval.cc (copyPathToStore),
// corepkgs/fetchurl.nix.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encodeNix32 } from "../store/format/base32.js";
import { utf8 } from "../store/format/bytes.js";
import { CairnError } from "../store/format/errors.js";
import { sha256 } from "../store/format/hash.js";
import { checkName, makeTextPath, parseStorePath, printStorePath } from "../store/format/store-path.js";
import { coerceToString, emptyContext } from "./coerce.js";
import { derivation } from "./derivation.js";
import { evalState } from "./state.js";
/** `builtins.toFile NAME TEXT`: a text store object referring to the sources in TEXT. */
export function toFile(name, text) {
    const state = evalState();
    checkName(name, "toFile name");
    const ctx = emptyContext();
    const s = coerceToString(state, text, ctx, `toFile '${name}'`);
    if (ctx.drvPaths.length > 0) {
        const [drvPath, outs] = [...ctx.drvs()][0];
        throw new CairnError("E_EVAL", `in 'toFile': the file named '${name}' must not contain a reference to a derivation but contains (!${[...outs][0]}!${drvPath})`, { name, drvPath });
    }
    const bytes = utf8(s);
    const references = ctx.sortedSrcs();
    const sp = makeTextPath(state.storeDir, name, sha256(bytes), references.map((r) => parseStorePath(state.storeDir, r)));
    const p = printStorePath(state.storeDir, sp);
    if (!state.texts.has(p)) {
        state.texts.set(p, { path: p, name, bytes, references, seen: 0, referenced: 0 });
        state.onMade?.(p);
        state.addOrigin(sp.hashPart, { kind: "source", path: p }, true);
    }
    return p;
}
/** The recipe file that called us: the first stack frame outside cairn's own eval/ directory. */
function callerDir() {
    const here = path.dirname(fileURLToPath(import.meta.url));
    const stack = new Error().stack ?? "";
    for (const m of stack.matchAll(/\(?(file:\/\/[^\s)]+?):\d+:\d+\)?/g)) {
        const file = fileURLToPath(m[1]);
        if (path.dirname(file) !== here)
            return path.dirname(file);
    }
    return undefined;
}
/**
 * A file or tree as a Nix path literal: copied to the store (recursive sha256, named after its
 * base name), once per evaluation. Relative paths resolve against the calling recipe's directory.
 */
export function path_(p) {
    const state = evalState();
    const abs = path.resolve(callerDir() ?? ".", p);
    const known = state.pathLiterals.get(abs);
    if (known !== undefined)
        return known;
    const name = path.basename(abs);
    if (name.endsWith(".drv")) {
        throw new CairnError("E_EVAL", `path '${abs}': file names are not allowed to end in '.drv'`, { path: abs });
    }
    checkName(name, "path name");
    if (state.store === undefined)
        throw new CairnError("E_EVAL", `path '${abs}': no store to copy it into`, { path: abs });
    const sp = state.store.addPath(abs, { method: "recursive", name });
    state.pathLiterals.set(abs, sp);
    state.addOrigin(parseStorePath(state.storeDir, sp).hashPart, { kind: "source", path: sp });
    return sp;
}
/**
 * A fixed-output derivation realised by cairn's builtin fetcher: the same derivation as Nix's
 * `import <nix/fetchurl.nix> { url; hash; }`, so it has the same .drv and output paths.
 */
export function fetchurl(args) {
    const { url, hash } = args;
    if (typeof url !== "string" || url === "")
        throw new CairnError("E_EVAL", "fetchurl: 'url' is required");
    if (typeof hash !== "string" || hash === "")
        throw new CairnError("E_EVAL", `fetchurl '${url}': 'hash' is required`);
    const executable = args.executable ?? false;
    const unpack = args.unpack ?? false;
    // Nix: baseNameOf (toString url), which ignores one trailing slash.
    const name = args.name ?? (url.endsWith("/") ? url.slice(0, -1) : url).split("/").pop();
    return derivation({
        builder: "builtin:fetchurl",
        outputHashAlgo: "",
        outputHash: hash,
        outputHashMode: unpack || executable ? "recursive" : "flat",
        name,
        url,
        executable,
        unpack,
        system: "builtin",
        preferLocalBuild: true,
        impureEnvVars: ["http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy"],
        urls: [url],
    });
}
/** `builtins.placeholder`: the text standing for an output's path inside a builder. */
export function placeholder(output) {
    return "/" + encodeNix32(sha256(`nix-output:${output}`));
}
//# sourceMappingURL=builtins.js.map