// Selecting what to act on in a loaded recipe (`-A a.b`), and errors that name the recipe. Recipes
// are trusted code: loading one (eval/linker.ts) runs it, as evaluating a Nix expression does
// without restricted evaluation.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CairnError, isCairnError } from "../store/format/errors.js";
import { sortUtf8Fast } from "./derivation.js";
import { LocatedSyntaxError } from "./strip.js";
import { isDerivationOutput } from "./values.js";
const EVAL_DIR = path.dirname(fileURLToPath(import.meta.url));
const DIST_DIR = path.dirname(EVAL_DIR);
/** The first stack frame in a recipe (not in cairn, node or node_modules), as file:line:col. */
function recipeFrame(stack) {
    for (const m of (stack ?? "").matchAll(/(file:\/\/[^\s)]+?):(\d+):(\d+)/g)) {
        const file = fileURLToPath(m[1]);
        if (file.startsWith(DIST_DIR + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`))
            continue;
        return `${path.relative(process.cwd(), file) || file}:${m[2]}:${m[3]}`;
    }
    return undefined;
}
/** One line naming the file (and line:column where known) for anything a recipe throws. */
export function recipeError(file, e) {
    const rel = path.relative(process.cwd(), file) || file;
    if (isCairnError(e)) {
        const where = recipeFrame(e.stack);
        return new CairnError(e.code, `${where ?? rel}: ${e.message}`, { ...e.data, file: where ?? rel });
    }
    const err = e;
    const msg = String(err?.message ?? e);
    // The stripper and the linker name the file (and line:column where known) themselves.
    if (err instanceof LocatedSyntaxError)
        return new CairnError("E_EVAL", msg.split(process.cwd() + path.sep).join(""), { file: rel });
    const where = recipeFrame(err?.stack) ?? rel;
    const name = err?.name && err.name !== "Error" ? `${err.name}: ` : "";
    return new CairnError("E_EVAL", `${where}: ${name}${msg}`, { file: rel });
}
const forced = new WeakMap();
/** Exports may be zero-argument functions: call each once, lazily. */
export function force(v, file) {
    if (typeof v !== "function" || v.length !== 0)
        return v;
    if (forced.has(v))
        return forced.get(v);
    let r;
    try {
        r = v();
    }
    catch (e) {
        throw recipeError(file, e);
    }
    forced.set(v, r);
    return r;
}
function visibleKeys(v) {
    return keysOf(v).filter((x) => !["type", "drvAttrs", "all"].includes(x));
}
function listing(keys) {
    return keys.length === 0 ? "nothing" : keys.slice(0, 40).join(", ") + (keys.length > 40 ? ", …" : "");
}
function keysOf(v) {
    return typeof v === "object" && v !== null ? Object.keys(v).filter((k) => k !== "__esModule") : [];
}
/**
 * Select `attrPath` ("a.b") in a recipe module. The first component names an export, or else an
 * attribute of the default export; without a path the default export is selected.
 */
export function selectAttr(mod, attrPath, file) {
    if (attrPath === undefined || attrPath === "") {
        if (!("default" in mod))
            throw new CairnError("E_EVAL", `${file}: has no default export; choose one with -A (exports: ${keysOf(mod).join(", ") || "none"})`, { file });
        return force(mod.default, file);
    }
    const parts = attrPath.split(".");
    const named = keysOf(mod).filter((k) => k !== "default");
    let v;
    let start = 1;
    if (parts[0] === "default")
        v = force(mod.default, file);
    else if (named.includes(parts[0]))
        v = force(mod[parts[0]], file);
    else {
        const def = "default" in mod ? force(mod.default, file) : undefined;
        const inDefault = typeof def === "object" && def !== null && Object.prototype.hasOwnProperty.call(def, parts[0]);
        if (!inDefault) {
            const avail = [...named, ...visibleKeys(def)];
            throw new CairnError("E_EVAL", `${file}: attribute '${parts[0]}' not found; the recipe has: ${listing(avail)}`, { file, attrPath });
        }
        v = def;
        start = 0;
    }
    for (let i = start; i < parts.length; i++) {
        const k = parts[i];
        const ok = typeof v === "object" && v !== null && Object.prototype.hasOwnProperty.call(v, k);
        if (!ok) {
            const here = parts.slice(0, i).join(".") || "the default export";
            throw new CairnError("E_EVAL", `${file}: attribute '${parts.slice(0, i + 1).join(".")}' not found; ${here} has: ${listing(visibleKeys(v))}`, { file, attrPath });
        }
        v = force(v[k], file);
    }
    return v;
}
/** What a command acts on: a derivation, or each derivation in an object (one level deep). */
export function derivationsIn(v, what, file) {
    if (isDerivationOutput(v))
        return [{ attr: what, drv: v }];
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
        const out = [];
        // 10,000 attribute names (a big recipe's default export): the comparator would cost ~20 ms.
        for (const k of sortUtf8Fast(Object.keys(v))) {
            const x = force(v[k], file);
            if (isDerivationOutput(x))
                out.push({ attr: what ? `${what}.${k}` : k, drv: x });
        }
        return out;
    }
    throw new CairnError("E_EVAL", `${file}: ${what || "the default export"} is not a derivation or a set of derivations`, { file });
}
//# sourceMappingURL=load.js.map